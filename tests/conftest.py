"""Shared fixtures: paths to the repository's sample and to ../shared (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLE = REPO / "sample"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: corpus tests need the shared data beside the repository")
    return SHARED


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    """The two seed documents, bundled in the sample: the published release and its scraped copy."""
    return {
        "published": (SAMPLE / "000_310e22f54dfcc9c5.txt").read_text(encoding="utf-8"),
        "scraped": (SAMPLE / "001_e4cf28275dc72b17.txt").read_text(encoding="utf-8"),
    }
