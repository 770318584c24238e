"""The flow as users schedule it, against a real Prefect server on 127.0.0.1: `prefect.yaml` deployed with
`prefect deploy` and run by a process worker, `crosswire serve`, and the run's page in the Prefect UI.

One server and one completed run are shared by the module's tests; every process it starts is stopped at
the end, even on failure.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest

from crosswire.store import Store
from tests.conftest import REPO, SAMPLE

pytestmark = pytest.mark.slow

POOL, DEPLOYMENT = "crosswire", "crosswire/crosswire-hourly"  # as named in prefect.yaml
CHROMIUM = Path("/usr/bin/chromium")  # Playwright cannot download its own browser here


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def background(command: list[str], env: dict[str, str], log: Path):
    """A process in its own session, so that stopping it stops its children (flow runs) too."""
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        yield process
    finally:
        process.terminate()  # a graceful stop first
        with suppress(subprocess.TimeoutExpired):
            process.wait(20)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever is left of its session
        process.wait()


def wait_until(ready, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := ready():
            return value
        time.sleep(0.5)
    tail = log.read_text()[-3000:] if log else ""
    pytest.fail(f"{what} not within {timeout:.0f} s\n{tail}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A Prefect server with a temporary PREFECT_HOME; yields the environment its clients need."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": f"{url}/api",  # the UI's API too
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false",
           "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",  # runs start when a test asks, not hourly
           "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_RUNNER_POLL_FREQUENCY": "1"}  # not every 10 s
    log = home / "server.log"
    with background([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
                     str(port)], env, log) as process:
        def healthy() -> bool:
            assert process.poll() is None, f"prefect server exited:\n{log.read_text()[-3000:]}"
            try:
                return httpx.get(f"{url}/api/health", timeout=2).json() is True
            except httpx.HTTPError:
                return False

        wait_until(healthy, 90, "the Prefect server's health check", log)
        with temporary_settings({PREFECT_API_URL: f"{url}/api"}):
            yield {"url": url, "env": env, "home": home}


@pytest.fixture(scope="module")
def client(server):
    from prefect import get_client

    with get_client(sync_client=True) as prefect_client:
        yield prefect_client


@pytest.fixture(scope="module")
def deployed_run(server, client, tmp_path_factory):
    """prefect.yaml deployed with `prefect deploy` on a process pool (created through the API, as
    `prefect work-pool create --type process` does), then one run started as the UI's Run button starts it
    (parameters for a temporary output over the sample) and executed by a process worker."""
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.workers.process import ProcessWorker

    client.create_work_pool(WorkPoolCreate(name=POOL, type=ProcessWorker.type,
                                           base_job_template=ProcessWorker.get_default_base_job_template()))
    log = server["home"] / "worker.log"
    with background([sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL], server["env"], log):
        deploy = subprocess.run([sys.executable, "-m", "prefect", "deploy", "--all"], env=server["env"], cwd=REPO,
                                capture_output=True, text=True, timeout=300, check=False)
        assert deploy.returncode == 0, f"prefect deploy:\n{deploy.stdout[-3000:]}\n{deploy.stderr[-3000:]}"
        deployment = client.read_deployment_by_name(DEPLOYMENT)
        out = tmp_path_factory.mktemp("scheduled-out")
        flow_run = client.create_flow_run_from_deployment(
            deployment.id, parameters={"sources": [str(SAMPLE)], "out": str(out)})
        wait_until(lambda: client.read_flow_run(flow_run.id).state.is_final(), 300, "the flow run's end", log)
    return {"deployment": deployment, "flow_run": client.read_flow_run(flow_run.id), "out": out, "log": log}


def test_prefect_yaml_deploys_an_hourly_process_pool_deployment(deployed_run):
    deployment = deployed_run["deployment"]
    assert deployment.work_pool_name == POOL and deployment.entrypoint == "flows/etl.py:etl"
    [schedule] = deployment.schedules
    assert schedule.active and schedule.schedule.cron == "0 * * * *" and schedule.schedule.timezone == "UTC"
    assert deployment.parameters == {"sources": ["sample"], "out": "out/scheduled"}
    # runs start in the directory `prefect deploy` ran in: this checkout
    assert deployment.pull_steps == [{"prefect.deployments.steps.set_working_directory": {"directory": str(REPO)}}]
    assert {"sources", "out", "settings"} <= set(deployment.parameter_openapi_schema["properties"])


def test_run_from_the_deployment_completes_with_tables_and_artifacts(deployed_run, client):
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    flow_run, out = deployed_run["flow_run"], deployed_run["out"]
    assert flow_run.state.is_completed(), f"{flow_run.state}\n{deployed_run['log'].read_text()[-5000:]}"
    runs = Store(out).read("runs")
    assert runs["run_id"].tolist() == [str(flow_run.id)] and runs["outcome"].tolist() == ["success"]
    documents = Store(out).read("documents")
    assert len(documents) == runs["ingested"].iloc[0] > 0
    assert set(Store(out).read("articles")["article_id"]) == set(documents["article_id"].dropna())
    artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
        flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run.id])))
    summary = {artifact.key: artifact for artifact in artifacts}["crosswire-run-summary"]
    assert summary.type == "markdown" and str(flow_run.id) in summary.data


def test_crosswire_serve_deploys_its_cron_schedule_and_runs_what_is_started(server, client, tmp_path):
    from prefect.exceptions import ObjectNotFound

    source, out = SAMPLE / "000_310e22f54dfcc9c5.txt", tmp_path / "served"
    command = [sys.executable, "-m", "crosswire.cli", "serve", str(source), "--out", str(out),
               "--cron", "30 6 * * *", "--model", "rules", "--name", "crosswire-serve-test"]

    def served():
        try:
            return client.read_deployment_by_name("crosswire/crosswire-serve-test")
        except ObjectNotFound:
            return None

    log = tmp_path / "serve.log"
    with background(command, server["env"], log) as process:
        deployment = wait_until(served, 90, "the served deployment", log)
        [schedule] = deployment.schedules
        assert schedule.active and schedule.schedule.cron == "30 6 * * *" and schedule.schedule.timezone == "UTC"
        assert deployment.parameters["sources"] == [str(source)] and deployment.parameters["out"] == str(out)
        assert deployment.parameters["settings"]["extract"]["model"] == "rules"
        assert deployment.work_pool_name is None and not deployment.paused
        flow_run = client.create_flow_run_from_deployment(deployment.id)  # the UI's Run, default parameters
        wait_until(lambda: client.read_flow_run(flow_run.id).state.is_final(), 180, "the served run's end", log)
        assert process.poll() is None, log.read_text()[-3000:]
    assert client.read_flow_run(flow_run.id).state.is_completed(), log.read_text()[-5000:]
    assert served().paused, log.read_text()[-3000:]  # stopped (SIGTERM, as a service manager does): no runs queue up
    assert Store(out).read("runs")["run_id"].tolist() == [str(flow_run.id)]


def test_ui_shows_the_run_state_and_its_summary_artifact(deployed_run, server):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (`.ci/run` does) for the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")
    flow_run = deployed_run["flow_run"]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{server['url']}/runs/flow-run/{flow_run.id}")
            page.get_by_text(flow_run.name, exact=True).first.wait_for(timeout=30_000)
            page.get_by_text("Completed", exact=True).first.wait_for()
            page.get_by_role("tablist").get_by_text("Artifacts", exact=True).click()
            page.get_by_text("crosswire-run-summary", exact=True).click()
            # the artifact's page renders the summary's markdown table
            page.get_by_role("cell", name=re.compile(r"^success \(ingest passed")).wait_for()
            page.get_by_text(f"crosswire run {flow_run.id}").first.wait_for()
        finally:
            browser.close()
