"""Fixtures of the clean tests: every office's template, learned once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clean.helpers import CORPUS, office_template


@pytest.fixture(scope="session")
def templates(shared: Path) -> dict[str, frozenset[str]]:
    offices = [p.name for p in (shared / CORPUS).iterdir() if p.is_dir()]
    return {office: office_template(shared, office) for office in offices}
