"""Batches in flight between tasks: Parquet files under DIR/.staging/<key>/, passed by location (a path or
a URL: see crosswire.store.files).

Prefect keeps every task result in memory until the flow ends, so tasks hand each other paths,
never DataFrames. The folder is named by what the run reads, so that a run that failed midway and the
same run started again share it, and the second resumes from the batches the first finished.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from crosswire.store import files


def staging_dir(out: str, sources: list[str], settings: dict, last_run: str | None) -> str:
    """The staging folder of a run over `sources` with `settings` on the tables as `last_run` left them."""
    what = json.dumps([sources, settings, last_run], sort_keys=True, default=str)
    return files.join(files.location(out), ".staging", hashlib.sha256(what.encode()).hexdigest()[:16])


def run_id_of(staging: str, run_id: str) -> str:
    """The run id of the run that first used `staging`: a resumed run keeps the id it started with."""
    path = files.join(staging, "run_id")
    if files.exists(path):
        return files.read_text(path).strip()
    files.write_text(run_id, path)
    return run_id


def write_batch(frame: pd.DataFrame | pa.Table, path: str, schema: pa.Schema | None = None) -> str:
    """`frame` as a Parquet file at `path`; with a `schema` (crosswire.schema's staged batches), its columns
    and types, so that what a stage hands the next is the contract's, whatever dtypes pandas happened to hold."""
    if schema is not None and isinstance(frame, pd.DataFrame):
        absent = {name: pd.Series(None, index=frame.index, dtype=object) for name in schema.names if name not in frame}
        frame = pa.Table.from_pandas(frame.assign(**absent)[schema.names], schema=schema, preserve_index=False)
    if isinstance(frame, pa.Table):  # written as it is: no pandas copy of its list columns
        files.write_table(frame, str(path))
        return str(path)
    with files.replacing(str(path)) as target:
        fs, where = files.split(target)
        frame.to_parquet(where, index=False, compression="zstd", filesystem=fs)
    return str(path)


def read_batch(path: str, columns: list[str] | None = None) -> pd.DataFrame:
    fs, where = files.split(str(path))
    return pd.read_parquet(where, columns=columns, filesystem=fs)


def read_batches(paths: list[str], columns: list[str] | None = None) -> pd.DataFrame:
    frames = [read_batch(p, columns) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def rows(path: str) -> int:
    """Rows of a staged batch, from its Parquet footer: the file is not read."""
    fs, where = files.split(str(path))
    with (fs.open(where, "rb") if fs else open(where, "rb")) as handle:
        return pq.ParquetFile(handle).metadata.num_rows


def remove_all(out: str) -> None:
    """Every staging folder: once a run has committed, no earlier unfinished run can be resumed."""
    files.remove_tree(files.join(files.location(out), ".staging"))
