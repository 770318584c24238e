"""Candidates: MinHash LSH over whole texts and over leads. Digests are cut into bands, each band hashed
to a 32-bit key; documents with an equal key share a bucket, found by one sort of one band's keys at a
time, and every two documents of a bucket (of at most `max_bucket`) are a candidate pair."""

from __future__ import annotations

import numpy as np

from crosswire.dedupe.arrays import PRIME, among, distinct, mix, ranges
from crosswire.settings import DEFAULTS, DedupeSettings


def bands(settings: DedupeSettings = DEFAULTS.dedupe) -> int:
    """LSH bands: the split of the permutations whose S-curve midpoint (1/b)^(1/r) is nearest the
    configured threshold (32 bands of 4 rows at 128 permutations and 0.5)."""
    perm = settings.num_perm
    splits = [b for b in range(1, perm + 1) if perm % b == 0]
    return min(splits, key=lambda b: abs((1 / b) ** (b / perm) - settings.threshold))


def band_keys(digests: np.ndarray, count: int) -> np.ndarray:
    """Each row's `count` LSH band keys, a column per band: equal keys share a bucket. 32 bits: two
    different bands share a key by chance once in 4 billion pairs, one more candidate to verify, not a
    wrong story; and a quarter of the digest's memory, all that is held for every document."""
    rows = digests.shape[1] // count
    keys = np.empty((len(digests), count), np.uint32)
    with np.errstate(over="ignore"):
        for band in range(count):
            key = np.full(len(digests), band, np.uint64)
            for column in range(band * rows, (band + 1) * rows):
                key = mix(key * PRIME + digests[:, column])
            keys[:, band] = key.astype(np.uint32)
    return keys


def lsh_keys(text_digests: np.ndarray, lead_digests: np.ndarray,
             settings: DedupeSettings = DEFAULTS.dedupe) -> np.ndarray:
    """The band keys of whole texts, then of leads, a row per document."""
    count = bands(settings)
    return np.concatenate([band_keys(text_digests, count), band_keys(lead_digests, count)], axis=1)


def pairs_sharing(keys: np.ndarray, largest: int | None = None) -> np.ndarray:
    """(a, b) index pairs, a < b, of every two equal keys, in groups of at most `largest` equal keys:
    one sort, however many groups."""
    order = np.argsort(keys, kind="stable")  # stable: indices ascend within a group, so a < b
    keys = keys[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    kept = (sizes > 1) & (sizes <= (largest or len(keys)))
    starts, sizes = starts[kept], sizes[kept]
    member = ranges(starts, sizes)
    later = np.repeat(starts + sizes, sizes) - member - 1  # members after this one in its group
    return np.stack([order[np.repeat(member, later)], order[ranges(member + 1, later)]], axis=1)


def candidate_pairs(keys: np.ndarray, new_from: int, settings: DedupeSettings = DEFAULTS.dedupe,
                    oversized: list[np.ndarray] | None = None) -> np.ndarray:
    """Distinct document pairs sharing an LSH bucket of whole texts or of leads (a column of `keys` per
    band, a row per document), at least one of them new. A copy shares one or the other with its story
    (a teaser shares the lead but, being short, only a fraction of the whole text's shingles). Buckets
    of more than `max_bucket` documents are left out: they grow with the corpus where an office's
    template fills a band (copies of one story share many bands, so they still meet in the others), as are
    the sorted keys of each band in `oversized`: buckets known to be larger than `keys` shows them."""
    size = len(keys)
    codes = np.empty(0, np.int64)  # a * size + b of the pairs found so far
    for band in range(keys.shape[1]):
        rows = np.flatnonzero(~among(keys[:, band], oversized[band])) if oversized else np.arange(size)
        found = rows[pairs_sharing(keys[rows, band], settings.max_bucket)]
        found = found[found[:, 1] >= new_from]
        codes = distinct(np.concatenate([codes, found[:, 0] * size + found[:, 1]]))
    return np.stack([codes // size, codes % size], axis=1)
