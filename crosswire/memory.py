"""Memory: Arrow's buffers in jemalloc, the cycle collector paused where it only costs time, and freed
memory given back.

The stages that make millions of small objects pause the cycle collector: signatures, mentions and
spans are dicts, lists and arrays without reference cycles. Reference counting frees them, while each
pass of the cycle collector walks them, and the long-lived caches and gazetteer, again (15-25 % of
dedupe's time at 10k documents, about 6 % of rules-mode extraction).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
from contextlib import contextmanager
from functools import cache

import pyarrow as pa


def use_jemalloc() -> None:
    """Arrow's buffers (Parquet reads and writes, pandas' string columns) in jemalloc, which pyarrow
    bundles: it hands freed memory back to the system within about a second, where mimalloc, Arrow's
    default, kept it, so that each stage's peak stayed resident under the next ones. On 50,000 documents
    the peak RSS of the stages fell from 907 to 772 MiB; CPU time at 10,000 did not change beyond
    noise. A pool chosen with ARROW_DEFAULT_MEMORY_POOL is kept, as is the default where pyarrow has no
    jemalloc (Windows)."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:
        pass


@contextmanager
def cycle_collector_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def give_back_freed_memory() -> None:
    """Return the heap memory freed since the last call to the operating system. glibc's allocator keeps
    freed pages for reuse, so without this the process's resident size after a stage is that stage's peak,
    and the peaks of successive stages pile up (on a 50,000-document run, several hundred MB); Dask's
    workers trim the same way. No-op where the C library has no malloc_trim. (No gc.collect() first:
    the stages make no reference cycles worth it, and a full collection costs a few tenths of a second.)"""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim():
    path = ctypes.util.find_library("c")
    return getattr(ctypes.CDLL(path), "malloc_trim", None) if path else None
