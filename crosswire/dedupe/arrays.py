"""Numpy building blocks of dedupe: whole chunks of texts, pairs and keys at once, never a Python loop per
item. Hashing (`PRIME`, `mix`), runs of consecutive integers (`ranges`), sorted sets (`distinct`, `among`)
and arrays of different lengths held as one (`Ragged`)."""

from __future__ import annotations

import numpy as np

PRIME = np.uint64(1099511628211)  # combines word hashes into n-gram hashes


def mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: every input bit reaches every output bit (the low 32 bits are kept)."""
    with np.errstate(over="ignore"):
        values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """starts[0], starts[0] + 1, ... (counts[0] values), then the same from starts[1], and so on."""
    return np.repeat(starts, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


class Ragged:
    """Arrays of different lengths held as one: the i-th is values[offsets[i]:offsets[i + 1]]."""

    def __init__(self, values: np.ndarray, offsets: np.ndarray):
        self.values, self.offsets = values, offsets

    def __getitem__(self, i: int) -> np.ndarray:
        return self.values[self.offsets[i]:self.offsets[i + 1]]

    def take(self, rows: np.ndarray) -> Ragged:
        counts = np.diff(self.offsets)[rows]
        return Ragged(self.values[ranges(self.offsets[rows], counts)], np.r_[0, np.cumsum(counts)])


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique hashes integers first, several times slower here)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def among(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Which of `values` are in the sorted array `ordered` (a binary search, as in overlap)."""
    if not len(ordered):
        return np.zeros(len(values), bool)
    at = np.searchsorted(ordered, values)
    at[at == len(ordered)] = 0
    return ordered[at] == values
