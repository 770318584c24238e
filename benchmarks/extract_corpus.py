"""Shared by the extract benchmarks: where ../shared is, and corpus pages cleaned as the pipeline cleans them.

Pages are decoded by the ingest stage's ``decode`` and cleaned by the clean stage's ``clean_document``,
with each office folder's template learned from all of that folder's pages by ``learn_boilerplate`` (the
pipeline learns it per source, the folder a file came from). Cleaning the whole corpus takes about a
minute and a half, so the cleaned texts are cached in the system's temporary folder, keyed by the clean
stage's source code and the corpus's file list: a change to either cleans again.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpora" / "prosecutor-press-releases"
GOLD = SHARED / "gold" / "dev.jsonl"


def require_shared() -> Path:
    """../shared beside the repository, or exit with a message saying what is missing."""
    if not (CORPUS.is_dir() and GOLD.is_file()):
        sys.exit(f"{SHARED} is absent (or lacks corpora/ and gold/): the extract benchmarks need the shared data "
                 "beside the repository, as ../shared")
    return SHARED


def read_page(path: Path) -> str:
    from crosswire.ingest import decode

    text = decode(path.read_bytes())[0]
    return text or ""


def clean_folder(folder: Path, names: list[str] | None = None) -> dict[str, object]:
    """Cleaned pages of one source folder (all of them, or those ``names``), keyed by file name; the
    template is learned from every page of the folder, as the pipeline learns it per source."""
    from crosswire.clean import clean_document, learn_boilerplate
    from crosswire.settings import Settings

    settings = Settings()
    pages = {p.name: read_page(p) for p in sorted(folder.glob("*.txt"))}
    template = learn_boilerplate(pages.values())
    return {
        name: clean_document(pages[name], "text/plain", boilerplate=template, settings=settings)
        for name in (names if names is not None else pages)
    }


def cleaned_corpus(use_cache: bool = True) -> pd.DataFrame:
    """Every page of the shared corpus that the clean stage keeps as an article: article_id (office/file),
    text, title, published_at."""
    files = sorted(CORPUS.glob("*/*.txt"))
    cache = _cache_path(files)
    if use_cache and cache.is_file():
        return pd.read_parquet(cache)
    rows = []
    for folder in sorted({f.parent for f in files}):
        for name, c in clean_folder(folder).items():
            if c.is_article:
                rows.append({"article_id": f"{folder.name}/{name}", "text": c.text, "title": c.title,
                             "published_at": c.published_at})
    frame = pd.DataFrame(rows)
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
    if use_cache:
        frame.to_parquet(cache)
    return frame


def _cache_path(files: list[Path]) -> Path:
    h = hashlib.sha256()
    for module in sorted([*(REPO / "crosswire" / "clean").glob("*.py"), *(REPO / "crosswire" / "ingest").glob("*.py"),
                          REPO / "crosswire" / "dates.py", *(REPO / "crosswire" / "data").glob("*.toml")]):
        h.update(module.read_bytes())
    h.update("\n".join(str(f.relative_to(CORPUS)) for f in files).encode())
    return Path(tempfile.gettempdir()) / f"crosswire-cleaned-corpus-{h.hexdigest()[:16]}.parquet"
