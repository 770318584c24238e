"""Output in an object store: `--out s3://…` against a real S3 API (moto's server on 127.0.0.1), written
by the workers of a Dask cluster and committed as Delta tables, gives the tables a local run gives, and the
lock holds there too."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pandas as pd
import pytest
import s3fs
from distributed import LocalCluster

from crosswire.schema import TABLES
from crosswire.store import RunLocked, Store
from tests.conftest import SAMPLE, crosswire
from tests.integration.test_dask import content

BUCKET = "crosswire-test"


@pytest.fixture
def s3(monkeypatch):
    """An S3 endpoint with an empty bucket; the environment points boto (and so s3fs) and delta-rs at it. The
    server runs in a process of its own: delta-rs holds the interpreter while it waits for an answer, so a
    server in one of this process's threads could never give one."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.post(f"{endpoint}/moto-api/reset")
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "moto's server did not start"
            time.sleep(0.2)
    for name, value in {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "test",
                        "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    s3fs.S3FileSystem.clear_instance_cache()  # a cached client would keep an earlier endpoint
    s3fs.S3FileSystem().mkdir(BUCKET)
    yield s3fs.S3FileSystem()
    s3fs.S3FileSystem.clear_instance_cache()
    server.terminate()
    server.wait()


def test_dask_workers_write_to_s3_and_the_tables_equal_a_local_runs(s3, sample_run):
    local, _ = sample_run
    out = f"s3://{BUCKET}/stories"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        done = crosswire("run", str(SAMPLE), "--out", out, "--dask-address", cluster.scheduler_address)
        assert done.returncode == 0, done.stderr[-3000:]
        assert {"ingest_task", "clean_task", "extract_task"} <= set(cluster.scheduler.task_prefixes)
    for table in TABLES:
        if table == "runs" or not (local / table).exists():
            continue
        pd.testing.assert_frame_equal(content(out, table), content(local, table), obj=table)
    written = s3.find(f"{BUCKET}/stories")
    assert f"{BUCKET}/stories/report.html" in written and f"{BUCKET}/stories/data_docs/index.html" in written
    assert not [key for key in written if "/.staging/" in key or key.endswith((".pending", ".lock"))]

    again = crosswire("run", str(SAMPLE), "--out", out)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "ingested nothing" in again.stdout
    assert len(Store(out).read("runs")) == 2


def test_a_second_run_on_the_same_bucket_prefix_is_refused(s3):
    store = Store(f"s3://{BUCKET}/locked")
    with store.lock():
        with pytest.raises(RunLocked, match="delete s3://crosswire-test/locked/.lock"):
            with Store(f"s3://{BUCKET}/locked").lock():
                pass
    with store.lock():  # released
        pass
