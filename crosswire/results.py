"""What the stages hand the flow, and the run's state the flow keeps: typed, so that a reader sees what
passes between the tasks (batches travel as Parquet files under the staging folder, named here by path;
their columns are in crosswire.schema).

These are plain dataclasses: Prefect persists task results (for a resumed run) and Dask ships them
between processes, and both pickle them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class RunState:
    """One run, as the flow follows it: who it is, what it was asked, and what it has measured so far."""

    run_id: str
    started_at: datetime
    parameters: dict  # sources, out and every setting, as the runs table records them
    flow_run_id: str | None = None
    staging: str = ""  # this run's folder of staged batches
    seconds: dict[str, float] = field(default_factory=dict)  # stage -> wall seconds
    suites: dict[str, str] = field(default_factory=dict)  # GX suite -> 'passed' | 'failed'
    failed_sources: dict[str, str] = field(default_factory=dict)  # source -> why it could not be read at all
    cut_sources: dict[str, str] = field(default_factory=dict)  # source -> what settings.ingest's bounds left unread
    failed_again: dict[str, int] = field(default_factory=dict)  # places failing as in an earlier run, by reason
    source_count: int = 0  # sources read, those of source lists one by one
    skipped_files: dict[str, int] = field(default_factory=dict)  # files of types ingest does not read, by suffix
    skipped_seen: int = 0  # items already in the tables, skipped by ingest


@dataclass
class IngestBatch:
    """A batch the ingest task read: its staged rows (schema.INGESTED), the ledger rows of the places it read,
    how many items it skipped as already seen, and the places that failed again."""

    path: str
    ledger: str
    skipped: int
    failed_again: dict[str, int] = field(default_factory=dict)  # places failing as in an earlier run, by reason


@dataclass
class DedupeResult:
    """The run's stories: each document's story, the stories absorbed into others, the signatures to keep,
    the stories to extract (in batches), and how many copies joined a story exactly or as near copies."""

    assignments: str
    merges: str
    signatures: list[str]
    articles: list[str]
    exact: int = 0
    near: int = 0


@dataclass
class ExtractBatch:
    """A batch of extracted stories: the articles, and their mentions and quotes."""

    articles: str
    mentions: str
    quotes: str


@dataclass
class RunOutputs:
    """Paths of a run's staged batches, as the flow collected them for load."""

    clean: list[str]  # documents after clean (every ingested item, any status)
    ingest: list[str]  # for the raw bytes
    assignments: str | None
    merges: str | None
    signatures: list[str]  # this run's parts of the signatures table
    articles: list[str]  # after extract and its validation
    mentions: list[str]
    quotes: list[str]
    line_stats: str | None = None  # the sources' line statistics, this run's batches added
    ledger: str | None = None  # what every place held when last read, this run's reads added


@dataclass
class RunCounts:
    """The counts of the runs table."""

    ingested: int = 0
    skipped_seen: int = 0
    quarantined: int = 0
    articles: int = 0
    new_articles: int = 0
    copies_merged: int = 0
    mentions: int = 0
    quotes: int = 0


@dataclass
class LoadResult:
    """What load committed: the run's counts, every suite's outcome (load's accounting included), the
    failures that kept the tables as they were, and why documents went to quarantine."""

    counts: RunCounts
    suites: dict[str, str]
    outcome: str  # 'success' | 'failed' (a crashed run raises: see flows.etl.record_crash)
    failures: list[dict] = field(default_factory=list)
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
