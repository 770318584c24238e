"""The extract task: a staged batch of stories through crosswire.extract, written back as three staged files
(articles, mentions, quotes)."""

from __future__ import annotations

from prefect import task

from crosswire.extract import extract_batch
from crosswire.results import ExtractBatch
from crosswire.schema import EXTRACTED, MENTIONS, QUOTES
from crosswire.settings import Settings
from crosswire.store import files
from crosswire.store.staging import read_batch, write_batch


@task(name="extract")
def extract_task(in_path: str, out_dir: str, settings: Settings) -> ExtractBatch:
    """Extract a batch of stories; stage the articles, mentions and quotes files, return their paths."""
    extracted, mentions, quoted = extract_batch(read_batch(in_path), settings)  # each language's model
    return ExtractBatch(articles=write_batch(extracted, files.join(out_dir, "articles.parquet"), EXTRACTED),
                        mentions=write_batch(mentions, files.join(out_dir, "mentions.parquet"), MENTIONS),
                        quotes=write_batch(quoted, files.join(out_dir, "quotes.parquet"), QUOTES))
