"""Word lists and rules kept as data: `crosswire/data/<name>.toml`, read once per process.

Vocabularies (month names, page furniture, titles before names, topic keywords ...) are data, not code:
a file a reader can open and extend without reading the code that applies it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=None)
def vocabulary(name: str) -> dict:
    """The contents of `crosswire/data/<name>.toml`."""
    with open(DATA / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of the literal `words`, longest first, so that the longest word at a place wins."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
