"""The Dask runner (prefect-dask on a real dask.distributed cluster) gives the tables of the local runner."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from distributed import Client, LocalCluster

from crosswire.schema import SORT_KEYS, TABLES
from crosswire.store import Store
from tests.conftest import SAMPLE, crosswire

RUN_COLUMNS = {"run_id", "updated_run_id", "ingested_at", "checked_at"}  # which run wrote a row, and when


def content(out, table: str) -> pd.DataFrame:
    """`table` under the output location `out` (a path or a URL), without what differs from run to run."""
    frame = Store(out).read(table)
    frame = frame.drop(columns=[c for c in frame.columns if c in RUN_COLUMNS])
    keys = [k for k in SORT_KEYS.get(table, []) if k in frame.columns]
    return frame.sort_values(keys).reset_index(drop=True) if keys and len(frame) else frame


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster


def test_dask_runner_on_a_cluster_gives_the_local_runners_tables(cluster, tmp_path):
    local, dask = tmp_path / "local", tmp_path / "dask"
    done = crosswire("run", str(SAMPLE), "--out", str(local), "--batch-size", "3")
    assert done.returncode == 0, done.stderr[-3000:]
    done = crosswire("run", str(SAMPLE), "--out", str(dask), "--batch-size", "3",
                     "--dask-address", cluster.scheduler_address)
    assert done.returncode == 0, done.stderr[-3000:]
    # the batch tasks ran on the cluster's workers
    assert {"ingest_task", "line_stats_task", "clean_task", "extract_task"} <= set(cluster.scheduler.task_prefixes)
    for table in TABLES:
        if table == "runs" or not (local / table).exists():
            continue
        pd.testing.assert_frame_equal(content(dask, table), content(local, table), obj=table)
    runs = Store(dask).read("runs")
    assert json.loads(runs["parameters"].iloc[-1])["runner"]["kind"] == "dask"
    # the workers that ran the batches hold Arrow's buffers in jemalloc, as a crosswire process does
    with Client(cluster) as client:
        pools = client.run(lambda: __import__("pyarrow").default_memory_pool().backend_name)
    assert set(pools.values()) == {"jemalloc"}
