"""French and Spanish releases (tests/data/languages: translations of the seed and of five other releases, with
their labels) through the clean stage and the extract stage, each language read by its own model."""

from __future__ import annotations

import json
import logging
from datetime import date

import pandas as pd
import pytest

from crosswire.clean.document import clean_document
from crosswire.dates import parse_full_date
from crosswire.extract import cached_nlp, extract_article, extract_batch, load_nlp
from crosswire.extract.batch import _parsed
from crosswire.settings import Settings
from tests.conftest import REPO

DATA = REPO / "tests" / "data" / "languages"
LABELS = {name: label for name, label in json.loads((DATA / "labels.json").read_text(encoding="utf-8")).items()
          if not name.startswith("_")}
SEEDS = [name for name, label in LABELS.items() if label["original"] == "sample/000_310e22f54dfcc9c5.txt"]


def extracted(name: str, model: str):
    """The file's clean text read by the extract stage as a run reads it: its language's model, if any."""
    cleaned = clean_document((DATA / name).read_text(encoding="utf-8"))
    nlp, _ = cached_nlp(model, cleaned.language)
    return cleaned, extract_article(cleaned.text, title=cleaned.title, published_at=cleaned.published_at, nlp=nlp,
                                    language=cleaned.language)


def dateline_place(ex) -> str | None:
    return next((m["normalized"] for m in ex.mentions if m["method"] == "dateline"), None)


@pytest.mark.parametrize("model", ["rules", "auto"])
@pytest.mark.parametrize("name", SEEDS)
def test_the_seed_translated(name, model):
    label = LABELS[name]
    cleaned, ex = extracted(name, model)
    assert cleaned.language == label["language"]
    assert ex.published_at.date() == date(2021, 10, 28)
    assert ex.dateline == label["dateline"] and dateline_place(ex) == "Tunis"
    assert len(set(label["organizations"]) & set(ex.organizations)) >= 8
    roles = {m["normalized"]: m["role"] for m in ex.mentions if m["kind"] == "person"}
    assert {roles.get(s["name"]) for s in label["speakers"]} == {s["role"] for s in label["speakers"]}
    assert {q["speaker"] for q in ex.quotes} == {s["name"] for s in label["speakers"]}
    # "le Secrétaire général d’INTERPOL, Jürgen Stock": the body in the title phrase is his
    assert ex.affiliations["Jürgen Stock"] == "INTERPOL"


@pytest.mark.parametrize("model", ["rules", "auto"])
@pytest.mark.parametrize("name", sorted(set(LABELS) - set(SEEDS)))
def test_the_other_translations(name, model):
    label = LABELS[name]
    cleaned, ex = extracted(name, model)
    assert cleaned.language == label["language"]
    assert ex.published_at.date().isoformat() == label["published"]
    assert ex.dateline == label["dateline"] and dateline_place(ex) == label["dateline_place"]
    assert set(label["organizations"]) <= set(ex.organizations)
    assert {q["speaker"] for q in ex.quotes} == {s["name"] for s in label["speakers"]}


@pytest.mark.parametrize("written, value", [
    ("28 octobre 2021", "2021-10-28"), ("1er juin 2025", "2025-06-01"), ("16 mai 2023", "2023-05-16"),
    ("28 de octubre de 2021", "2021-10-28"), ("20 de setiembre de 2024", "2024-09-20"),
    ("12 de marzo de 2024", "2024-03-12"),
])
def test_french_and_spanish_dates(written, value):
    assert parse_full_date(f"publié le {written}.").date().isoformat() == value


def test_date_mentions_in_french_and_spanish():
    for name, days in [("fr/000_interpol_dialogue.txt", "27 et 28 octobre"),
                       ("es/000_interpol_dialogue.txt", "27 y 28 de octubre")]:
        _, ex = extracted(name, "rules")
        values = {m["text"]: m["normalized"] for m in ex.mentions if m["kind"] == "date"}
        assert values[days] == "2021-10-27/2021-10-28"


def test_each_language_is_read_by_its_own_model():
    texts = [(DATA / name).read_text(encoding="utf-8") for name in SEEDS]
    english = (REPO / "sample" / "000_310e22f54dfcc9c5.txt").read_text(encoding="utf-8")
    languages = [LABELS[name]["language"] for name in SEEDS]
    docs = _parsed([*texts, english, english], [*languages, "en", None], Settings(extract={"model": "auto"}), None)
    read_by = {language: doc.lang_ if doc is not None else None for language, doc in zip([*languages, "en", "?"], docs)}
    # Spanish has no model that pairs with spaCy 3.8: its rules read it, never the English model
    assert read_by == {"fr": "fr", "es": None, "en": "en", "?": "en"}


def test_the_log_names_each_languages_model(caplog):
    with caplog.at_level(logging.INFO, logger="crosswire.extract.nlp"):
        assert load_nlp("auto", "fr")[1] == "spacy:fr_core_news_sm"
        assert load_nlp("auto", "es") == (None, "rules")
        assert load_nlp("auto", "ar") == (None, "rules")
    assert "extract mode (fr): spacy:fr_core_news_sm" in caplog.text
    assert "extract mode (es): rules" in caplog.text and "extract mode (ar): rules" in caplog.text


def test_a_batch_of_two_languages():
    names = ["fr/000_interpol_dialogue.txt", "es/000_interpol_dialogue.txt"]
    cleaned = [clean_document((DATA / name).read_text(encoding="utf-8")) for name in names]
    articles = pd.DataFrame({
        "article_id": ["fr", "es"], "text": [c.text for c in cleaned], "title": [c.title for c in cleaned],
        "published_at": pd.to_datetime([c.published_at for c in cleaned], utc=True),
        "language": [c.language for c in cleaned],
    })
    out, mentions, quotes = extract_batch(articles, Settings(extract={"model": "auto"}))
    assert list(out["dateline"]) == ["TUNIS (Tunisie)", "TÚNEZ (Túnez)"]
    assert set(quotes["speaker"]) == {"Jürgen Stock", "Mohammed Ben Ali Koman"}
    assert not ((mentions["article_id"] == "es") & (mentions["method"] == "ner")).any()


def test_arabic_and_chinese_are_read_by_no_model():
    texts = ["تونس – ناقش قادة أجهزة الشرطة الإقليمية في حوار INTERPOL الحاجة إلى استجابة أكثر فعالية للجريمة السيبرانية.",
             "突尼斯——国际刑警组织（INTERPOL）秘书长在地区警务对话会上表示，需要更有效的跨国合作。"]
    articles = pd.DataFrame({"article_id": ["ar", "zh"], "text": texts, "title": [None, None],
                             "published_at": pd.to_datetime([None, None], utc=True), "language": ["ar", "zh"]})
    out, mentions, _ = extract_batch(articles, Settings(extract={"model": "auto"}))
    assert len(out) == 2 and not (mentions["method"] == "ner").any()
    assert "INTERPOL" in out.loc[0, "organizations"]
