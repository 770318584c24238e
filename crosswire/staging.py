"""Batches in flight between tasks: Parquet files under DIR/.staging/<key>/, passed by path.

Prefect keeps every task result in memory until the flow ends, so tasks hand each other paths,
never DataFrames. The folder is named by what the run reads, so that a run that failed midway and the
same run started again share it, and the second resumes from the batches the first finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pandas as pd


def staging_dir(out: str | Path, sources: list[str], settings: dict, last_run: str | None) -> Path:
    """The staging folder of a run over `sources` with `settings` on the tables as `last_run` left them."""
    what = json.dumps([sources, settings, last_run], sort_keys=True, default=str)
    return Path(out).expanduser().resolve() / ".staging" / hashlib.sha256(what.encode()).hexdigest()[:16]


def run_id_of(staging: Path, run_id: str) -> str:
    """The run id of the run that first used `staging`: a resumed run keeps the id it started with."""
    path = staging / "run_id"
    if path.exists():
        return path.read_text().strip()
    staging.mkdir(parents=True, exist_ok=True)
    path.write_text(run_id)
    return run_id


def write_batch(frame: pd.DataFrame, path: str | Path) -> str:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False, compression="zstd")
    os.replace(tmp, path)
    return str(path)


def read_batch(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    return pd.read_parquet(path, columns=columns)


def read_batches(paths: list[str], columns: list[str] | None = None) -> pd.DataFrame:
    frames = [read_batch(p, columns) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def remove_all(out: str | Path) -> None:
    """Every staging folder: once a run has committed, no earlier unfinished run can be resumed."""
    shutil.rmtree(Path(out).expanduser().resolve() / ".staging", ignore_errors=True)
