"""Load: merge this run's staged batches with the committed tables and commit them all at once.

Tables hold every run's results. A run adds its new documents, rewrites the stories it touched
(with their mentions and quotes), and leaves every other row as it was; the same input run twice
gives the same tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from prefect import task

from crosswire.settings import RUN_TIMEOUT
from crosswire.staging import read_batches
from crosswire.store import Store, to_arrow
from expectations.runner import validate

DOC_COLUMNS = ["doc_id", "source_uri", "source", "content_type", "raw_sha256", "encoding", "ingested_at", "run_id",
               "status", "reason", "detail", "stage", "title", "published_at", "author", "site_name", "url", "language",
               "text", "word_count", "junk_ratio", "previous_doc_id"]


@dataclass
class RunOutputs:
    """Paths of a run's staged batches, as the flow collected them."""

    clean: list[str]  # documents after clean (every ingested item, any status)
    ingest: list[str]  # for the raw bytes
    assignments: str | None
    merges: str | None
    signatures: str | None
    articles: list[str]  # after extract and its validation
    mentions: list[str]
    quotes: list[str]
    line_stats: str | None = None  # the sources' line statistics, this run's batches added
    ledger: str | None = None  # what every place held when last read, this run's reads added


def apply_article_quarantine(docs: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Documents of stories that failed extract validation go to quarantine with the story's reason."""
    failed = articles[articles["status"] == "quarantined"].set_index("article_id")
    hit = docs["article_id"].isin(failed.index)
    docs = docs.copy()
    for column in ("reason", "detail", "stage"):
        docs.loc[hit, column] = docs.loc[hit, "article_id"].map(failed[column])
    docs.loc[hit, "status"] = "quarantined"
    return docs


def merge_documents(prior: pd.DataFrame, new: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    docs = pd.concat([prior, new], ignore_index=True).set_index("doc_id", drop=False)
    placed = assignments.set_index("doc_id")
    for column in ("article_id", "is_canonical", "similarity"):
        docs[column] = docs[column].astype(object)
        docs.loc[placed.index, column] = placed[column].astype(object)
    quarantined = docs["status"] == "quarantined"
    docs.loc[quarantined, ["article_id", "is_canonical", "similarity"]] = None
    return docs.reset_index(drop=True)


def accounting(docs: pd.DataFrame, articles: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """One row per document: is it a copy of a published story that counts it among its `n_copies`, or named
    in quarantine, exactly one of them? Then the stories' copies and the quarantine rows add up to the
    documents ingested."""
    ok = docs["status"] == "ok"
    copies = docs.loc[ok, "article_id"].value_counts()
    claimed = docs["article_id"].map(articles.drop_duplicates("article_id").set_index("article_id")["n_copies"])
    counted = (docs["article_id"].map(copies) == claimed).fillna(False).astype(bool)
    in_quarantine = docs["doc_id"].isin(quarantine["doc_id"])
    return pd.DataFrame({
        "doc_id": docs["doc_id"], "status": docs["status"],
        "accounted": (ok & counted) | (~ok & in_quarantine & docs["article_id"].isna()),
    })


def build_tables(store: Store, run: dict, outputs: RunOutputs) -> dict[str, pd.DataFrame]:
    new_docs = read_batches(outputs.clean).reindex(columns=DOC_COLUMNS)
    prior_docs = store.read("documents")
    known = set(prior_docs["doc_id"])
    new_docs = new_docs[~new_docs["doc_id"].isin(known)]
    assignments = read_batches([outputs.assignments] if outputs.assignments else [],
                               ["doc_id", "article_id", "is_canonical", "similarity"])
    new_articles = read_batches(outputs.articles)
    merges = read_batches([outputs.merges] if outputs.merges else [], ["article_id", "merged_into", "run_id"])

    docs = merge_documents(prior_docs, new_docs.assign(article_id=None, is_canonical=None, similarity=None),
                           assignments)
    if len(new_articles):
        docs = apply_article_quarantine(docs, new_articles)
        docs.loc[docs["status"] == "quarantined", ["article_id", "is_canonical", "similarity"]] = None

    newly_quarantined = docs[(docs["status"] == "quarantined") & docs["stage"].notna()
                             & ~docs["doc_id"].isin(store.read("quarantine", ["doc_id"])["doc_id"])]
    quarantine = pd.concat([store.read("quarantine"), newly_quarantined.assign(run_id=run["run_id"])[
        ["run_id", "stage", "doc_id", "source_uri", "reason", "detail"]]], ignore_index=True)

    replaced = set(assignments["article_id"]) | set(merges["article_id"])
    ok_articles = new_articles[new_articles["status"] == "ok"] if len(new_articles) else new_articles
    articles = pd.concat([store.read("articles").query("article_id not in @replaced"), ok_articles],
                         ignore_index=True)
    published = set(articles["article_id"])
    tables = {"documents": docs, "quarantine": quarantine, "articles": articles}
    for name, paths in (("mentions", outputs.mentions), ("quotes", outputs.quotes)):
        fresh = read_batches(paths)
        kept = store.read(name).query("article_id not in @replaced")
        tables[name] = pd.concat([kept, fresh[fresh["article_id"].isin(published)] if len(fresh) else fresh],
                                 ignore_index=True)
    signatures = pd.concat([store.read("signatures"),
                            read_batches([outputs.signatures] if outputs.signatures else [])], ignore_index=True)
    ok_ids = set(docs.loc[docs["status"] == "ok", "doc_id"])
    tables["signatures"] = signatures[signatures["doc_id"].isin(ok_ids)]
    tables["merges"] = pd.concat([store.read("merges"), merges], ignore_index=True)
    if outputs.line_stats and Path(outputs.line_stats).is_file():
        tables["line_stats"] = read_batches([outputs.line_stats])
    if outputs.ledger:
        tables["ledger"] = read_batches([outputs.ledger])
    return tables


def run_row(run: dict, counts: dict, outcome: str) -> pd.DataFrame:
    return pd.DataFrame([{
        "run_id": run["run_id"], "started_at": run["started_at"], "finished_at": pd.Timestamp.now(tz="UTC"),
        "parameters": json.dumps(run["parameters"], sort_keys=True, default=str), "outcome": outcome,
        **counts, "suites": json.dumps(run["suites"], sort_keys=True), "seconds": json.dumps(run["seconds"]),
        "failed_sources": json.dumps(run.get("failed_sources", {}), sort_keys=True),
        "flow_run_id": run.get("flow_run_id"),
    }])


def run_counts(run: dict, tables: dict[str, pd.DataFrame], stories: dict) -> dict:
    docs = tables["documents"]
    this_run = docs[docs["run_id"] == run["run_id"]]
    return {
        "ingested": len(this_run), "skipped_seen": run.get("skipped_seen", 0),
        "quarantined": int((this_run["status"] == "quarantined").sum()),
        "articles": len(tables["articles"]),
        "new_articles": int((~tables["articles"]["article_id"].isin(run.get("prior_articles", set()))).sum()),
        "copies_merged": stories.get("exact", 0) + stories.get("near", 0),
        "mentions": int(tables["mentions"]["article_id"].isin(
            tables["articles"].loc[tables["articles"]["updated_run_id"] == run["run_id"], "article_id"]).sum()),
        "quotes": int(tables["quotes"]["article_id"].isin(
            tables["articles"].loc[tables["articles"]["updated_run_id"] == run["run_id"], "article_id"]).sum()),
    }


def raw_table(ingest_paths: list[str], known: set[str], run_id: str) -> pd.DataFrame:
    raw = read_batches(ingest_paths, ["doc_id", "raw"])
    raw = raw[~raw["doc_id"].isin(known)]
    return pd.DataFrame({"doc_id": raw["doc_id"], "run_id": run_id, "content": raw["raw"]})


@task(name="load", retries=2, retry_delay_seconds=[1, 5], timeout_seconds=RUN_TIMEOUT)
def load_task(out: str, run: dict, outputs: RunOutputs, stories: dict, settings) -> dict:
    """Validate row accounting over the merged tables, then commit them together."""
    store = Store(out)
    run = run | {"prior_articles": set(store.read("articles", ["article_id"])["article_id"])}
    known = set(store.read("documents", ["doc_id"])["doc_id"])
    tables = build_tables(store, run, outputs)
    check = validate("load", accounting(tables["documents"], tables["articles"], tables["quarantine"]), "doc_id",
                     {"documents_expected": len(known) + run["ingested"]},
                     settings.suites_dir)
    run["suites"]["load"] = "passed" if check.success else "failed"
    outcome = "success" if all(v == "passed" for v in run["suites"].values()) else "failed"
    counts = run_counts(run, tables, stories)
    tables["runs"] = pd.concat([store.read("runs"), run_row(run, counts, outcome)], ignore_index=True)
    if check.success:
        tables["raw"] = raw_table(outputs.ingest, known, run["run_id"])
        store.commit({name: to_arrow(frame, name) for name, frame in tables.items()}, run["run_id"])
    else:  # keep the committed tables; record the failed run only
        store.commit({"runs": to_arrow(tables["runs"], "runs")}, run["run_id"])
    return {"counts": counts, "suites": run["suites"], "outcome": outcome, "failures": check.failures,
            "quarantine_reasons": quarantine_reasons(tables["documents"], run["run_id"])}


def quarantine_reasons(docs: pd.DataFrame, run_id: str) -> dict[str, int]:
    hit = docs[(docs["run_id"] == run_id) & (docs["status"] == "quarantined")]
    return {str(k): int(v) for k, v in hit["reason"].value_counts().sort_index().items()}
