"""The INTERPOL seed release, published and scraped copies, with the spaCy model and in rules mode."""

from __future__ import annotations

from crosswire.extract import TOPICS, extract_article
from tests.extract.texts import (
    PUBLISHED,
    SEED_ORGANIZATIONS,
    SEED_QUOTES,
    assert_offsets,
    scraped_body,
    seed_body,
)


def speakers(ex) -> dict[str, str | None]:
    """Speaker of the quote starting with each of the seed's quote openings."""
    found = {}
    for begins in SEED_QUOTES:
        found[begins] = next((q["speaker"] for q in ex.quotes if q["quote"].startswith(begins)), "missing")
    return found


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
    assert "cybercrime" in ex.topics and set(ex.topics) <= set(TOPICS)
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
