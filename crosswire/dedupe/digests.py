"""MinHash digests (rensa) of whole texts and of their leads: made a chunk of texts at a time, stored as
rows of the signatures table for later runs to find copies among, and read back from it as matrices."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from itertools import chain

import numpy as np
import pandas as pd
import pyarrow as pa
import rensa

from crosswire.dedupe.shingles import exact_key, prefixes, shingle_hashes, tokens
from crosswire.schema import SIGNATURES
from crosswire.settings import DEFAULTS, DedupeSettings

SEED = 42  # rensa's permutations: part of the algorithm id stored with every signature, not a knob


def algorithm(settings: DedupeSettings = DEFAULTS.dedupe) -> str:
    """Stored with every signature: signatures of another algorithm or version are not comparable."""
    return (f"rensa-{version('rensa')}/RMinHash-v{rensa.RMinHash.ALGORITHM_VERSION}/hashed-words-unaccented"
            f"/word{settings.shingle_size}/lead{settings.lead_words}/perm{settings.num_perm}/seed{SEED}")


@dataclass
class Signed:
    """MinHash digests of a chunk of texts (whole texts and leads) and their exact keys."""

    text_digests: np.ndarray
    lead_digests: np.ndarray
    exact_keys: list[str]


def sign(texts: list[str], settings: DedupeSettings = DEFAULTS.dedupe) -> Signed:
    """Digests and exact keys of a chunk of texts (their token lists are held at once)."""
    size, perm = settings.shingle_size, settings.num_perm
    words = [tokens(t) for t in texts]
    flat, offsets = shingle_hashes(words, size)
    return Signed(digest_matrix(flat, offsets, perm),
                  digest_matrix(*prefixes(flat, offsets, max(settings.lead_words - size + 1, 1)), perm),
                  [exact_key(w) for w in words])


def digest_matrix(flat: np.ndarray, offsets: np.ndarray, perm: int) -> np.ndarray:
    """rensa's MinHash digests of each text's shingle hashes, one row a text."""
    digests = rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets.astype(np.uint64), perm, SEED)
    return np.fromiter(chain.from_iterable(digests.to_rows()), np.uint32, count=digests.len() * perm).reshape(-1, perm)


def signature_rows(doc_ids: pd.Series, part: Signed, settings: DedupeSettings = DEFAULTS.dedupe) -> pa.Table:
    """Rows of the signatures table: a chunk's digests, for later runs to find copies among."""
    count = len(doc_ids)
    return pa.table({
        "doc_id": pa.array(doc_ids, pa.string()), "algorithm": pa.array([algorithm(settings)] * count, pa.string()),
        "exact_key": pa.array(part.exact_keys, pa.string()), "minhash": digest_lists(part.text_digests),
        "state": pa.nulls(count, pa.binary()), "lead_state": pa.nulls(count, pa.binary()),
        "lead_minhash": digest_lists(part.lead_digests),
    }, schema=SIGNATURES)


def digest_lists(digests: np.ndarray) -> pa.Array:
    """A matrix of digests as a list column (stored as int64, which holds every uint32 exactly), with no
    array object per row."""
    offsets = np.arange(0, digests.size + 1, max(digests.shape[1], 1), dtype=np.int32)[:len(digests) + 1]
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(digests.ravel().astype(np.int64)))


def matrix(column: pa.Array, perm: int) -> np.ndarray:
    """A list column of digests as a matrix of rensa's uint32 values, a row per digest."""
    return column.flatten().to_numpy(zero_copy_only=False).astype(np.uint32).reshape(-1, perm)
