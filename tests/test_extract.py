"""The extract stage on real text: the INTERPOL seed release (published and scraped copies) and pages
of the prosecutor corpus, with the spaCy model and in rules mode."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from crosswire.extraction import dates, orgs, topics
from crosswire.extraction.text import Spans, WordRegex, literal_regex
from crosswire.schema import MENTIONS, QUOTES
from crosswire.settings import Settings
from tasks.extract import extract_article, extract_batch, extract_task, load_nlp, names_organization

PUBLISHED = datetime(2021, 10, 28, tzinfo=timezone.utc)
SEED_ORGANIZATIONS = {
    "INTERPOL", "AFRIPOL", "Arab Interior Ministers’ Council", "AMERIPOL", "ASEANAPOL", "Europol", "FRONTEX",
    "Gulf Cooperation Council-POL", "UNODC", "Shanghai Cooperation Organization Regional Anti-Terrorist Structure",
}
SEED_QUOTES = {
    "We are here to determine": "Jürgen Stock",
    "Over the past 18 months": "Jürgen Stock",
    "The repercussions of globalization": "Mohammed Ben Ali Koman",
}
CORPUS = "corpora/prosecutor-press-releases"
WRONG_WAY = (
    "orange_ca/press_wrong-way-drunken-driver-charged-with-killing-two-sisters-and-injuring-their-two-nieces-after-"
    "head-on-freeway-cras.txt"
)
AWARDS = "riverside_ca/news_justice_awards_25.txt"
HEMET = "riverside_ca/news_use-force-charges-filed-against-hemet-police-officer.txt"
MS13 = "los_angeles_ca/media_news_federal-jury-convicts-four-ms-13-members-triple-murder.txt"
TARZANA = "los_angeles_ca/media_news_man-charged-killing-actor-james-handy-tarzana.txt"
PILOT = "cook_il/news_cook-county-states-attorneys-office-secures-funding-launch-unprecedented-pilot-program.txt"
SPANISH = (
    "dallas_tx/Assets_uploads_docs_district-attorney_press-release_2026_Official_20Statement_20and_20Position_TLW_"
    "20Spanish_pdf.txt"
)
MENTION_KEYS = {"kind", "text", "normalized", "start", "end", "role", "method", "confidence"}


@pytest.fixture(scope="session")
def spacy_nlp():
    nlp, mode = load_nlp("auto")
    if nlp is None:
        pytest.skip("no spaCy model installed")
    return nlp


@pytest.fixture(params=["rules", "spacy"])
def nlp(request):
    """Each test runs with the knowledge base and rules alone, and with the spaCy model."""
    return None if request.param == "rules" else request.getfixturevalue("spacy_nlp")


def seed_body(raw: str) -> str:
    """The clean stage's output for the published seed: title, date and standfirst dropped, "/" gone."""
    paragraphs = "\n".join(raw.splitlines()[4:]).split("\n\n")
    return "\n\n".join(p.strip() for p in paragraphs if p.strip() and p.strip() != "/")


def scraped_body(raw: str) -> str:
    """The scraped seed with the clean stage's minimal fixes: the "1 / 8" counter and whitespace runs
    gone, a space put back between glued sentences."""
    text = re.sub(r"\s*\b1\s*/\s*8\b\s*", "\n\n", raw)
    text = re.sub(r"([.”])(?=[A-Z“])", r"\1 ", text)
    return re.sub(r"[ \t]*\n\s*", "\n\n", text).strip()


def corpus_paragraphs(shared: Path, name: str) -> str:
    """A corpus page, site chrome and all, one paragraph per line."""
    lines = (shared / CORPUS / name).read_text(encoding="utf-8").splitlines()
    return "\n\n".join(line.strip() for line in lines if line.strip())


def assert_offsets(text: str, ex) -> None:
    for m in ex.mentions:
        assert set(m) == MENTION_KEYS
        assert text[m["start"] : m["end"]] == m["text"], m
        assert 0 <= m["confidence"] <= 1
    for q in ex.quotes:
        assert set(q) == {"quote", "speaker", "speaker_role", "start", "end"}
        assert text[q["start"] : q["end"]] == q["quote"]


def speakers(ex) -> dict[str, str | None]:
    """Speaker of the quote starting with each of the seed's quote openings."""
    found = {}
    for begins in SEED_QUOTES:
        found[begins] = next((q["speaker"] for q in ex.quotes if q["quote"].startswith(begins)), "missing")
    return found


