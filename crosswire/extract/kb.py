"""The curated knowledge base of policing and justice bodies: crosswire/data/organizations.csv.

Columns: canonical, aliases (|-separated), acronyms (|-separated), type, country, wikidata (only where
the id was checked). Multi-word names match in any letter case from a capital ("Department Of
Justice"); acronyms and one-word names keep their case ("ICE", "Interpol", but not "ice").
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from crosswire.extract.text import (
    CACHE_SIZE,
    WordRegex,
    digits,
    key,
    literal_pattern,
)

KB_PATH = Path(__file__).resolve().parents[1] / "data" / "organizations.csv"


@dataclass
class KBEntry:
    canonical: str
    aliases: list[str]
    acronyms: list[str]
    type: str
    country: str
    wikidata: str


@dataclass
class KnowledgeBase:
    entries: list[KBEntry]
    by_key: dict[str, KBEntry] = field(default_factory=dict)
    names_rx: WordRegex | None = None  # names and words, for a text read on its own (use with find_words)
    long_keys: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # multi-word names, matched in any case after a capital
    words: list[str] = field(default_factory=list)  # acronyms and one-word names, matched as written

    def lookup(self, name: str, fuzzy: bool = True) -> KBEntry | None:
        """The entry a name refers to: exact alias or acronym, else a close spelling of a long name."""
        k = key(name)
        if k in self.by_key:
            return self.by_key[k]
        if not fuzzy or len(k) < 12:
            return None
        return self._closest(k)

    def __post_init__(self):
        # names recur across articles: the fuzzy search is cached, per knowledge base
        self._closest = lru_cache(maxsize=CACHE_SIZE)(self._closest_long_name)

    def _closest_long_name(self, k: str) -> KBEntry | None:
        best = process.extractOne(k, self.long_keys, scorer=fuzz.ratio, score_cutoff=93)
        return self.by_key[best[0]] if best and digits(k) == digits(best[0]) else None


@lru_cache(maxsize=4)
def load_kb(path: str | Path = KB_PATH) -> KnowledgeBase:
    """The knowledge base, read once per process."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    entries = [
        KBEntry(
            canonical=r["canonical"].strip(),
            aliases=[a.strip() for a in (r.get("aliases") or "").split("|") if a.strip()],
            acronyms=[a.strip() for a in (r.get("acronyms") or "").split("|") if a.strip()],
            type=(r.get("type") or "").strip(),
            country=(r.get("country") or "").strip(),
            wikidata=(r.get("wikidata") or "").strip(),
        )
        for r in rows
        if r.get("canonical", "").strip()
    ]
    kb = KnowledgeBase(entries)
    long_names, words = [], []
    for e in entries:
        for name in [e.canonical, *e.aliases]:
            kb.by_key.setdefault(key(name), e)
            if " " in name.strip():
                long_names.append(name)
            else:  # one-word names keep their case: "Interpol", "INTERPOL" but not "interpol" in a URL
                words += [name, name.upper(), name[:1].upper() + name[1:].lower()]
        for acr in e.acronyms:
            kb.by_key.setdefault(key(acr), e)
            words.append(acr)
    kb.names, kb.words = long_names, words
    kb.names_rx = WordRegex(literal_pattern(words, folded=long_names) + r"(?![\w&])")
    kb.long_keys = [k for k in kb.by_key if len(k) >= 12]
    return kb
