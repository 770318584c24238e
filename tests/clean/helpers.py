"""What the clean tests share: pages of the prosecutor corpus, an office's template, a pinned version."""

from __future__ import annotations

import random
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from crosswire.clean import learn_boilerplate
from tests.conftest import REPO

CORPUS = "corpora/prosecutor-press-releases"
CHROME = re.compile(
    r"^(?:Skip to (?:main )?content|Scroll to top|Latest Posts|Recent Posts|Latest News|Related Posts|Share"
    r"|Name\*|Email\*|Are You a Human\?.*|Tagged with:|# # #|###|\d+ /|\d+ / \d+|/)$",
    re.M,
)


def corpus_file(shared: Path, office: str, name: str) -> str:
    return (shared / CORPUS / office / name).read_text(encoding="utf-8")


def office_template(shared: Path, office: str, sample: int = 400) -> frozenset[str]:
    """A source's boilerplate, learned from a fixed sample of its pages (all of them for small offices)."""
    files = sorted((shared / CORPUS / office).glob("*.txt"))
    files = random.Random(0).sample(files, min(sample, len(files)))
    return learn_boilerplate(f.read_text(encoding="utf-8") for f in files)


def corpus_lines(shared: Path, per_office: int) -> set[str]:
    """The distinct lines of the first `per_office` pages of every office."""
    return {line for office in sorted((shared / CORPUS).iterdir()) if office.is_dir()
            for f in sorted(office.glob("*.txt"))[:per_office] for line in f.read_text(encoding="utf-8").split("\n")}


def pinned_and_installed(package: str) -> tuple[str | None, str]:
    """(the version pyproject.toml pins `package` to with "==", or None; the installed version)."""
    with open(REPO / "pyproject.toml", "rb") as handle:
        dependencies = tomllib.load(handle)["project"]["dependencies"]
    pins = [m[1] for d in dependencies if (m := re.fullmatch(rf"{re.escape(package)}\s*==\s*([^\s;,]+)", d.strip()))]
    return (pins[0] if pins else None), version(package)


def ingested(rows: list[dict]) -> pd.DataFrame:
    """Rows of an ingested batch, with the place, hash, time and run every staged row carries filled in."""
    filled = {"source_uri": None, "raw_sha256": "0" * 64, "ingested_at": pd.Timestamp("2024-01-01", tz="UTC"),
              "run_id": "r1"}
    return pd.DataFrame([filled | {"source_uri": f"/data/{row['doc_id']}.txt"} | row for row in rows])