# --- the INTERPOL seed ----------------------------------------------------------------------------


def test_seed_published_dateline_and_offsets(seeds, nlp):
    text = seed_body(seeds["published"])
    ex = extract_article(text, published_at=PUBLISHED, nlp=nlp)
    assert ex.published_at == PUBLISHED
    assert ex.dateline == "TUNIS, Tunisia"
    assert {"Tunis", "Tunisia"} <= set(ex.locations)
    assert_offsets(text, ex)


def test_seed_organizations(seeds, nlp):
    text = seed_body(seeds["published"])
    ex = extract_article(text, published_at=PUBLISHED, nlp=nlp)
    assert SEED_ORGANIZATIONS <= set(ex.organizations)
    # the bare acronym resolves to the council's canonical name
    aimc = [m for m in ex.mentions if m["text"] == "AIMC"]
    assert aimc and all(m["normalized"] == "Arab Interior Ministers’ Council" for m in aimc)
    gcc = [m["normalized"] for m in ex.mentions if m["text"] == "GCCPOL"]
    assert gcc == ["Gulf Cooperation Council-POL"]
    # the article's acronyms: defined in brackets, or used beside the full name the knowledge base gives
    assert ex.acronyms == {"AIMC": "Arab Interior Ministers’ Council", "GCCPOL": "Gulf Cooperation Council-POL"}


def test_seed_people_roles_and_affiliations(seeds, nlp):
    text = seed_body(seeds["published"])
    ex = extract_article(text, published_at=PUBLISHED, nlp=nlp)
    assert set(ex.people) == {"Jürgen Stock", "Mohammed Ben Ali Koman"}
    roles = {m["normalized"]: m["role"] for m in ex.mentions if m["kind"] == "person"}
    assert roles == {"Jürgen Stock": "Secretary General", "Mohammed Ben Ali Koman": "Secretary General"}
    assert ex.affiliations == {
        "Jürgen Stock": "INTERPOL",
        "Mohammed Ben Ali Koman": "Arab Interior Ministers’ Council",
    }
    # "Secretary General Stock" later in the text is the same person
    assert any(m["text"] == "Stock" and m["normalized"] == "Jürgen Stock" for m in ex.mentions)


def test_seed_quotes_and_speakers(seeds, nlp):
    text = seed_body(seeds["published"])
    ex = extract_article(text, published_at=PUBLISHED, nlp=nlp)
    assert speakers(ex) == SEED_QUOTES
    assert all(q["speaker_role"] == "Secretary General" for q in ex.quotes)
    # the second quote runs on into the next paragraph, up to "concluded the INTERPOL Chief"
    second = next(q for q in ex.quotes if q["quote"].startswith("Over the past"))
    assert second["quote"].endswith("gaps in coordination")


def test_seed_topics_and_dates(seeds):
    text = seed_body(seeds["published"])
    ex = extract_article(text, published_at=PUBLISHED)
    assert "cybercrime" in ex.topics and set(ex.topics) <= set(topics.TOPICS)
    assert "cybercrime" in ex.topic_evidence
    values = {m["text"]: m["normalized"] for m in ex.mentions if m["kind"] == "date"}
    assert values["27 and 28 October"] == "2021-10-27/2021-10-28"
    assert values["March 2016"] == "2016-03"


def test_scraped_seed(seeds, nlp):
    text = scraped_body(seeds["scraped"])
    ex = extract_article(text, nlp=nlp)
    assert ex.dateline == "TUNIS, Tunisia"
    assert SEED_ORGANIZATIONS <= set(ex.organizations)
    assert set(ex.people) == {"Jürgen Stock", "Mohammed Ben Ali Koman"}
    assert speakers(ex) == SEED_QUOTES
    assert_offsets(text, ex)


def test_published_date_found_in_text(seeds):
    ex = extract_article(seeds["published"])  # the raw copy keeps its date line
    assert ex.published_at == PUBLISHED


# --- the prosecutor corpus ------------------------------------------------------------------------


