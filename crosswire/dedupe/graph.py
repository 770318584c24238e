"""Stories as connected components: union-find over document positions, and documents packed into
groups of connected ones, so that signatures are held a group at a time."""

from __future__ import annotations

import numpy as np

from crosswire.dedupe.arrays import distinct

GROUP = 8192  # documents whose signatures are held at once (about 12 MB of 1,650-character texts)


class UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = item = parent[parent[item]]
        return item

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def packed(units: np.ndarray, size: int = GROUP) -> np.ndarray:
    """A group number for each item, items of one unit in one group, groups in order of the units and of
    at most `size` items unless one unit alone is larger."""
    order = np.argsort(units, kind="stable")
    starts = np.flatnonzero(np.r_[True, units[order][1:] != units[order][:-1]]) if len(units) else np.empty(0, int)
    counts = np.diff(np.r_[starts, len(units)])
    numbers, group, filled = np.empty(len(counts), np.int64), 0, 0
    for i, count in enumerate(counts.tolist()):
        if filled and filled + count > size:
            group, filled = group + 1, 0
        numbers[i], filled = group, filled + count
    groups = np.empty(len(units), np.int64)
    groups[order] = np.repeat(numbers, counts)
    return groups


def components(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The documents in `pairs` (sorted) and, for each, the one that stands for its connected component."""
    nodes = distinct(pairs.ravel())
    links = UnionFind(len(nodes))
    for a, b in np.searchsorted(nodes, pairs).tolist():
        links.union(a, b)
    return nodes, np.array([links.find(i) for i in range(len(nodes))], np.int64)
