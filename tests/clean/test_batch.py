"""A batch cleaned, and the two tasks: line statistics of a batch, and the batch cleaned with the run's templates."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from crosswire.clean import add_line_stats, clean_batch, clean_document, template_lines
from crosswire.schema import LINE_STATS
from crosswire.settings import Settings
from tasks.clean import clean_task, line_stats_task
from tests.clean.helpers import CORPUS, ingested


@pytest.fixture(scope="module")
def batch(shared: Path, seeds) -> pd.DataFrame:
    rows = []
    for office in ("riverside_ca", "los_angeles_ca"):
        for f in sorted((shared / CORPUS / office).glob("*.txt"))[:12]:
            rows.append({"doc_id": f.stem, "source": office, "content_type": "text/plain",
                         "raw_text": f.read_text(encoding="utf-8"), "status": "ok", "reason": None, "detail": None})
    rows.append({"doc_id": "scraped-seed", "source": "seeds", "content_type": "text/plain", "raw_text": seeds["scraped"],
                 "status": "ok", "reason": None, "detail": None, "meta_title": "From the JSON export",
                 "meta_published": "2021-10-28"})
    rows.append({"doc_id": "undecodable", "source": "seeds", "content_type": "text/plain", "raw_text": None,
                 "status": "ok", "reason": None, "detail": None})
    rows.append({"doc_id": "binary", "source": "seeds", "content_type": "text/plain", "raw_text": None,
                 "status": "quarantined", "reason": "binary", "detail": "NUL bytes"})
    return ingested(rows)


def test_clean_batch_adds_columns_and_quarantines_non_articles(batch):
    out = clean_batch(batch, Settings())
    assert len(out) == len(batch) and list(out["doc_id"]) == list(batch["doc_id"])
    assert {"text", "title", "published_at", "language", "junk_ratio", "word_count"} <= set(out.columns)
    assert str(out["published_at"].dtype) == "datetime64[us, UTC]"
    by_id = out.set_index("doc_id")
    seed = by_id.loc["scraped-seed"]
    assert seed["status"] == "ok" and seed["title"] == "From the JSON export"
    assert seed["published_at"] == pd.Timestamp("2021-10-28", tz="UTC")
    assert by_id.loc["undecodable", ["status", "reason"]].tolist() == ["quarantined", "not-text"]
    assert by_id.loc["binary", ["status", "reason", "detail"]].tolist() == ["quarantined", "binary", "NUL bytes"]
    assert pd.isna(by_id.loc["binary", "text"])  # passed through untouched
    walls = out[out["raw_text"].fillna("").str.startswith("Pardon Our Interruption")]
    assert len(walls) and (walls["status"] == "quarantined").all() and (walls["reason"] == "bot-wall").all()
    articles = out[out["status"] == "ok"]
    assert articles["word_count"].ge(40).all() and articles["text"].str.len().gt(0).all()
    assert not articles["text"].str.contains("Latest News").any()  # riverside's template, learned from the batch


def test_clean_task_writes_parquet(batch, tmp_path):
    src, dst = tmp_path / "in.parquet", tmp_path / "out.parquet"
    batch.to_parquet(src)
    assert clean_task.fn(str(src), str(dst), Settings()) == str(dst)
    back = pd.read_parquet(dst)
    assert len(back) == len(batch) and back["status"].isin(["ok", "quarantined"]).all()
    assert str(back["published_at"].dtype).startswith("datetime64") and str(back["published_at"].dt.tz) == "UTC"


def test_batch_line_stats_add_up_to_the_runs(batch, tmp_path):
    src = tmp_path / "in.parquet"
    batch.to_parquet(src)
    first = pd.read_parquet(line_stats_task.fn(str(src), str(tmp_path / "a.parquet")))
    second = add_line_stats([first, first])  # the same batch counted twice
    totals = lambda stats: stats.groupby("source")["source_docs"].first().to_dict()
    assert list(second.columns) == LINE_STATS.names
    assert totals(first) == {"los_angeles_ca": 12, "riverside_ca": 12, "seeds": 1}  # ok plain-text rows only
    assert totals(second) == {source: 2 * n for source, n in totals(first).items()}
    both = second.merge(first, on=["source", "line"], suffixes=("", "_before"))
    assert len(both) == len(first) == len(second) and (both["docs"] == 2 * both["docs_before"]).all()


def test_clean_task_learns_templates_from_the_runs_line_stats(shared, tmp_path):
    """Two pages are cleaned with the template learned from the run's twelve, as if cleaned in one batch with them."""
    pages = sorted((shared / CORPUS / "cook_il").glob("*.txt"))[:12]
    run = ingested([{"doc_id": f.stem, "source": "cook_il", "content_type": "text/plain", "status": "ok",
                     "raw_text": f.read_text(encoding="utf-8"), "reason": None, "detail": None} for f in pages])
    src, small, stats = tmp_path / "run.parquet", tmp_path / "small.parquet", tmp_path / "stats.parquet"
    run.to_parquet(src)
    run.head(2).to_parquet(small)
    line_stats_task.fn(str(src), str(stats))
    templates = tmp_path / "templates.parquet"
    template_lines(pd.read_parquet(stats)).to_parquet(templates)
    alone = pd.read_parquet(clean_task.fn(str(small), str(tmp_path / "a.parquet"), Settings()))
    with_run = pd.read_parquet(clean_task.fn(str(small), str(tmp_path / "b.parquet"), Settings(), str(templates)))
    in_one_batch = clean_batch(run, Settings()).head(2)
    assert with_run["text"].tolist() == in_one_batch["text"].tolist()
    assert alone["text"].tolist() != with_run["text"].tolist()


