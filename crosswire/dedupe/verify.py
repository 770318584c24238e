"""Whether two candidate texts are copies of one release, decided on their signatures (see verified):
shared shingles of sorted hash arrays, and headlines that agree."""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz

from crosswire.dedupe.shingles import Signature
from crosswire.settings import DEFAULTS, DedupeSettings


def overlap(a: np.ndarray, b: np.ndarray) -> int:
    """Shared values of two sorted unique arrays (a binary search of `a` in `b`: no merge, no copy)."""
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return int(np.count_nonzero(b[at] == a))


def jaccard(a: Signature, b: Signature) -> float:
    common = overlap(a.shingles, b.shingles)
    return common / (len(a.shingles) + len(b.shingles) - common)


def found(part: np.ndarray, whole: np.ndarray) -> float:
    return overlap(part, whole) / len(part)


def verified(a: Signature, b: Signature, settings: DedupeSettings = DEFAULTS.dedupe) -> float | None:
    """Similarity when `a` and `b` are copies of one release, else None.

    Both must open the same way: an office's follow-up releases on one case (charged, convicted,
    sentenced) share long background passages, but not their lead, nor their headline. So the lead of
    one must be found in the other, and unless both carry the same headline, the opening sentence too.
    Then the shingle sets must be near-equal, or the shorter text, a fair share of the longer one (a
    teaser), contained in it.
    """
    if max(found(a.lead, b.shingles), found(b.lead, a.shingles)) < settings.lead_containment:
        return None
    same_headline = a.title and b.title and titles_agree(a.title, b.title, settings)
    if not same_headline and max(found(a.opening, b.shingles), found(b.opening, a.shingles)) < settings.min_opening:
        return None
    common = overlap(a.shingles, b.shingles)
    small, large = sorted((len(a.shingles), len(b.shingles)))
    similarity = common / (small + large - common)
    if similarity >= settings.min_jaccard:
        return similarity
    if small >= settings.min_share * large and common / small >= settings.min_containment:
        return similarity
    return None


def titles_agree(a: str, b: str, settings: DedupeSettings = DEFAULTS.dedupe) -> bool:
    """Equal give or take a typo, or one the other plus a word or two ("UPDATE: X" and "X").
    "Man convicted of X" and "Jury recommends death for man convicted of X" are two releases."""
    if fuzz.ratio(a, b) >= settings.title_min_ratio:
        return True
    short, long = sorted((a, b), key=len)
    return (long.startswith(short) or long.endswith(short)) and len(long.split()) - len(short.split()) <= 2