def test_quotes_pronoun_and_stating(shared):
    text = corpus_paragraphs(
        shared,
        "riverside_ca/news_former-chiropractor-sentenced-over-54-years-prison-150-million-workers-compensation-fraud.txt",
    )
    ex = extract_article(text)
    by_start = {q["quote"][:12]: q["speaker"] for q in ex.quotes}
    assert by_start["The Californ"] == "Mike Hestrin"
    assert by_start["No."] == "Rivera"  # "she simply responded" after Rivera's quotes
    assert by_start["’[Heidary] t"] == "Charles Koosed"  # "Judge Charles Koosed noted ..., stating,"
    roles = {m["normalized"]: m["role"] for m in ex.mentions if m["kind"] == "person"}
    assert roles["W. Matthew Murray"] == roles["Erika Mulhere"] == "Deputy District Attorney"
    assert roles["Mike Hestrin"] == "Riverside County District Attorney"
    assert ex.dateline == "RIVERSIDE"


def test_attribution_in_its_own_paragraph(shared):
    text = corpus_paragraphs(
        shared, "cook_il/news_illinois-lawmakers-pass-cook-county-states-attorney-eileen-oneill-burkes-proposal-protect.txt"
    )
    ex = extract_article(text)
    assert ex.dateline == "CHICAGO"
    expected = ["Eileen O’Neill Burke"] * 2 + ["Laura Murphy"] * 2 + ["Mary Gill"] * 2
    assert [q["speaker"] for q in ex.quotes] == expected
    assert ex.quotes[2]["speaker_role"] == "State Senator"


def test_acronym_defined_in_text_applies_to_whole_article(shared):
    text = corpus_paragraphs(
        shared,
        "orange_ca/press_ocda-rapid-dna-program-rapidly-identifies-felon-charged-with-robbing-mission-viejo-donut-shop-cashier-at-knifepoin.txt",
    )
    ex = extract_article(text)
    occl = [m for m in ex.mentions if m["text"] == "OCCL"]
    assert len(occl) == 2 and {m["normalized"] for m in occl} == {"Orange County Crime Lab"}
    offices = {"Orange County District Attorney’s Office", "Orange County Sheriff’s Department"}
    assert offices <= set(ex.organizations)
    assert ex.dateline == "SANTA ANA, Calif."
    assert {"Santa Ana", "California", "Mission Viejo"} <= set(ex.locations)
    assert "Travis Dereck Allard" in ex.people  # "Travis Dereck Allard, 30, Concord"


def test_an_organization_cue_means_organizations_are_found(shared):
    """The data-quality check: where names_organization sees an organisation, the list is not empty."""
    pages = sorted((shared / CORPUS).glob("*/*.txt"))[::40]
    missed = []
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        if names_organization(text) and not extract_article(text).organizations:
            missed.append(page.name)
    assert missed == []


def test_corpus_pages_with_chrome_do_not_break_extraction(shared):
    pages = sorted((shared / CORPUS).glob("*/*.txt"))[::150]
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        ex = extract_article(text)
        assert_offsets(text, ex)
    assert extract_article("").mentions == []


def test_units_buildings_and_vehicles_are_no_organizations(shared, nlp):
    ex = extract_article(corpus_paragraphs(shared, WRONG_WAY), nlp=nlp)
    found = set(ex.organizations)
    hospital = "University of California, Irvine Medical Center"
    assert {"California Highway Patrol", "Western Medical Center", hospital} <= found
    assert not found & {"Homicide Unit", "North Justice Center", "Toyota", "Chevrolet", "Anaheim"}
    # the unit's prosecutor is still found, and the unit does not become a person
    assert "Susan Price" in ex.people and "Homicide Unit" not in ex.people


def test_short_forms_join_the_full_name(shared, nlp):
    """"the Sheriff's Office" is the article's Riverside County Sheriff's Office; "District Attorney's
    Office" alone stays when the article names no fuller one."""
    ex = extract_article(corpus_paragraphs(shared, HEMET), nlp=nlp)
    assert "Riverside County Sheriff’s Department" in ex.organizations  # the knowledge base's name of it
    assert "Sheriff’s Office" not in ex.organizations
    sheriff = [m for m in ex.mentions if m["text"] == "Sheriff’s Office"]
    assert sheriff and {m["normalized"] for m in sheriff} == {"Riverside County Sheriff’s Department"}
    ex = extract_article(corpus_paragraphs(shared, PILOT), nlp=nlp)
    # "Cook County Justice Advisory Council (JAC)": the place before the acronym's letters is in the name
    assert ex.acronyms["JAC"] == "Cook County Justice Advisory Council"
    assert "New Life Centers of Chicagoland" in ex.organizations and "New Life Centers" not in ex.organizations


