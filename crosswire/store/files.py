"""Where crosswire writes: a local directory or any fsspec URL (`s3://bucket/prefix` through s3fs, `gs://`,
`abfs://` ...), so that Dask workers on other machines write their batches where the run reads them.

Locations are plain strings: an absolute local path, or a URL with its scheme. Credentials and endpoints
come from the environment, as the filesystem's own library reads them (for S3: AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, AWS_PROFILE or ~/.aws). Locally a file is written under a
temporary name and renamed, so a reader never sees half of it; an object store's PUT is whole already.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from contextlib import contextmanager
from glob import glob as glob_files
from pathlib import Path

import fsspec
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from fsspec.core import url_to_fs


def location(where: str | Path) -> str:
    """`where` as crosswire passes it on: an absolute local path, or the URL without a trailing slash."""
    where = str(where)
    if is_local(where):
        return str(Path(where.removeprefix("file://")).expanduser().resolve())
    return where.rstrip("/")


def is_local(where: str | Path) -> bool:
    return "://" not in str(where) or str(where).startswith("file://")


def join(base: str | Path, *names: str) -> str:
    return "/".join([str(base).rstrip("/"), *names])


def name(where: str) -> str:
    return str(where).rstrip("/").rsplit("/", 1)[-1]


def uri(where: str) -> str:
    """A link to `where` for a browser or an artifact."""
    return Path(where).as_uri() if is_local(where) else where


def split(where: str):
    """(filesystem, path) for pyarrow and pandas: no filesystem for a local path, which they read best."""
    return (None, where) if is_local(where) else url_to_fs(where)


def exists(where: str) -> bool:
    if is_local(where):
        return os.path.exists(where)
    fs, path = url_to_fs(where)
    return fs.exists(path)


def glob(pattern: str) -> list[str]:
    """Sorted locations matching `pattern` (listed afresh: other processes may have written since)."""
    if is_local(pattern):
        return sorted(glob_files(pattern))
    fs, path = url_to_fs(pattern)
    fs.invalidate_cache()
    return sorted(fs.unstrip_protocol(p) for p in fs.glob(path))


def makedirs(where: str) -> None:
    if is_local(where):  # object stores have no folders: a key's prefix is its folder
        os.makedirs(where, exist_ok=True)


def read_text(where: str) -> str:
    with fsspec.open(where, "r", encoding="utf-8") as handle:
        return handle.read()


@contextmanager
def replacing(where: str):
    """Where to write `where`: locally a hidden sibling renamed over it at the end, so that a reader never
    sees half a file; in an object store `where` itself (an object appears whole when its upload ends)."""
    if not is_local(where):
        yield where
        return
    folder, file = os.path.split(where)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{file}.tmp")
    yield tmp
    os.replace(tmp, where)


def write_text(text: str, where: str) -> None:
    with replacing(where) as target, fsspec.open(target, "w", encoding="utf-8") as handle:
        handle.write(text)


def create_exclusive(text: str, where: str) -> bool:
    """Write `where` only if nothing is there (S3 and GCS check it on the server): False when taken."""
    fs, path = url_to_fs(where)
    try:
        with fs.open(path, "xb") as handle:
            handle.write(text.encode())
    except FileExistsError:
        return False
    return True


def read_table(where: str, **options) -> pa.Table:
    """A Parquet file or a folder of them (pyarrow.parquet.read_table's options: columns, schema, filters)."""
    fs, path = split(where)
    return pq.read_table(path, filesystem=fs, **options)


def write_table(table: pa.Table, where: str) -> None:
    with replacing(where) as target, fsspec.open(target, "wb") as handle:
        pq.write_table(table, handle, compression="zstd")


@contextmanager
def parquet_writer(schema: pa.Schema, where: str):
    """A Parquet file written a piece at a time (write_batch, write_table): a table larger than memory
    never is in it whole. It appears at `where` when complete (see replacing)."""
    with (replacing(where) as target, fsspec.open(target, "wb") as handle,
          pq.ParquetWriter(handle, schema, compression="zstd") as writer):
        yield writer


def write_batches(batches: Iterable[pa.RecordBatch], schema: pa.Schema, where: str) -> None:
    """A Parquet file of `batches`, written as they come."""
    with parquet_writer(schema, where) as writer:
        for batch in batches:
            writer.write_batch(batch)


def dataset(paths: list[str], schema: pa.Schema) -> ds.Dataset:
    """Parquet files (all in one filesystem) read as `schema`, a batch at a time by whoever scans them."""
    fs, _ = split(paths[0]) if paths else (None, None)
    if fs is not None:  # files a Delta version lists may be newer than the filesystem's cached listing
        fs.invalidate_cache()
    return ds.dataset([split(p)[1] for p in paths], schema=schema, format="parquet", filesystem=fs)


def copy(source: str, target: str) -> None:
    if is_local(source):
        shutil.copyfile(source, target)
        return
    fs, path = url_to_fs(source)
    fs.copy(path, url_to_fs(target)[1])


def move(source: str, target: str) -> None:
    """Replace `target` by `source` (a rename locally; a copy and a delete in an object store)."""
    if is_local(source):
        os.replace(source, target)
        return
    fs, path = url_to_fs(source)
    fs.mv(path, url_to_fs(target)[1])


def remove(where: str) -> None:
    if is_local(where):
        Path(where).unlink(missing_ok=True)
        return
    fs, path = url_to_fs(where)
    if fs.exists(path):
        fs.rm(path)


def remove_tree(where: str) -> None:
    if is_local(where):
        shutil.rmtree(where, ignore_errors=True)
        return
    fs, path = url_to_fs(where)
    if fs.exists(path):
        fs.rm(path, recursive=True)


def upload_tree(local: str | Path, where: str) -> None:
    """Copy the local folder `local` to `where`, replacing what was there."""
    remove_tree(where)
    fs, path = url_to_fs(where)
    fs.put(f"{str(local).rstrip('/')}/", path, recursive=True)


def size(where: str) -> int:
    if is_local(where):
        return os.path.getsize(where)
    fs, path = url_to_fs(where)
    return fs.size(path)


def fingerprint(where: str) -> str:
    """Changes whenever the file is rewritten: size and modification time (an object's ETag)."""
    if is_local(where):
        stat = os.stat(where)
        return f"{stat.st_mtime_ns}:{stat.st_size}"
    fs, path = url_to_fs(where)
    info = fs.info(path)
    return f"{info.get('ETag') or info.get('LastModified') or info.get('mtime')}:{info['size']}"
