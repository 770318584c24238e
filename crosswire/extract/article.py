"""One article's extraction: the extractors run in order on its text (and its spaCy doc, if a model read
it), each given what the earlier ones found, and their mentions gathered into an ``Extraction``.

The order matters: the dateline's places are no organisations; a title before a name outweighs an NER
organisation; organisations, people and units are no places; quotes need the people; topics are read
with the organisations' names blanked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd

from crosswire.dates import find_published
from crosswire.extract.dates import date_mentions, find_dateline
from crosswire.extract.kb import load_kb
from crosswire.extract.orgs import organization_mentions, unit_parents
from crosswire.extract.people import people_mentions
from crosswire.extract.places import location_mentions
from crosswire.extract.quotes import find_quotes
from crosswire.extract.text import Spans
from crosswire.extract.topics import classify
from crosswire.settings import DEFAULTS, Settings


@dataclass
class Extraction:
    """What one article yields.

    ``mentions`` are dicts with the keys kind ('organization' | 'person' | 'location' | 'date'), text,
    normalized (canonical name, or ISO date), start, end, role (people only), method, confidence;
    ``quotes`` dicts with quote, speaker, speaker_role, start, end. The lists of names are distinct
    canonical names in order of first mention.
    """

    published_at: datetime | None
    dateline: str | None
    mentions: list[dict]
    quotes: list[dict]
    organizations: list[str]
    people: list[str]
    locations: list[str]
    topics: list[str]
    affiliations: dict[str, str] = field(default_factory=dict)  # person, or a body's unit -> its organisation
    acronyms: dict[str, str] = field(default_factory=dict)  # acronym defined in the text -> organisation
    topic_evidence: dict[str, list[str]] = field(default_factory=dict)  # topic -> keywords found


def extract_article(
    text: str,
    *,
    title: str | None = None,
    published_at: datetime | None = None,
    nlp=None,
    language: str | None = None,
    settings: Settings = DEFAULTS,
) -> Extraction:
    """Everything the stage extracts from one article's clean text. ``language`` (ISO 639-1, as the
    clean stage detects it) keeps a model away from text in a language it was not trained on."""
    text = text or ""
    doc = nlp(text[: nlp.max_length - 1]) if model_reads(nlp, text, language) else None
    return extract_parsed(text, title, published_at, doc, settings)


def model_reads(nlp, text: str, language: str | None) -> bool:
    """Whether the NER model should read this text: there is a model and a text, in the model's language
    or an unknown one (the English model tags Spanish sentence openers as organisations)."""
    return nlp is not None and bool(text) and (not isinstance(language, str) or language == nlp.lang)


def extract_parsed(text: str, title: str | None, published_at: datetime | None, doc, settings: Settings) -> Extraction:
    """extract_article of a text the NER model has read into `doc` (None: rules only)."""
    ents = _entities(doc)
    kb = load_kb()
    dateline, dateline_places, dateline_date = find_dateline(text, settings.extract)
    published = as_utc(published_at) or find_published(text, dateline_date, settings.dates)

    dateline_spans = [(m["start"], m["end"]) for m in dateline_places]
    org_mentions, acronyms, units = organization_mentions(text, kb, ents["ORG"], dateline_spans)
    parents = unit_parents(org_mentions)
    # a title before a name outweighs an NER organisation: "Secretary General Stock" is a person
    sure_orgs = [m for m in org_mentions if m["method"] != "ner"]
    person_mentions, persons = people_mentions(text, sure_orgs, ents["PERSON"], dateline_spans + units, title)
    person_spans = Spans((m["start"], m["end"]) for m in person_mentions)
    org_mentions = [
        m for m in org_mentions if m["method"] != "ner" or not (person_spans.overlaps((m["start"], m["end"]))
                                                                or _names_a_person(m["normalized"], persons))
    ]
    org_mentions = [m for m in org_mentions if not _term_of_office(m, persons)]
    taken = [(m["start"], m["end"]) for m in org_mentions + person_mentions] + units
    if not settings.extract.ner_organizations:  # a name NER alone calls a body is still no place
        org_mentions = [m for m in org_mentions if m["method"] != "ner"]
    locations = location_mentions(text, taken, ents["GPE"] + ents["LOC"], dateline_places)
    dated = date_mentions(text, published)
    quote_list = find_quotes(text, person_mentions, persons, org_mentions)
    topic_list, evidence = classify(_mask(text, org_mentions), title, settings.extract)

    mentions = sorted(org_mentions + person_mentions + locations + dated, key=lambda m: m["start"])
    named = {m["normalized"] for m in person_mentions} | {p.name for p in persons if any(s[0] < 0 for s in p.spans)}
    return Extraction(
        published_at=published,
        dateline=dateline,
        mentions=mentions,
        quotes=quote_list,
        organizations=_distinct(org_mentions),
        people=[p.name for p in persons if p.name in named],
        locations=_distinct(locations),
        topics=topic_list,
        affiliations={p.name: p.affiliation for p in persons if p.affiliation and p.name in named} | parents,
        acronyms=acronyms,
        topic_evidence=evidence,
    )


def _names_a_person(name: str, persons: list) -> bool:
    """Whether an NER organisation is one of the article's people: their surname ("Foxx"), or a name that
    holds a person's whole name ("Credit Eileen O’Neill", a photo credit)."""
    return any(name == p.last or p.name in name for p in persons)


def _term_of_office(org: dict, persons: list) -> bool:
    """"The Teare Administration" is a district attorney's term in office, not an organisation."""
    words = org["normalized"].split()
    return (
        org["method"] in ("pattern", "ner")
        and len(words) == 2
        and words[1] == "Administration"
        and any(words[0] in (p.last, p.name) for p in persons)
    )


def _mask(text: str, mentions: list[dict]) -> str:
    """The text with the given mentions blanked: an "Anti-Terrorist Structure" is no sign of terrorism."""
    parts, pos = [], 0
    for m in mentions:
        parts += [text[pos : m["start"]], " " * (m["end"] - m["start"])]
        pos = m["end"]
    return "".join(parts) + text[pos:]


def _entities(doc) -> dict[str, list[tuple[int, int]]]:
    ents: dict[str, list[tuple[int, int]]] = {"ORG": [], "PERSON": [], "GPE": [], "LOC": []}
    for ent in doc.ents if doc is not None else ():
        label = _LABELS.get(ent.label_, ent.label_)
        if label in ents:
            ents[label].append((ent.start_char, ent.end_char))
    return ents


# Labels of models trained on other schemes, as the English model's: the French model (WikiNER) tags PER.
_LABELS = {"PER": "PERSON"}


def _distinct(mentions: list[dict]) -> list[str]:
    return list(dict.fromkeys(m["normalized"] for m in mentions if m["normalized"]))


def as_utc(value) -> datetime | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):  # NaT, NaN
        return None
    if not isinstance(value, datetime) or isinstance(value, pd.Timestamp):
        value = pd.Timestamp(value).to_pydatetime()
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
