"""Contents: the document that holds each content (`raw_sha256`) ever ingested, so that bytes already
ingested are never a new document, wherever they are found again.

Kept in three numpy arrays, 32 bytes a document, where a dict from hash to id took about 220: the first
64 bits of each hash (sorted, searched), its next 64 bits (to tell apart two hashes that share the
first), and the document's id. Two contents are the same when these 128 bits of their SHA-256 are:
a false match would need 2^64 documents, where a document id already has only 64 bits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()  # of an item read as nothing (a failed fetch): no identity
DOC_ID = "S16"  # a document id: 16 hex characters (crosswire.ingest.reading.doc_id_for)


def hash_words(shas: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(first 64 bits, next 64 bits) of each SHA-256 hex digest."""
    words = np.frombuffer(bytes.fromhex("".join(sha[:32] for sha in shas)), ">u8").reshape(-1, 2)
    return words[:, 0].astype(np.uint64), words[:, 1].astype(np.uint64)


class Contents:
    """The document of each content hash added; a hash added again keeps its first document."""

    def __init__(self):
        self.keys = np.empty(0, np.uint64)  # first 64 bits of each hash, sorted ...
        self.checks = np.empty(0, np.uint64)  # ... its next 64 bits ...
        self.doc_ids = np.empty(0, DOC_ID)  # ... and its document, in the same order

    def __len__(self) -> int:
        return len(self.keys)

    def find(self, raw_sha256: str | None) -> str | None:
        """The document holding this content, or None."""
        if not raw_sha256 or raw_sha256 == EMPTY_SHA256:
            return None
        (key,), (check,) = hash_words([raw_sha256])
        at = int(np.searchsorted(self.keys, key))
        while at < len(self.keys) and self.keys[at] == key:
            if self.checks[at] == check:
                return self.doc_ids[at].decode()
            at += 1
        return None

    def add(self, doc_ids: Sequence[str | None], shas: Sequence[str | None]) -> None:
        """Each content with its document; those already known, and items without bytes, are passed over."""
        given = [(doc, sha) for doc, sha in zip(doc_ids, shas) if doc and sha and sha != EMPTY_SHA256]
        if not given:
            return
        keys, checks = hash_words([sha for _, sha in given])
        ids = np.array([doc for doc, _ in given], DOC_ID)
        order = np.lexsort((checks, keys))  # stable: of one hash given twice, the first comes first
        keys, checks, ids = keys[order], checks[order], ids[order]
        new = np.ones(len(keys), bool)
        new[1:] = (keys[1:] != keys[:-1]) | (checks[1:] != checks[:-1])
        left, right = np.searchsorted(self.keys, keys, "left"), np.searchsorted(self.keys, keys, "right")
        held = left < right  # a key held already: the same content, or (rarely) another sharing its key
        new[held] &= self.checks[left[held]] != checks[held]
        for n in np.flatnonzero(new & (right - left > 1)):  # a key two contents held share: each looked at
            new[n] = checks[n] not in self.checks[left[n]:right[n]]
        # merged in, after the hashes held: a sort of everything for each batch of a run would cost more
        self.keys = np.insert(self.keys, right[new], keys[new])
        self.checks = np.insert(self.checks, right[new], checks[new])
        self.doc_ids = np.insert(self.doc_ids, right[new], ids[new])
