"""A run's staged batches streamed into the tables' data files, a batch at a time: new documents placed in
their stories, the parts holding rows the run changes rewritten (documents that joined a story, stories
replaced with their mentions and quotes), and the small tables (quarantine, merges) made whole."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crosswire.load.accounting import listed
from crosswire.load.parts import Parts
from crosswire.results import RunOutputs, RunState
from crosswire.schema import ASSIGNMENTS, CLEANED, MERGES, QUARANTINE
from crosswire.store import Store, files
from crosswire.store.staging import read_batch, read_batches


def apply_article_quarantine(docs: pd.DataFrame, failed: pd.DataFrame) -> pd.DataFrame:
    """Documents of stories that failed extract validation go to quarantine with the story's reason
    (`failed`: those stories, indexed by article_id)."""
    hit = docs["article_id"].isin(failed.index)
    docs = docs.copy()
    for column in ("reason", "detail", "stage"):
        docs.loc[hit, column] = docs.loc[hit, "article_id"].map(failed[column])
    docs.loc[hit, "status"] = "quarantined"
    return docs


def member(values: pd.Series, of: pd.Index) -> np.ndarray:
    """values.isin(of) through the hash table `of` keeps (its values unique): Series.isin hashes all of
    `of` again at every call, which, once per batch against the whole run, grows with the square of it."""
    return of.get_indexer(values) >= 0


def place(docs: pd.DataFrame, assignments: pd.DataFrame, failed: pd.DataFrame) -> pd.DataFrame:
    """Documents with their story (from dedupe's `assignments`, indexed by doc_id) and the quarantine of
    stories that failed; a quarantined document belongs to no story."""
    docs = docs.copy()
    hit = member(docs["doc_id"], assignments.index)
    for column in ("article_id", "is_canonical", "similarity"):
        docs[column] = docs[column].astype(object)
        docs.loc[hit, column] = docs.loc[hit, "doc_id"].map(assignments[column]).astype(object)
    docs = apply_article_quarantine(docs, failed)
    docs.loc[docs["status"] == "quarantined", ["article_id", "is_canonical", "similarity"]] = None
    return docs


@dataclass
class Loaded:
    """What a run adds and changes, ready to commit: the small tables whole, the large ones as parts."""

    parts: Parts
    tables: dict[str, pd.DataFrame | pa.Table]  # the other tables, whole
    ingested: int  # the run's documents
    quarantine_reasons: dict[str, int]  # of its documents quarantined
    kept: dict[str, int]  # mentions and quotes of the stories published


def failed_stories(paths: list[str]) -> pd.DataFrame:
    """The staged stories that failed extract validation, by article_id, with their reason, detail and stage."""
    columns = ["article_id", "status", "reason", "detail", "stage"]  # of the staged stories
    frames = [stories[stories["status"] == "quarantined"] for stories in (read_batch(p, columns) for p in paths)]
    return pd.concat(frames or [pd.DataFrame(columns=columns)], ignore_index=True).set_index("article_id")


def load_run(store: Store, run: RunState, outputs: RunOutputs) -> Loaded:
    """Stream the run's staged batches into data files, a batch at a time, and rewrite the committed files
    that hold rows the run changes (documents that joined a story, stories replaced)."""
    parts = Parts(store, run.run_id)
    assignments = read_batches([outputs.assignments] if outputs.assignments else [],
                               ASSIGNMENTS.names).set_index("doc_id")
    staged = [*outputs.clean, *([outputs.assignments] if outputs.assignments else [])]
    run_ids = [files.read_table(p, columns=["doc_id"])["doc_id"] for p in staged]
    known = listed(store, pa.chunked_array([c.cast(pa.string()) for ids in run_ids for c in ids.chunks], pa.string()))
    merges = read_batches([outputs.merges] if outputs.merges else [], MERGES.names)
    failed = failed_stories(outputs.articles)
    replaced = pa.array(pd.concat([assignments["article_id"], merges["article_id"]]).unique(), pa.string())
    in_quarantine = set(store.read("quarantine", ["doc_id"])["doc_id"])

    newly_quarantined, ingested, reasons = [], 0, Counter()
    for path in outputs.clean:
        docs = read_batch(path).reindex(columns=CLEANED.names)
        docs = place(docs[~member(docs["doc_id"], known)].assign(article_id=None, is_canonical=None, similarity=None),
                     assignments, failed)
        parts.add("documents", docs)
        newly_quarantined.append(docs[(docs["status"] == "quarantined") & docs["stage"].notna()])
        ingested += len(docs)  # counts, not the documents: a run's accounting holds nothing per document
        reasons.update(docs.loc[docs["status"] == "quarantined", "reason"].fillna("").astype(str))

    def replace_placement(docs: pd.DataFrame) -> pd.DataFrame:
        docs = place(docs, assignments, failed)
        newly_quarantined.append(docs[(docs["status"] == "quarantined") & docs["stage"].notna()])
        return docs

    parts.rewrite("documents", "doc_id", assignments.index[member(assignments.index, known)], replace_placement)
    quarantined = pd.concat(newly_quarantined, ignore_index=True) if newly_quarantined else pd.DataFrame(
        columns=CLEANED.names)
    quarantined = quarantined[~quarantined["doc_id"].isin(in_quarantine)]

    parts.rewrite("articles", "article_id", replaced, lambda a: a[~a["article_id"].isin(replaced.to_pylist())])
    for path in outputs.articles:
        articles = read_batch(path)
        parts.add("articles", articles[articles["status"] == "ok"])
    kept = {}
    for table, paths in (("mentions", outputs.mentions), ("quotes", outputs.quotes)):
        parts.rewrite(table, "article_id", replaced, lambda f: f[~f["article_id"].isin(replaced.to_pylist())])
        kept[table] = 0
        for path in paths:
            fresh = read_batch(path)
            fresh = fresh[~member(fresh["article_id"], failed.index)]  # its story was published
            parts.add(table, fresh)
            kept[table] += len(fresh)

    no_longer_ok = set(quarantined["doc_id"])
    parts.rewrite("signatures", "doc_id", no_longer_ok & set(known), lambda f: f[~f["doc_id"].isin(no_longer_ok)])
    dropped = pa.array(list(no_longer_ok), pa.string())
    for path in outputs.signatures:  # two digests per document: copied as dedupe wrote them, unless they hold
        if pc.any(pc.is_in(files.read_table(path, columns=["doc_id"])["doc_id"], dropped)).as_py():  # a dropped one
            signatures = files.read_table(path)
            parts.add("signatures", signatures.filter(pc.invert(pc.is_in(signatures["doc_id"], dropped))))
        else:
            parts.add_file("signatures", path)
    for path in outputs.ingest:
        raw = read_batch(path, ["doc_id", "raw"])
        raw = raw[~member(raw["doc_id"], known)]
        parts.add("raw", pd.DataFrame({"doc_id": raw["doc_id"], "run_id": run.run_id, "content": raw["raw"]}))

    tables = {
        "quarantine": pd.concat([store.read("quarantine"), quarantined.assign(run_id=run.run_id)[
            QUARANTINE.names]], ignore_index=True),
        "merges": pd.concat([store.read("merges"), merges], ignore_index=True),
    }
    # a row per line ever seen, and per place: copied as staged (in their tables' contracts), never read
    for table, path in (("line_stats", outputs.line_stats), ("ledger", outputs.ledger)):
        if path and files.exists(path):
            parts.replace_with_file(table, path)
    return Loaded(parts=parts, tables=tables, ingested=ingested, quarantine_reasons=dict(sorted(reasons.items())),
                  kept=kept)