def test_longer_body_names_and_acronyms_with_numbers(shared):
    ex = extract_article(corpus_paragraphs(shared, MS13))
    assert ex.acronyms["MS-13"] == "Mara Salvatrucha" and "Mara Salvatrucha" not in ex.people
    assert ex.acronyms["FBI"] == "Federal Bureau of Investigation"
    listed = {m["normalized"]: m["role"] for m in ex.mentions if m["kind"] == "person"}
    # "the jury found the following defendants guilty ...:" and the list lines after it
    defendants = ["Angel Amadeo Guzman", "Fernando Garcia Parada", "Edgard Velasquez", "Jose Jonathan Castillo"]
    assert [listed.get(name) for name in defendants] == ["defendant"] * 4
    assert listed["Stanley Blumenfeld Jr."] == "United States District Judge"


def test_people_from_list_lines_dates_of_birth_and_case_words(shared):
    ex = extract_article(corpus_paragraphs(shared, AWARDS))
    roles = {m["normalized"]: m["role"] for m in ex.mentions if m["kind"] == "person"}
    assert roles["Amy Zois"] == "Prosecutor of the Year"
    assert roles["Karla Melendrez"] == "Victim Services Specialist of the Year"
    assert "Mike Hestrin" in roles and "Mike Hestrin Announces" not in roles  # a headline verb is no name
    assert not set(ex.organizations) & {"Communications Division", "Human Resources Unit", "Southwest Group"}
    ex = extract_article(corpus_paragraphs(shared, TARZANA))
    roles = {m["normalized"]: m["role"] for m in ex.mentions if m["kind"] == "person"}
    # "Michael Gledhill (dob 2/16/82) was charged", "found James Handy, 81, had been stabbed"
    assert roles["Michael Gledhill"] == "defendant" and roles["James Handy"] == "victim"
    assert roles["George Morris"] == "Deputy District Attorney"


def test_spanish_release(shared, spacy_nlp):
    """Spanish names of bodies, head noun first, and Spanish titles; the English NER model is kept away
    from Spanish text (it tags sentence openers such as "El sistema de justicia" as organisations)."""
    text = corpus_paragraphs(shared, SPANISH)
    for nlp in (None, spacy_nlp):
        ex = extract_article(text, nlp=nlp, language="es")
        assert {"Oficina del Fiscal de Distrito del Condado de Dallas", "Departamento de Policía de Dallas",
                "Facultad de Derecho de Northeastern University"} <= set(ex.organizations)
        assert "Unidad de Integridad de Condenas" not in ex.organizations  # a unit of the office
        assert not [m for m in ex.mentions if m["method"].startswith("ner")]
        roles = {m["normalized"]: m["role"] for m in ex.mentions if m["kind"] == "person"}
        assert roles["John Creuzot"] == "Fiscal de Distrito Penal del Condado de Dallas"
    assert [m for m in extract_article(text, nlp=spacy_nlp, language="en").mentions if m["method"] == "ner"]


# --- pieces ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, dateline",
    [
        ("SANTA ANA, Calif. – The Orange County District Attorney’s Office charged a man.", "SANTA ANA, Calif."),
        ("BROOKLYN, N.Y. — Brooklyn District Attorney Eric Gonzalez announced the indictment.", "BROOKLYN, N.Y."),
        ("CHICAGO\n\n— Legislation championed by the State’s Attorney has passed the assembly.", "CHICAGO"),
        ("(Dallas County) – The Dallas County District Attorney’s Office announced a new unit.", "Dallas County"),
        ("(PHOENIX) – Maricopa County Attorney Rachel Mitchell has announced the sentence.", "PHOENIX"),
        ("MEDIA ADVISORY –INVOLVED SHOOTING INVESTIGATION – David Dinh", None),
    ],
)
def test_datelines(line, dateline):
    assert dates.find_dateline(line)[0] == dateline


def test_organization_variants_join():
    kb = orgs.load_kb()
    office = orgs.canonical_org("Orange County District Attorney's Office", kb)[0]
    assert office == orgs.canonical_org("the Orange County District Attorney", kb)[0] == kb.lookup("OCDA").canonical
    # outside the knowledge base too
    fresno = orgs.canonical_org("the Fresno County District Attorney", kb)[0]
    assert fresno == "Fresno County District Attorney’s Office"
    rep = orgs.join_variants(["Fresno County District Attorney Office", "Fresno County District Attorney’s Office"])
    assert len(set(rep.values())) == 1
    assert len(set(orgs.join_variants(["208th District Court", "180th District Court"]).values())) == 2
    # a generic federal name inside a longer one is not the federal body
    texas = "Texas Department of Justice"
    assert extract_article(f"It went to the {texas}.").organizations == [texas]


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