def test_a_document_whose_cleaning_never_ends_is_stopped_in_a_worker_thread_and_quarantined(batch, tmp_path,
                                                                                             monkeypatch):
    """As Prefect runs the clean task, in a worker thread: the document stuck in a loop of pure computation
    (no signal, no thread's timeout can stop it) is quarantined as over-budget, named, and the batch goes on."""
    def stuck_on_one(raw_text, *args, **kwargs):
        while raw_text == "a page that never ends":
            pass
        return clean_document(raw_text, *args, **kwargs)

    stuck = ingested([{"doc_id": "stuck", "source": "seeds", "content_type": "text/plain", "status": "ok",
                       "raw_text": "a page that never ends", "reason": None, "detail": None}])
    docs = pd.concat([batch.iloc[:5], stuck, batch.iloc[5:]], ignore_index=True)
    src, dst = tmp_path / "in.parquet", tmp_path / "out.parquet"
    docs.to_parquet(src)
    monkeypatch.setattr("crosswire.clean.batch.clean_document", stuck_on_one)
    settings = Settings(clean={"budget_seconds": 1.0})
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(clean_task.fn, str(src), str(dst), settings).result(timeout=120)
    assert time.monotonic() - start < 60
    out = pd.read_parquet(dst).set_index("doc_id")
    assert out.loc["stuck", ["status", "reason", "stage"]].tolist() == ["quarantined", "over-budget", "clean"]
    assert out.loc["stuck", "detail"] == "cleaning took over 1 s (clean.budget_seconds) and was stopped"
    unlimited = clean_batch(batch, Settings(clean={"budget_seconds": None})).set_index("doc_id")
    others = out.drop(index="stuck")
    for column in ("status", "reason", "text", "title", "published_at", "word_count"):
        assert values(others[column]) == values(unlimited.loc[others.index, column]), column


def test_a_page_cleaned_longer_than_the_budget_is_quarantined(batch):
    """A real page, of a size the page caps were raised to let through, over a budget of half a second."""
    report = "A report of the county\n\n" + "\n".join(
        f"line {i} of a report that wraps at one width and goes on and on" for i in range(50_000))
    docs = pd.concat([batch.iloc[:3], ingested([{"doc_id": "report", "source": "seeds", "content_type": "text/plain",
                                                  "status": "ok", "raw_text": report, "reason": None, "detail": None}])],
                     ignore_index=True)
    huge = 10**7
    settings = Settings(clean={"budget_seconds": 0.5, "max_article_words": huge, "max_page_words": huge,
                               "max_page_lines": huge})
    out = clean_batch(docs, settings).set_index("doc_id")
    assert out.loc["report", ["status", "reason"]].tolist() == ["quarantined", "over-budget"]
    assert (out.drop(index="report")["reason"] != "over-budget").all()


def values(column: pd.Series) -> list:
    return [None if pd.isna(value) else value for value in column]
