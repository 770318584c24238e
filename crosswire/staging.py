"""Batches in flight between tasks: Parquet files under DIR/.staging/<run_id>/, passed by path.

Prefect keeps every task result in memory until the flow ends, so tasks hand each other paths,
never DataFrames.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd


def staging_dir(out: str | Path, run_id: str) -> Path:
    return Path(out).expanduser().resolve() / ".staging" / run_id


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


def remove(out: str | Path, run_id: str) -> None:
    shutil.rmtree(staging_dir(out, run_id), ignore_errors=True)
