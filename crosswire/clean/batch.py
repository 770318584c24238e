"""A batch of ingested documents (a pandas frame of the ingest stage's rows) cleaned: its line statistics,
each source's template, and every 'ok' row cleaned, those that are not articles quarantined."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping

import pandas as pd

from crosswire.clean.budget import each_within
from crosswire.clean.document import Cleaned, clean_document, over_budget, preload
from crosswire.clean.templates import line_stats, templates_from_stats
from crosswire.schema import CLEAN_COLUMNS
from crosswire.settings import Settings

logger = logging.getLogger(__name__)


def batch_line_stats(docs: pd.DataFrame, prior: pd.DataFrame | None = None) -> pd.DataFrame:
    """Line statistics of a batch's 'ok' plain-text rows per source (HTML goes through trafilatura, which
    has no use for them), added to `prior`."""
    plain = docs["status"].eq("ok") & ~docs["content_type"].fillna("").str.contains("html")
    by_source = docs.loc[plain, "raw_text"].groupby(docs.loc[plain, "source"].fillna(""))
    return line_stats(dict(iter(by_source)), prior)


def clean_batch(docs: pd.DataFrame, settings: Settings, prior_stats: pd.DataFrame | None = None) -> pd.DataFrame:
    """Clean every 'ok' row, learning each source's template from the batch and `prior_stats` (line
    statistics of earlier runs, see line_stats); rows that are not articles become 'quarantined' with a
    reason. Rows quarantined before pass through untouched."""
    return clean_rows(docs, settings, templates_from_stats(batch_line_stats(docs, prior_stats), settings))


def clean_ingested(docs: pd.DataFrame, settings: Settings,
                   templates: Mapping[str, frozenset[str]] | None = None) -> pd.DataFrame:
    """An ingested batch (schema.INGESTED) as a cleaned batch (schema.CLEANED): cleaned with `templates`
    (the run's, see templates_by_source), or with those learned from the batch alone without them; the rows
    clean quarantines name it as their stage. The raw bytes stay behind in the ingested batch, which load keeps."""
    if templates is None:
        templates = templates_from_stats(batch_line_stats(docs), settings)
    out = clean_rows(docs, settings, templates)
    newly = out["status"].eq("quarantined") & out.get("stage", pd.Series(None, index=out.index)).isna()
    out.loc[newly, "stage"] = "clean"
    return out.drop(columns=["raw", "raw_text"], errors="ignore")


def clean_rows(docs: pd.DataFrame, settings: Settings, templates: Mapping[str, frozenset[str]]) -> pd.DataFrame:
    """clean_batch with the templates given (source -> template lines, see templates_by_source). A document
    whose cleaning takes longer than `settings.clean.budget_seconds` is stopped and quarantined (over-budget)."""
    out = docs.copy()
    sources = out["source"].fillna("")
    rows = list(out[out["status"].eq("ok")].iterrows())

    def clean(row: pd.Series) -> Cleaned:
        html = "html" in str(row["content_type"])
        return clean_document(
            row["raw_text"],
            _present(row["content_type"]) or "text/plain",
            boilerplate=frozenset() if html else templates.get(sources[row.name], frozenset()),
            settings=settings,
            hints={"title": _present(row.get("meta_title")), "published": _present(row.get("meta_published"))},
        )

    results = dict(zip([idx for idx, _ in rows], _each_cleaned([row for _, row in rows], clean, settings)))
    for column in CLEAN_COLUMNS:
        out[column] = pd.Series({i: getattr(r, column) for i, r in results.items()}, index=out.index, dtype=object)
    for column in ("published_at", "modified_at"):
        out[column] = pd.to_datetime(out[column], utc=True).astype("datetime64[us, UTC]")
    out["junk_ratio"] = out["junk_ratio"].astype("float64")
    out["word_count"] = out["word_count"].astype("Int32")
    for idx, result in results.items():
        if not result.is_article:
            out.loc[idx, ["status", "reason", "detail"]] = ["quarantined", result.reason, result.detail]
    return out


def _each_cleaned(rows: list[pd.Series], clean: Callable[[pd.Series], Cleaned], settings: Settings) -> list[Cleaned]:
    """clean(row) for each row, within the budget (crosswire.clean.budget) when there is one."""
    seconds = settings.clean.budget_seconds
    if seconds is None or not hasattr(os, "fork"):  # Windows has no fork: no budget there
        return [clean(row) for row in rows]
    preload()  # once, before the first child is forked: every child starts with it

    def late(row: pd.Series) -> Cleaned:
        logger.warning("cleaning %s (%s) took over %g s: stopped, quarantined as over-budget",
                       row["doc_id"], row.get("source_uri"), seconds)
        return over_budget(seconds)

    return each_within(rows, clean, seconds, late)


def _present(value):
    return None if value is None or (isinstance(value, float) and pd.isna(value)) or value == "" else value
