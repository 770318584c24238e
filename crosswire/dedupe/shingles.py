"""What a text is compared by: its \\w+ tokens, its exact key, and its shingles (word n-grams hashed in
numpy a chunk of texts at a time), kept whole and for its lead and its opening as a `Signature`."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

import numpy as np
import rensa

from crosswire.dedupe.arrays import PRIME, Ragged, distinct, mix, ranges
from crosswire.settings import DEFAULTS, DedupeSettings

WORD = re.compile(r"\w+")
_MARKS = re.compile(r"[\u0300-\u036f]+")  # combining accents, apart after NFKD: "Policía" -> "Policia"


def tokens(text: str) -> list[str]:
    # \w+ tokens survive the damage scrapers do: lost spaces after full stops, joined lines, stray punctuation;
    # without their accents, the words of a copy that lost them (an ASCII channel) are the same words
    folded = text.casefold()
    if not folded.isascii():
        folded = _MARKS.sub("", unicodedata.normalize("NFKD", folded))
    return WORD.findall(folded)


def exact_key(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def exact_number(key: str) -> int:
    """An exact key's first 64 bits, to find equal keys by: a chance collision needs about 4 billion
    documents."""
    return int(key[:16], 16)


def shingle_hashes(word_lists: list[list[str]], size: int) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of the word n-grams of many texts, in text order, and each text's offsets into them.

    Words are hashed by rensa (the same hash in every run of one rensa version, which `algorithm`
    names), n-grams by combining the hashes of their words; a text shorter than one shingle is its own
    shingle."""
    lengths = np.fromiter(map(len, word_lists), dtype=np.int64, count=len(word_lists))
    hashed = np.fromiter(chain.from_iterable(rensa.RMinHash.hash_token_sets(word_lists)), np.uint64,
                         count=int(lengths.sum()))
    padded = np.concatenate([hashed, np.zeros(size - 1, np.uint64)])
    grams = np.zeros(len(hashed), np.uint64)
    with np.errstate(over="ignore"):
        for i in range(size):  # grams[p] combines words p .. p + size - 1
            grams = grams * PRIME + padded[i:i + len(hashed)]
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    counts = np.maximum(lengths - size + 1, 1)
    position = np.minimum(ranges(starts, counts), max(len(grams) - 1, 0))
    flat = grams[position] if len(grams) else np.zeros(counts.sum(), np.uint64)
    offsets = np.r_[0, np.cumsum(counts)]
    for text in np.flatnonzero(lengths < size):  # shorter than one shingle: its words alone
        whole = np.uint64(0)
        with np.errstate(over="ignore"):
            for word in hashed[starts[text]:starts[text] + lengths[text]]:
                whole = whole * PRIME + word
        flat[offsets[text]] = whole
    return mix(flat), offsets


def prefixes(flat: np.ndarray, offsets: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The first `limit` hashes of each text, and their offsets."""
    counts = np.minimum(np.diff(offsets), limit)
    return flat[ranges(offsets[:-1], counts)], np.r_[0, np.cumsum(counts)]


def unique_per_text(flat: np.ndarray, offsets: np.ndarray) -> Ragged:
    """Each text's sorted distinct hashes (low 32 bits): one sort for the whole chunk."""
    text = np.repeat(np.arange(len(offsets) - 1, dtype=np.uint64), np.diff(offsets))
    keys = distinct((text << np.uint64(32)) | (flat & np.uint64(0xFFFFFFFF)))
    bounds = np.searchsorted(keys >> np.uint64(32), np.arange(len(offsets), dtype=np.uint64))
    return Ragged(keys.astype(np.uint32), bounds)


def normalized_title(title) -> str:
    return " ".join(tokens(title)) if isinstance(title, str) else ""


@dataclass(frozen=True)
class Signature:
    """Sorted shingle hashes of a text, of its lead and of its opening, and its normalized title.

    The low 32 bits of each hash: two texts' shingles coincide by chance about once in 10^4 pairs of
    press releases, one shingle then, which moves no ratio; it halves the memory of 100k signatures."""

    shingles: np.ndarray
    lead: np.ndarray
    opening: np.ndarray
    title: str = ""


@dataclass
class Signatures:
    """Signatures of many texts in a few arrays: three arrays and an object per text would take about
    600 bytes a text more."""

    shingles: Ragged
    lead: Ragged
    opening: Ragged
    titles: np.ndarray

    def __len__(self) -> int:
        return len(self.titles)

    def __getitem__(self, i: int) -> Signature:
        return Signature(self.shingles[i], self.lead[i], self.opening[i], self.titles[i])

    def take(self, rows: np.ndarray) -> Signatures:
        return Signatures(self.shingles.take(rows), self.lead.take(rows), self.opening.take(rows), self.titles[rows])


def signatures(word_lists: list[list[str]], titles: Iterable, settings: DedupeSettings = DEFAULTS.dedupe) -> Signatures:
    """Signatures of many texts."""
    size = settings.shingle_size
    flat, offsets = shingle_hashes(word_lists, size)
    whole = unique_per_text(flat, offsets)
    lead, opening = (unique_per_text(*prefixes(flat, offsets, max(words - size + 1, 1)))
                     for words in (settings.lead_words, settings.opening_words))
    titles = np.array([normalized_title(t) for t in titles], dtype=object)
    return Signatures(whole, lead, opening, titles)


def signature(text: str, title: str | None = None, settings: DedupeSettings = DEFAULTS.dedupe) -> Signature:
    return signatures([tokens(text)], [title], settings)[0]
