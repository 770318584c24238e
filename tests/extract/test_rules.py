"""Single rules: datelines, organisation names and their variants, the knowledge base, the topic and
dateline settings, and the text helpers the extractors share."""

from __future__ import annotations

import re

import pytest

from crosswire.extract import (
    extract_article,
    find_dateline,
    load_kb,
    names_organization,
)
from crosswire.extract.orgs import canonical_org, join_variants
from crosswire.extract.text import Spans, WordRegex, literal_regex
from crosswire.settings import ExtractSettings, Settings
from tests.extract.texts import seed_body


@pytest.mark.parametrize(
    "line, dateline",
    [
        ("SANTA ANA, Calif. – The Orange County District Attorney’s Office charged a man.", "SANTA ANA, Calif."),
        ("BROOKLYN, N.Y. — Brooklyn District Attorney Eric Gonzalez announced the indictment.", "BROOKLYN, N.Y."),
        ("CHICAGO\n\n— Legislation championed by the State’s Attorney has passed the assembly.", "CHICAGO"),
        ("(Dallas County) – The Dallas County District Attorney’s Office announced a new unit.", "Dallas County"),
        ("(PHOENIX) – Maricopa County Attorney Rachel Mitchell has announced the sentence.", "PHOENIX"),
        ("MEDIA ADVISORY –INVOLVED SHOOTING INVESTIGATION – David Dinh", None),
        ("Justice, June 2, 2025 – A man was charged with the crime today.", None),
    ],
)
def test_datelines(line, dateline):
    assert find_dateline(line)[0] == dateline


@pytest.mark.parametrize(
    "line",
    ["Miami, November 12, 2025 – The State Attorney announced the arrest of a man today.",
     "Miami-November 12, 2025 – The State Attorney announced the arrest of a man today.",
     "(Miami – November 12, 2025)\nThe State Attorney announced the arrest of a man today.",
     "Miami (November 12, 2025)\nThe State Attorney announced the arrest of a man today.",
     "Miami – 12 November 2025\n\nThe State Attorney announced the arrest of a man today."],
)
def test_a_known_place_and_a_date_make_a_dateline(line):
    place, _, day = find_dateline(line)
    assert place == "Miami" and day.date().isoformat() == "2025-11-12"


def test_dateline_is_looked_for_in_the_opening_only():
    text = "x" * 30 + "\nSANTA ANA, Calif. – The Orange County District Attorney’s Office charged a man."
    assert find_dateline(text)[0] == "SANTA ANA, Calif."
    assert find_dateline(text, ExtractSettings(dateline_within=20))[0] is None


def test_topic_settings():
    text = "The murder suspect was charged with fraud, a scheme of fraud and murder. A second murder charge."
    assert extract_article(text).topics == ["homicide", "fraud"]
    assert extract_article(text, settings=Settings(extract={"max_topics": 1})).topics == ["homicide"]
    assert extract_article(text, settings=Settings(extract={"topic_min_score": 4})).topics == ["other"]
    # a keyword of the title counts topic_title_weight times
    assert extract_article("A fraud case.", title="Murder trial").topics == ["homicide"]
    unweighted = Settings(extract={"topic_title_weight": 1})
    assert extract_article("A fraud case.", title="Murder trial", settings=unweighted).topics == ["other"]


def test_organization_variants_join():
    kb = load_kb()
    office = canonical_org("Orange County District Attorney's Office", kb)[0]
    assert office == canonical_org("the Orange County District Attorney", kb)[0] == kb.lookup("OCDA").canonical
    # outside the knowledge base too
    fresno = canonical_org("the Fresno County District Attorney", kb)[0]
    assert fresno == "Fresno County District Attorney’s Office"
    rep = join_variants(["Fresno County District Attorney Office", "Fresno County District Attorney’s Office"])
    assert len(set(rep.values())) == 1
    assert len(set(join_variants(["208th District Court", "180th District Court"]).values())) == 2
    # a generic federal name inside a longer one is not the federal body
    texas = "Texas Department of Justice"
    assert extract_article(f"It went to the {texas}.").organizations == [texas]


def test_names_organization(seeds):
    assert names_organization(seed_body(seeds["published"]))
    assert names_organization("Officers of the Fullerton Police Department arrested him.")
    assert not names_organization("He was sentenced to 19 years in prison on Monday.")


def test_knowledge_base_rows_are_well_formed():
    kb = load_kb()
    canonicals = [e.canonical for e in kb.entries]
    assert len(canonicals) == len(set(canonicals))
    assert all(re.fullmatch(r"Q\d+", e.wikidata) for e in kb.entries if e.wikidata)
    names = ["INTERPOL", "Europol", "Eurojust", "FRONTEX", "CEPOL", "AFRIPOL", "AMERIPOL", "ASEANAPOL", "GCCPOL",
             "AIMC", "SCO RATS", "UNODC", "FBI", "DEA", "ATF", "HSI", "ICE", "US Marshals", "Secret Service", "IRS-CI",
             "NCA", "BKA"]
    assert [n for n in names if not kb.lookup(n, fuzzy=False)] == []


def test_word_regex_finds_whole_words_only():
    rx = literal_regex(["said", "Police Department"])
    text = "Police Department officers said (said) it; he resaid, “Police Department”\nsaid"
    found = [(m.start(), m.group()) for m in rx.finditer(text)]
    # at the start, after a space, a bracket, an opening quote mark and a line break; not inside "resaid"
    assert [word for _, word in found] == ["Police Department", "said", "said", "Police Department", "said"]
    assert all(text[start : start + len(word)] == word for start, word in found)
    assert text.index("resaid") + 2 not in {start for start, _ in found}
    assert [m.group("w") for m in WordRegex(r"(?P<w2>[A-Z]\w+) Police", starts=" ").finditer("the Anaheim Police")] == [
        "Anaheim Police"]


def test_spans_overlap():
    spans = Spans([(5, 10), (20, 25)])
    assert spans.overlaps((9, 12)) and spans.overlaps((0, 6)) and spans.overlaps((24, 5000))
    assert not spans.overlaps((10, 20)) and not spans.overlaps((30, 40))
    spans.add((3000, 3005))
    assert spans.overlaps((3004, 3010)) and not spans.overlaps((2990, 3000))
