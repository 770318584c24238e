"""The stage's entry points: the NER model's modes, a batch of articles to the three frames, the task."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from crosswire.extract import extract_batch, load_nlp
from crosswire.schema import MENTIONS, QUOTES
from crosswire.settings import Settings
from tasks.extract import extract_task
from tests.extract.texts import (
    PUBLISHED,
    SEED_ORGANIZATIONS,
    SPANISH,
    corpus_paragraphs,
    scraped_body,
    seed_body,
)


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
        {"article_id": ["a1"], "canonical_doc_id": ["d1"], "status": ["ok"], "text": [seed_body(seeds["published"])], "title": [None],
         "published_at": [PUBLISHED]}
    ).to_parquet(batch)
    staged = extract_task.fn(str(batch), str(tmp_path / "out"), Settings(extract={"model": "rules"}))
    assert len(pd.read_parquet(staged.articles)) == 1 and len(pd.read_parquet(staged.quotes)) == 3
    assert set(pd.read_parquet(staged.mentions)["kind"]) == {"organization", "person", "location", "date"}
