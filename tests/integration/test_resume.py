"""A run killed midway resumes from the batches it finished, through Prefect's task cache."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

from crosswire.store import Store
from tests.conftest import REPO, SAMPLE, crosswire


def task_states(flow_run_id: str) -> dict[str, list[str]]:
    """Task name -> the state names of its runs in the flow run's stages."""
    async def read():
        async with get_client() as client:
            stages = await client.read_flow_runs(flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[flow_run_id])))
            runs = []
            for stage in stages:
                runs += await client.read_task_runs(flow_run_filter=FlowRunFilter(id={"any_": [stage.id]}))
            return runs

    states: dict[str, list[str]] = {}
    for task_run in asyncio.run(read()):
        states.setdefault(task_run.name.rsplit("-", 1)[0], []).append(task_run.state.name)
    return states


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_killed_run_resumes_from_its_finished_batches(tmp_path):
    out = tmp_path / "out"
    args = ["run", str(SAMPLE), "--out", str(out), "--batch-size", "2"]
    first = subprocess.Popen([sys.executable, "-m", "crosswire.cli", *args], cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not list(out.glob(".staging/*/*/clean/?????.parquet")):  # the first cleaned batch is staged
        assert first.poll() is None and time.monotonic() < deadline, "the run ended before it was cleaning"
        time.sleep(0.05)
    server = children(first.pid)  # Prefect's temporary server
    first.send_signal(signal.SIGKILL)
    first.wait()
    while any(alive(pid) for pid in server):  # it does not outlive the killed run
        assert time.monotonic() < deadline, "Prefect's temporary server outlived the killed run"
        time.sleep(0.1)
    ingested = list(out.glob(".staging/*/*/ingest/?????.parquet"))
    cleaned = list(out.glob(".staging/*/*/clean/?????.parquet"))
    killed_run = next(out.glob(".staging/*/run_id")).read_text()
    assert Store(out).read("articles").empty  # nothing was committed

    done = crosswire(*args)
    assert done.returncode == 0, done.stderr[-3000:]
    runs = Store(out).read("runs")
    assert list(runs["run_id"]) == [killed_run] and runs["flow_run_id"].iloc[0] != killed_run
    assert len(Store(out).read("articles")) == 5 and not (out / ".staging").exists()
    states = task_states(runs["flow_run_id"].iloc[0])
    # every ingest batch came from the cache (ingest had ended before clean began); a clean batch whose
    # file was written just as the run was killed may lack its result and be done again
    assert states["ingest"] == ["Cached"] * len(ingested)
    assert len(states["clean"]) == len(ingested) and set(states["clean"]) <= {"Cached", "Completed"}
    assert states["clean"].count("Cached") >= len(cleaned) - 1
    assert states["extract"] and set(states["extract"]) == {"Completed"}
