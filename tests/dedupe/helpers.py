"""What the dedupe tests share: a cleaned document's row, one dedupe run over rows, earlier runs' inputs."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from crosswire.dedupe import Stories, assign_stories
from crosswire.settings import Settings
from crosswire.store import Store

SETTINGS = Settings()
EMPTY_SIGNATURES = Store("/nonexistent").arrow("signatures")


def doc(doc_id: str, text: str, *, title=None, published=None, when="2024-01-01", uri=None) -> dict:
    return {"doc_id": doc_id, "text": text, "title": title, "language": "en", "junk_ratio": 0.0,
            "published_at": pd.Timestamp(published).tz_convert("UTC") if published else pd.NaT,
            "word_count": len(text.split()), "ingested_at": pd.Timestamp(when, tz="UTC"),
            "source_uri": uri or f"/data/{doc_id}.txt"}


def run(new: list[dict], prior: pd.DataFrame | None = None, signatures: pa.Table | None = None,
        run_id: str = "r1") -> Stories:
    prior = prior if prior is not None else pd.DataFrame(columns=list(new[0]) + ["article_id"])
    signatures = signatures if signatures is not None else EMPTY_SIGNATURES
    return assign_stories(pd.DataFrame(new), prior, signatures, run_id, SETTINGS)


def as_prior(stories: Stories, docs: list[dict]) -> tuple[pd.DataFrame, pa.Table]:
    frame = pd.DataFrame(docs).merge(stories.assignments[["doc_id", "article_id"]], on="doc_id")
    return frame, stories.signatures


def clusters(assignment: pd.Series) -> set[frozenset]:
    return {frozenset(group.index) for _, group in assignment.groupby(assignment)}
