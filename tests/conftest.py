"""Shared fixtures: paths to the repository's sample and to ../shared (skipped when absent), the CLI,
and one run of it over the sample."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Prefect's ephemeral server, started by each test process and CLI run, may take long on a busy machine
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLE = REPO / "sample"
CORPUS_SLICE = REPO / "tests" / "fixtures" / "corpus"  # real pages of every office, in the repository


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: corpus tests need the shared data beside the repository")
    return SHARED


@pytest.fixture(scope="session")
def corpus_slice() -> dict[str, dict[str, str]]:
    """Office -> page name -> text of tests/fixtures/corpus (see its README)."""
    return {office.name: {page.name: page.read_text(encoding="utf-8") for page in sorted(office.glob("*.txt"))}
            for office in sorted(CORPUS_SLICE.iterdir()) if office.is_dir()}


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    """The two seed documents, bundled in the sample: the published release and its scraped copy."""
    return {
        "published": (SAMPLE / "000_310e22f54dfcc9c5.txt").read_text(encoding="utf-8"),
        "scraped": (SAMPLE / "001_e4cf28275dc72b17.txt").read_text(encoding="utf-8"),
    }


def crosswire(*args: str) -> subprocess.CompletedProcess:
    """The CLI in a process of its own, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "crosswire.cli", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=600)


@pytest.fixture
def site():
    """tests/website.py's web site, served on 127.0.0.1 for one test."""
    from tests.website import Site

    served = Site()
    yield served
    served.close()


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """One run of the CLI over the bundled sample, shared by the tests that only read its output."""
    out = tmp_path_factory.mktemp("sample-run") / "out"
    done = crosswire("run", str(SAMPLE), "--out", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    return out, done


@pytest.fixture(scope="session", autouse=True)
def temporary_prefect_server_stopped():
    """Prefect stops the temporary server a test process started when the interpreter exits, and logs it to
    streams pytest has closed by then (a "Logging error" traceback): stopped here, while they are open."""
    yield
    from prefect.server.api.server import SubprocessASGIServer

    for server in list(SubprocessASGIServer._instances.values()):  # every one this process started
        server.stop()