def test_names_organization(seeds):
    assert names_organization(seed_body(seeds["published"]))
    assert names_organization("Officers of the Fullerton Police Department arrested him.")
    assert not names_organization("He was sentenced to 19 years in prison on Monday.")


def test_knowledge_base_rows_are_well_formed():
    kb = orgs.load_kb()
    canonicals = [e.canonical for e in kb.entries]
    assert len(canonicals) == len(set(canonicals))
    assert all(re.fullmatch(r"Q\d+", e.wikidata) for e in kb.entries if e.wikidata)
    names = ["INTERPOL", "Europol", "Eurojust", "FRONTEX", "CEPOL", "AFRIPOL", "AMERIPOL", "ASEANAPOL", "GCCPOL",
             "AIMC", "SCO RATS", "UNODC", "FBI", "DEA", "ATF", "HSI", "ICE", "US Marshals", "Secret Service", "IRS-CI",
             "NCA", "BKA"]
    assert [n for n in names if not kb.lookup(n, fuzzy=False)] == []


# --- stage entry points ---------------------------------------------------------------------------


def test_load_nlp_modes():
    assert load_nlp("rules") == (None, "rules")
    assert load_nlp("no_such_spacy_model") == (None, "rules")
    nlp, mode = load_nlp("auto")
    if nlp is not None:
        assert mode.startswith("spacy:") and nlp.pipe_names == ["ner"]


def test_extract_batch_tables(seeds, spacy_nlp):
    articles = pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3"],
            "text": [seed_body(seeds["published"]), scraped_body(seeds["scraped"]), None],
            "title": ["Increasing cybercrime threats focus of INTERPOL’s regional policing dialogue", None, None],
            "published_at": pd.to_datetime([PUBLISHED, None, None], utc=True),
        }
    )
    out, mentions, quotes = extract_batch(articles, Settings(extract={"model": "auto"}), nlp=spacy_nlp)
    assert list(out["article_id"]) == ["a1", "a2", "a3"]
    assert out.loc[0, "published_at"] == pd.Timestamp(PUBLISHED) and pd.isna(out.loc[1, "published_at"])
    assert list(out["dateline"])[:2] == ["TUNIS, Tunisia"] * 2
    assert SEED_ORGANIZATIONS <= set(out.loc[1, "organizations"]) and out.loc[2, "organizations"] == []
    assert list(mentions.columns) == MENTIONS.names and list(quotes.columns) == QUOTES.names
    pa.Table.from_pandas(mentions, schema=MENTIONS, preserve_index=False)
    pa.Table.from_pandas(quotes, schema=QUOTES, preserve_index=False)
    assert quotes.groupby("article_id").size().to_dict() == {"a1": 3, "a2": 3}
    stock = mentions[(mentions["article_id"] == "a1") & (mentions["normalized"] == "Jürgen Stock")]
    assert set(stock["affiliation"]) == {"INTERPOL"}
    assert mentions.loc[mentions["kind"] != "person", "affiliation"].isna().all()


def test_extract_batch_reads_only_model_language_with_the_model(shared, spacy_nlp):
    articles = pd.DataFrame({"article_id": ["es", "en"], "text": [corpus_paragraphs(shared, SPANISH)] * 2,
                             "language": ["es", "en"]})
    _, mentions, _ = extract_batch(articles, Settings(), nlp=spacy_nlp)
    ner = mentions[mentions["method"].str.startswith("ner")]
    assert set(ner["article_id"]) == {"en"}


def test_extract_task_writes_parquet(seeds, tmp_path):
    batch = tmp_path / "articles.parquet"
    pd.DataFrame(
        {"article_id": ["a1"], "text": [seed_body(seeds["published"])], "title": [None], "published_at": [PUBLISHED]}
    ).to_parquet(batch)
    paths = extract_task.fn(str(batch), str(tmp_path / "out"), Settings(extract={"model": "rules"}))
    assert set(paths) == {"articles", "mentions", "quotes"}
    assert len(pd.read_parquet(paths["quotes"])) == 3
    assert set(pd.read_parquet(paths["mentions"])["kind"]) == {"organization", "person", "location", "date"}
