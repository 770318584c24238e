"""Dedupe: group cleaned documents into stories, matching new documents against earlier runs' stories.

An exact pass on a normalized hash, then MinHash LSH over whole texts and over leads for candidates.
Every candidate pair is verified on the texts themselves (same opening, agreeing titles, shingle Jaccard
or containment) and stories are the connected components of verified pairs only, so band collisions
never join anything, and the result does not depend on the order documents arrive in: running A then B
gives the same stories as one run over A and B.

Work grows linearly with the documents, and so does a little memory: shingles are hashed in numpy a
chunk at a time, digests (rensa) are made a chunk at a time and written out as signatures rows at once,
and what stays for every document of the run is 64 LSH band keys of 32 bits and an exact key of 64 bits
(264 bytes), from which LSH buckets come by one sort of one band's keys at a time. Of earlier runs'
documents, only those the run can touch are held (see Earlier): their stored digests are scanned a batch
at a time, so that a run's memory does not grow with the store. Texts are never all held:
they are read where a document is signed or becomes a story's text, a chunk of doc_ids from the store or
one clean batch file at a time, and the stories are staged batch by batch. Signatures (1.5 KB a text
with its title, mostly shingle hashes, so more for longer texts) are made after the candidates are
found, only for documents in a candidate pair, and held a group of connected documents at a time: made
in one pass over the texts, spilled to a local file by group, read back one group at a time (GROUP
documents, unless one connected set is larger). Each copy's similarity to its story's best copy is
measured the same way, a group of stories at a time. Earlier runs' stored digests
are read a batch at a time, and read and written as Arrow list columns made from the matrices' memory,
never as an array object per row.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from itertools import chain
from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import rensa
from prefect import task
from rapidfuzz import fuzz

from crosswire.store import files
from crosswire.memory import cycle_collector_paused, give_back_freed_memory
from crosswire.schema import DOCUMENTS, SIGNATURES
from crosswire.store.staging import write_batch
from crosswire.store import Store, to_arrow

SEED = 42
WORD = re.compile(r"\w+")
LEAD_WORDS = 60  # the opening words copies of one release share, whatever was added after them
OPENING_WORDS = 25  # about the first sentence: what a follow-up release on the same case rewrites
LEAD_CONTAINMENT = 0.5
MIN_OPENING = 0.9  # copies without the same headline must open with the same sentence
TITLE_MIN_RATIO = 97  # rapidfuzz ratio of normalized titles: a typo, not another word
MIN_SHARE = 0.15  # containment counts only when the shorter text is at least this share of the longer
CHUNK = 2000  # documents hashed at a time: bounds the memory of token lists
MERGE_COLUMNS = ["article_id", "merged_into", "run_id"]
PRIME = np.uint64(1099511628211)  # combines word hashes into n-gram hashes


def algorithm(settings) -> str:
    """Stored with every signature: signatures of another algorithm or version are not comparable."""
    return (f"rensa-{version('rensa')}/RMinHash-v{rensa.RMinHash.ALGORITHM_VERSION}/hashed-words"
            f"/word{settings.dedupe.shingle_size}/lead{LEAD_WORDS}/perm{settings.dedupe.num_perm}/seed{SEED}")


def tokens(text: str) -> list[str]:
    # \w+ tokens survive the damage scrapers do: lost spaces after full stops, joined lines, stray punctuation
    return WORD.findall(text.casefold())


def exact_key(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: every input bit reaches every output bit (the low 32 bits are kept)."""
    with np.errstate(over="ignore"):
        values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


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


@dataclass(frozen=True)
class Signature:
    """Sorted shingle hashes of a text, of its lead and of its opening, and its normalized title.

    The low 32 bits of each hash: two texts' shingles coincide by chance about once in 10^4 pairs of
    press releases, one shingle then, which moves no ratio; it halves the memory of 100k signatures."""

    shingles: np.ndarray
    lead: np.ndarray
    opening: np.ndarray
    title: str = ""


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """starts[0], starts[0] + 1, ... (counts[0] values), then the same from starts[1], and so on."""
    return np.repeat(starts, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


def prefixes(flat: np.ndarray, offsets: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The first `limit` hashes of each text, and their offsets."""
    counts = np.minimum(np.diff(offsets), limit)
    return flat[ranges(offsets[:-1], counts)], np.r_[0, np.cumsum(counts)]


class Ragged:
    """Arrays of different lengths held as one: the i-th is values[offsets[i]:offsets[i + 1]]."""

    def __init__(self, values: np.ndarray, offsets: np.ndarray):
        self.values, self.offsets = values, offsets

    def __getitem__(self, i: int) -> np.ndarray:
        return self.values[self.offsets[i]:self.offsets[i + 1]]

    def take(self, rows: np.ndarray) -> Ragged:
        counts = np.diff(self.offsets)[rows]
        return Ragged(self.values[ranges(self.offsets[rows], counts)], np.r_[0, np.cumsum(counts)])


def unique_per_text(flat: np.ndarray, offsets: np.ndarray) -> Ragged:
    """Each text's sorted distinct hashes (low 32 bits): one sort for the whole chunk."""
    text = np.repeat(np.arange(len(offsets) - 1, dtype=np.uint64), np.diff(offsets))
    keys = distinct((text << np.uint64(32)) | (flat & np.uint64(0xFFFFFFFF)))
    bounds = np.searchsorted(keys >> np.uint64(32), np.arange(len(offsets), dtype=np.uint64))
    return Ragged(keys.astype(np.uint32), bounds)


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


def normalized_title(title) -> str:
    return " ".join(tokens(title)) if isinstance(title, str) else ""


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


def signatures(word_lists: list[list[str]], titles: Iterable, size: int) -> Signatures:
    """Signatures of many texts."""
    flat, offsets = shingle_hashes(word_lists, size)
    whole = unique_per_text(flat, offsets)
    lead, opening = (unique_per_text(*prefixes(flat, offsets, max(words - size + 1, 1)))
                     for words in (LEAD_WORDS, OPENING_WORDS))
    titles = np.array([normalized_title(t) for t in titles], dtype=object)
    return Signatures(whole, lead, opening, titles)


def signature(text: str, size: int, title: str | None = None) -> Signature:
    return signatures([tokens(text)], [title], size)[0]


@dataclass
class Signed:
    """MinHash digests of a chunk of texts (whole texts and leads) and their exact keys."""

    text_digests: np.ndarray
    lead_digests: np.ndarray
    exact_keys: list[str]


def sign(texts: list[str], settings) -> Signed:
    """Digests and exact keys of a chunk of texts (their token lists are held at once)."""
    size, perm = settings.dedupe.shingle_size, settings.dedupe.num_perm
    words = [tokens(t) for t in texts]
    flat, offsets = shingle_hashes(words, size)
    return Signed(digest_matrix(flat, offsets, perm),
                  digest_matrix(*prefixes(flat, offsets, max(LEAD_WORDS - size + 1, 1)), perm),
                  [exact_key(w) for w in words])


GROUP = 8192  # documents whose signatures are held at once (about 12 MB of 1,650-character texts)
SIGNED = pa.schema([("position", pa.int64()), ("shingles", pa.list_(pa.uint32())), ("lead", pa.list_(pa.uint32())),
                    ("opening", pa.list_(pa.uint32())), ("title", pa.string())])


def signed_batch(positions: np.ndarray, signed: Signatures) -> pa.RecordBatch:
    """Signatures as a record batch of SIGNED, to spill."""
    def lists(ragged: Ragged) -> pa.Array:
        return pa.ListArray.from_arrays(pa.array(ragged.offsets.astype(np.int32)), pa.array(ragged.values))
    return pa.record_batch([pa.array(positions, pa.int64()), lists(signed.shingles), lists(signed.lead),
                            lists(signed.opening), pa.array(signed.titles, pa.string())], schema=SIGNED)


class Held:
    """Signatures read back from a spill (SIGNED rows), by corpus position."""

    def __init__(self, table: pa.Table):
        table = table.sort_by("position")

        def ragged(name: str) -> Ragged:
            column = table[name].combine_chunks()
            return Ragged(column.values.to_numpy(), column.offsets.to_numpy())
        self.positions = table["position"].to_numpy()
        self.signatures = Signatures(ragged("shingles"), ragged("lead"), ragged("opening"),
                                     table["title"].to_numpy(zero_copy_only=False))

    def __getitem__(self, position: int) -> Signature:
        return self.signatures[int(np.searchsorted(self.positions, position))]


def digest_matrix(flat: np.ndarray, offsets: np.ndarray, perm: int) -> np.ndarray:
    """rensa's MinHash digests of each text's shingle hashes, one row a text."""
    digests = rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets.astype(np.uint64), perm, SEED)
    return np.fromiter(chain.from_iterable(digests.to_rows()), np.uint32, count=digests.len() * perm).reshape(-1, perm)


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


def verified(a: Signature, b: Signature, settings) -> float | None:
    """Similarity when `a` and `b` are copies of one release, else None.

    Both must open the same way: an office's follow-up releases on one case (charged, convicted,
    sentenced) share long background passages, but not their lead, nor their headline. So the lead of
    one must be found in the other, and unless both carry the same headline, the opening sentence too.
    Then the shingle sets must be near-equal, or the shorter text, a fair share of the longer one (a
    teaser), contained in it.
    """
    if max(found(a.lead, b.shingles), found(b.lead, a.shingles)) < LEAD_CONTAINMENT:
        return None
    same_headline = a.title and b.title and titles_agree(a.title, b.title)
    if not same_headline and max(found(a.opening, b.shingles), found(b.opening, a.shingles)) < MIN_OPENING:
        return None
    common = overlap(a.shingles, b.shingles)
    small, large = sorted((len(a.shingles), len(b.shingles)))
    similarity = common / (small + large - common)
    if similarity >= settings.dedupe.min_jaccard:
        return similarity
    if small >= MIN_SHARE * large and common / small >= settings.dedupe.min_containment:
        return similarity
    return None


def titles_agree(a: str, b: str) -> bool:
    """Equal give or take a typo, or one the other plus a word or two ("UPDATE: X" and "X").
    "Man convicted of X" and "Jury recommends death for man convicted of X" are two releases."""
    if fuzz.ratio(a, b) >= TITLE_MIN_RATIO:
        return True
    short, long = sorted((a, b), key=len)
    return (long.startswith(short) or long.endswith(short)) and len(long.split()) - len(short.split()) <= 2


def best_first(meta: pd.DataFrame, positions: np.ndarray, story: np.ndarray) -> np.ndarray:
    """`positions` (rows of `meta`, of story `story[i]` each) grouped by story, best copy first in each:
    metadata completeness, then text quality, length, and earliest seen. The keys are sorted, not whole rows."""
    keys = pd.DataFrame({
        "story": story,
        "missing": meta["title"].isna().to_numpy(int)[positions] + meta["published_at"].isna().to_numpy(int)[positions],
        "junk": meta["junk_ratio"].fillna(0).astype(float).round(2).to_numpy()[positions],
        "length": -meta["word_count"].fillna(0).astype(int).to_numpy()[positions],
        "ingested_at": meta["ingested_at"].iloc[positions].reset_index(drop=True),
        "doc_id": meta["doc_id"].iloc[positions].reset_index(drop=True),
    })
    order = keys.sort_values(["story", "missing", "junk", "length", "ingested_at", "doc_id"], kind="stable").index
    return positions[order.to_numpy()]


# --- candidates -----------------------------------------------------------------------------------------

def bands(settings) -> int:
    """LSH bands: the split of the permutations whose S-curve midpoint (1/b)^(1/r) is nearest the
    configured threshold (32 bands of 4 rows at 128 permutations and 0.5)."""
    perm = settings.dedupe.num_perm
    splits = [b for b in range(1, perm + 1) if perm % b == 0]
    return min(splits, key=lambda b: abs((1 / b) ** (b / perm) - settings.dedupe.threshold))


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


def lsh_keys(text_digests: np.ndarray, lead_digests: np.ndarray, settings) -> np.ndarray:
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


def candidate_pairs(keys: np.ndarray, new_from: int, settings, oversized: list[np.ndarray] | None = None) -> np.ndarray:
    """Distinct document pairs sharing an LSH bucket of whole texts or of leads (a column of `keys` per
    band, a row per document), at least one of them new. A copy shares one or the other with its story
    (a teaser shares the lead but, being short, only a fraction of the whole text's shingles). Buckets
    of more than `dedupe_max_bucket` documents are left out: they grow with the corpus where an office's
    template fills a band (copies of one story share many bands, so they still meet in the others), as are
    the sorted keys of each band in `oversized`: buckets known to be larger than `keys` shows them."""
    size = len(keys)
    codes = np.empty(0, np.int64)  # a * size + b of the pairs found so far
    for band in range(keys.shape[1]):
        rows = np.flatnonzero(~among(keys[:, band], oversized[band])) if oversized else np.arange(size)
        found = rows[pairs_sharing(keys[rows, band], settings.dedupe.max_bucket)]
        found = found[found[:, 1] >= new_from]
        codes = distinct(np.concatenate([codes, found[:, 0] * size + found[:, 1]]))
    return np.stack([codes // size, codes % size], axis=1)


def exact_number(key: str) -> int:
    """An exact key's first 64 bits, to find equal keys by: a chance collision needs about 4 billion
    documents."""
    return int(key[:16], 16)


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


# --- stories --------------------------------------------------------------------------------------------

@dataclass
class Stories:
    """The doc -> story assignment of one run, over the documents it touched."""

    assignments: pd.DataFrame  # doc_id, article_id, is_canonical, similarity
    articles: pd.DataFrame  # one row per new or changed story, with its merged metadata
    merges: pd.DataFrame  # article_id absorbed into merged_into
    canonical: np.ndarray  # corpus position of each article's canonical copy, whose text is the story's
    exact_copies: int = 0
    near_copies: int = 0
    candidates: int = 0  # document pairs that shared an LSH bucket
    verifications: int = 0  # candidate pairs compared on their texts (the others were one story already)
    signatures: pa.Table | None = None  # new documents' signatures, when collected (see assign_stories)


META_COLUMNS = ["doc_id", "article_id", "source_uri", "title", "published_at", "language", "junk_ratio",
                "word_count", "ingested_at"]
NEW_COLUMNS = [c for c in META_COLUMNS if c != "article_id"]
ARRIVAL = ["ingested_at", "source_uri", "doc_id"]  # the order new documents take their positions in

# Reads the texts of some rows of a set of documents: yields (rows, their texts), at most CHUNK at a
# time, covering every row asked for, in the order the texts are stored.
Texts = Callable[[np.ndarray], Iterator[tuple[np.ndarray, list[str]]]]


def held_texts(texts: pd.Series) -> Texts:
    """Texts in memory, by row."""
    def read(rows: np.ndarray):
        for i in range(0, len(rows), CHUNK):
            yield rows[i:i + CHUNK], texts.iloc[rows[i:i + CHUNK]].tolist()
    return read


OK = ds.field("status") == "ok"


class Earlier:
    """Earlier runs' ok documents and their stored signatures, of which a run holds only what its new
    documents can touch: the documents that share an exact key or an LSH bucket with one of them, and the
    other documents of those documents' stories. The stored signatures are scanned a batch at a time and
    the rest is read by doc_id and by article_id, so that dedupe's memory follows the run and the stories
    it touches, not the store.

    No other earlier document can change a story the run touches: candidate pairs have a new document in
    them, and a bucket's size (see candidate_pairs) counts all of its documents, new and earlier, read or
    not (a bucket too large to make pairs gives no reason to read its documents)."""

    def __init__(self, documents: ds.Dataset, signatures: ds.Dataset):
        self.documents, self.signatures = documents, signatures

    @classmethod
    def held(cls, docs: pd.DataFrame, signatures: pa.Table) -> Earlier:
        """Earlier documents in memory (META_COLUMNS and text, all ok) and their rows of the signatures table."""
        schema = pa.schema([DOCUMENTS.field(c).with_nullable(True) for c in [*META_COLUMNS, "text", "status"]])
        table = pa.Table.from_pandas(docs.assign(status="ok"), schema=schema, preserve_index=False)
        return cls(ds.dataset(table), ds.dataset(signatures))

    def touched(self, new_keys: np.ndarray, new_exact: np.ndarray, settings) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, list]:
        """The earlier documents the new ones can touch (META_COLUMNS), which of them share a key with a new
        document, those ones' LSH band keys and exact keys (the others are in no bucket of a new document),
        and the keys of buckets too large to make pairs (see sharing)."""
        ids, keys, exact, oversized = self.sharing(new_keys, new_exact, settings)
        found = self.documents.to_table(columns=["article_id"], filter=OK & ds.field("doc_id").isin(ids))
        stories = pc.unique(found["article_id"].drop_null())
        rows = self.documents.to_table(
            columns=META_COLUMNS, filter=OK & (ds.field("doc_id").isin(ids) | ds.field("article_id").isin(stories)),
        ).to_pandas()
        at = rows["doc_id"].map(pd.Series(np.arange(len(ids)), index=ids.to_pylist()))
        keyed = at.notna().to_numpy()
        at = at[keyed].to_numpy().astype(np.int64)
        return rows, keyed, keys[at], exact[at], oversized

    def sharing(self, new_keys: np.ndarray, new_exact: np.ndarray, settings) -> tuple[pa.Array, np.ndarray, np.ndarray, list]:
        """The earlier documents sharing an exact key or an LSH bucket of at most `dedupe_max_bucket`
        documents with a new one (distinct doc_ids), with their band keys and exact keys, and each band's
        keys of the new documents' larger buckets. Stored digests are used where this algorithm made them;
        the other documents are signed from their texts."""
        count = new_keys.shape[1]
        if not len(new_keys) or not self.documents.count_rows():  # nothing to share, or nobody to share with
            return pa.array([], pa.string()), np.empty((0, count), np.uint32), np.empty(0, np.uint64), [
                np.empty(0, np.uint32)] * count
        ordered = [np.sort(column) for column in new_keys.T]  # each band's keys of the new documents
        exact_wanted = distinct(new_exact)
        ids, keys, exact = [], [], []
        shared = []  # band << 32 | key of the bucket each earlier row shares in each band

        def take(doc_ids: list[str], batch_keys: np.ndarray, batch_exact: np.ndarray) -> None:
            hit = among(batch_exact, exact_wanted)
            for band, column in enumerate(batch_keys.T):
                found = among(column, ordered[band])
                shared.append(np.uint64(band) << np.uint64(32) | column[found].astype(np.uint64))
                hit |= found
            rows = np.flatnonzero(hit)
            ids.extend(doc_ids[r] for r in rows.tolist())
            keys.append(batch_keys[rows])
            exact.append(batch_exact[rows])

        perm, current = settings.dedupe.num_perm, algorithm(settings)
        for batch in self.signatures.to_batches(columns=["doc_id", "exact_key", "minhash", "lead_minhash"],
                                                filter=ds.field("algorithm") == current, batch_size=CHUNK,
                                                use_threads=False):  # threads read ahead, holding many batches
            if batch.num_rows:
                take(batch["doc_id"].to_pylist(), lsh_keys(matrix(batch["minhash"], perm),
                                                           matrix(batch["lead_minhash"], perm), settings),
                     np.array([exact_number(k) for k in batch["exact_key"].to_pylist()], np.uint64))
        unsigned = pd.Series(self.unsigned(current), dtype=object)
        for rows, texts in self.texts(unsigned)(np.arange(len(unsigned))):
            part = sign(texts, settings)
            take(unsigned.iloc[rows].tolist(), lsh_keys(part.text_digests, part.lead_digests, settings),
                 np.array([exact_number(k) for k in part.exact_keys], np.uint64))
        keys = np.concatenate([np.empty((0, count), np.uint32), *keys])
        exact = np.concatenate([np.empty(0, np.uint64), *exact])
        # a bucket of more than dedupe_max_bucket documents, new and earlier, makes no pairs: its sharing
        # alone does not count
        buckets, earlier = np.unique(np.concatenate([np.empty(0, np.uint64), *shared]), return_counts=True)
        band, key = (buckets >> np.uint64(32)).astype(np.int64), (buckets & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        oversized = []
        for number, column in enumerate(ordered):
            here = key[band == number]
            sizes = earlier[band == number] + np.searchsorted(column, here, "right") - np.searchsorted(column, here)
            oversized.append(here[sizes > (settings.dedupe.max_bucket or np.inf)])
        kept = among(exact, exact_wanted)
        for band, column in enumerate(keys.T):
            kept |= among(column, ordered[band]) & ~among(column, oversized[band])
        last = pd.Series(ids, dtype=object).iloc[np.flatnonzero(kept)].drop_duplicates(keep="last")
        rows = last.index.to_numpy()
        return pa.array(last.tolist(), pa.string()), keys[rows], exact[rows], oversized

    def unsigned(self, current: str) -> list[str]:
        """The earlier ok documents without signatures of the `current` algorithm (none, unless it changed)."""
        signed = self.signatures.to_table(columns=["doc_id"], filter=ds.field("algorithm") == current,
                                          use_threads=False)["doc_id"].unique()
        return [doc_id for batch in self.documents.to_batches(columns=["doc_id"], filter=OK, use_threads=False)
                for doc_id in batch["doc_id"].filter(pc.invert(pc.is_in(batch["doc_id"], signed))).to_pylist()]

    def texts(self, doc_ids: pd.Series) -> Texts:
        """Earlier documents' texts, read by doc_id."""
        def read(rows: np.ndarray):
            for i in range(0, len(rows), CHUNK):
                ids = doc_ids.iloc[rows[i:i + CHUNK]]
                # little read-ahead: each batch's texts are decoded whole before the filter keeps a few
                found = self.documents.to_batches(columns=["doc_id", "text"], batch_readahead=1, fragment_readahead=1,
                                                  filter=OK & ds.field("doc_id").isin(pa.array(ids.tolist(), pa.string())))
                texts = pa.Table.from_batches(found, pa.schema([self.documents.schema.field(c) for c in ("doc_id", "text")]))
                texts = texts.to_pandas().drop_duplicates("doc_id").set_index("doc_id")["text"]
                yield rows[i:i + CHUNK], ids.map(texts).tolist()
        return read


def run_documents(paths: list[str]) -> pd.DataFrame:
    """The ok documents of a run's clean batches (NEW_COLUMNS) in arrival order, with the number of the batch
    and the row each was read from: filtered and sorted in Arrow and converted once, without a pandas copy
    per batch."""
    parts = []
    for number, path in enumerate(paths):
        table = files.read_table(path, columns=[*NEW_COLUMNS, "status"])
        ok = pc.equal(table["status"], "ok")
        rows = pc.indices_nonzero(ok).cast(pa.int64())
        parts.append(table.filter(ok).drop_columns("status")
                     .append_column("batch", pa.array(np.full(len(rows), number, np.int64)))
                     .append_column("row", rows))
    if not parts:
        return pd.DataFrame(columns=[*NEW_COLUMNS, "batch", "row"])
    table = pa.concat_tables(parts, promote_options="permissive")
    return table.sort_by([(column, "ascending") for column in ARRIVAL]).to_pandas()


def batch_texts(paths: list[str], batch: np.ndarray, row: np.ndarray) -> Texts:
    """This run's texts, read from their clean batch files one file at a time: row r is row `row[r]` of
    the file `paths[batch[r]]`."""
    def read(rows: np.ndarray):
        for number in np.unique(batch[rows]):
            here = rows[batch[rows] == number]
            texts = files.read_table(paths[number], columns=["text"])["text"].take(row[here]).to_pylist()
            for i in range(0, len(here), CHUNK):
                yield here[i:i + CHUNK], texts[i:i + CHUNK]
    return read


class Corpus:
    """Earlier runs' documents followed by this run's in arrival order, by position: their metadata, and
    where their texts are, read only to be signed or to become a story's text."""

    def __init__(self, prior: pd.DataFrame, new: pd.DataFrame, prior_texts: Texts, new_texts: Texts, settings):
        prior, new = prior.reset_index(drop=True), new.reset_index(drop=True)
        self.settings, self.prior_texts, self.new_texts = settings, prior_texts, new_texts
        self.arrival = new[ARRIVAL].sort_values(ARRIVAL, kind="stable").index.to_numpy()  # the keys, not whole rows
        if not np.array_equal(self.arrival, np.arange(len(new))):  # run_documents reads them in arrival order
            new = new.take(self.arrival)
        new = new[NEW_COLUMNS].assign(article_id=None)[META_COLUMNS]
        self.meta = pd.concat([prior[META_COLUMNS], new], ignore_index=True) if len(prior) else new.reset_index(drop=True)
        self.new_from = len(prior)
        self.position_of_new = np.empty(len(new), np.int64)
        self.position_of_new[self.arrival] = np.arange(self.new_from, len(self.meta))

    def texts(self, positions: np.ndarray) -> Iterator[tuple[np.ndarray, list[str]]]:
        """(positions, texts), a chunk at a time, covering `positions`."""
        yield from self.prior_texts(positions[positions < self.new_from])
        for rows, texts in self.new_texts(self.arrival[positions[positions >= self.new_from] - self.new_from]):
            yield self.position_of_new[rows], texts

    def texts_at(self, positions: np.ndarray) -> list[str]:
        """The texts at `positions`, in that order, all at once."""
        found = {p: t for chunk, texts in self.texts(positions) for p, t in zip(chunk.tolist(), texts)}
        return [found[p] for p in positions.tolist()]

    def signed_chunks(self, positions: np.ndarray) -> Iterator[tuple[np.ndarray, Signed]]:
        """(positions, what sign makes of their texts), a chunk at a time, covering `positions`."""
        for chunk, texts in self.texts(positions):
            yield chunk, sign(texts, self.settings)

    def signatures_by_group(self, positions: np.ndarray, groups: np.ndarray) -> Iterator[tuple[int, Held]]:
        """For each group number (`groups[i]` is that of `positions[i]`, distinct positions), the
        signatures of its documents, one group at a time. The texts are read and signed once, in the order
        they are stored, and the signatures spilled to a local file by group, so that only one group's
        are ever held, however the groups lie among the stored texts."""
        group_at = pd.Series(groups, index=positions)
        pieces: list[list[int]] = [[] for _ in range(int(groups.max()) + 1 if len(groups) else 0)]
        with TemporaryDirectory(prefix="crosswire-signatures-") as folder:
            spill = str(Path(folder) / "signatures.arrow")
            with pa.OSFile(spill, "wb") as sink, pa.ipc.new_file(sink, SIGNED) as writer:
                for chunk, texts in self.texts(positions):  # signatures only: no digests, no exact keys
                    part = signatures([tokens(t) for t in texts], self.meta["title"].iloc[chunk],
                                      self.settings.dedupe.shingle_size)
                    chunk_groups = group_at.loc[chunk].to_numpy()
                    for group in np.unique(chunk_groups).tolist():
                        rows = np.flatnonzero(chunk_groups == group)
                        pieces[group].append(writer.stats.num_record_batches)
                        writer.write_batch(signed_batch(chunk[rows], part.take(rows)))
            with pa.OSFile(spill) as source:
                reader = pa.ipc.open_file(source)
                for group, wanted in enumerate(pieces):
                    if wanted:
                        yield group, Held(pa.Table.from_batches(map(reader.get_batch, wanted), SIGNED))

    def new_keys(self, write: Callable[[pa.Table], None]) -> tuple[np.ndarray, np.ndarray]:
        """LSH band keys (a row per document, see lsh_keys) and exact keys (see exact_number) of this run's
        documents, in the order of their positions. They are signed a chunk at a time, and each chunk's rows
        of the signatures table are handed to `write`: only the keys are held."""
        keys = np.empty((len(self.meta) - self.new_from, 2 * bands(self.settings)), np.uint32)
        exact = np.empty(len(keys), np.uint64)
        for chunk, part in self.signed_chunks(np.arange(self.new_from, len(self.meta))):
            keys[chunk - self.new_from] = lsh_keys(part.text_digests, part.lead_digests, self.settings)
            exact[chunk - self.new_from] = [exact_number(k) for k in part.exact_keys]
            write(signature_rows(self.meta["doc_id"].iloc[chunk], part, self.settings))
        return keys, exact

    def within_window(self, pairs: np.ndarray) -> np.ndarray:
        """Pairs whose publication dates lie within the configured window (or are unknown)."""
        if self.settings.dedupe.window_days is None:
            return pairs
        published = pd.to_datetime(self.meta["published_at"], utc=True).dt.tz_localize(None).to_numpy()
        gap = np.abs(published[pairs[:, 0]] - published[pairs[:, 1]])
        return pairs[np.isnat(gap) | (gap <= np.timedelta64(self.settings.dedupe.window_days, "D"))]


def matrix(column: pa.Array, perm: int) -> np.ndarray:
    """A list column of digests as a matrix, a row per digest."""
    return column.flatten().to_numpy(zero_copy_only=False).reshape(-1, perm)


def signature_rows(doc_ids: pd.Series, part: Signed, settings) -> pa.Table:
    """Rows of the signatures table: a chunk's digests, for later runs to find copies among."""
    count = len(doc_ids)
    return pa.table({
        "doc_id": pa.array(doc_ids, pa.string()), "algorithm": pa.array([algorithm(settings)] * count, pa.string()),
        "exact_key": pa.array(part.exact_keys, pa.string()), "minhash": digest_lists(part.text_digests),
        "state": pa.nulls(count, pa.binary()), "lead_state": pa.nulls(count, pa.binary()),
        "lead_minhash": digest_lists(part.lead_digests),
    }, schema=SIGNATURES)


def digest_lists(digests: np.ndarray) -> pa.Array:
    """A matrix of digests as a list column, straight from its memory (no array object per row)."""
    offsets = np.arange(0, digests.size + 1, max(digests.shape[1], 1), dtype=np.int32)[:len(digests) + 1]
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(digests.ravel()))


def assign_stories(new: pd.DataFrame, prior_docs: pd.DataFrame, prior_signatures: pa.Table,
                   run_id: str, settings) -> Stories:
    """Assign each new document to a story, creating, growing or merging stories.

    `new`: cleaned ok documents of this run (doc_id, text, title, published_at, language, junk_ratio,
    word_count, ingested_at, source_uri). `prior_docs`: ok documents of earlier runs with the same
    columns plus article_id. `prior_signatures`: their stored signatures.
    """
    signed: list[pa.Table] = []
    corpus, stories = find_stories(Earlier.held(prior_docs, prior_signatures), new, held_texts(new["text"]),
                                   run_id, settings, signed.append)
    stories.articles["text"] = corpus.texts_at(stories.canonical)
    stories.signatures = pa.concat_tables([SIGNATURES.empty_table(), *signed])
    return stories


def find_stories(earlier: Earlier, new: pd.DataFrame, new_texts: Texts, run_id: str, settings,
                 write_signatures: Callable[[pa.Table], None]) -> tuple[Corpus, Stories]:
    """Assign each of the `new` documents (texts read by `new_texts`) to a story (see assign_stories),
    handing their signatures to `write_signatures` a chunk at a time. Returns the corpus of the documents
    grouped (see Earlier) and the stories, whose text is left empty, for the caller to read from the
    canonical copies."""
    with cycle_collector_paused():
        # signatures are not kept: those of the documents in candidate pairs are made again, fewer at once
        new_keys, new_exact = Corpus(pd.DataFrame(columns=META_COLUMNS), new, held_texts(pd.Series()), new_texts,
                                     settings).new_keys(write_signatures)
        prior, keyed, prior_keys, prior_exact, oversized = earlier.touched(new_keys, new_exact, settings)
        corpus = Corpus(prior, new, earlier.texts(prior["doc_id"]), new_texts, settings)
        start = corpus.new_from
        # the rows of the keys: the earlier documents that share one with a new document, then the new ones
        positions = np.r_[np.flatnonzero(keyed), np.arange(start, len(corpus.meta))].astype(np.int64)
        keys, new_from = np.concatenate([prior_keys, new_keys]) if len(prior_keys) else new_keys, len(prior_keys)
        del new_keys, prior_keys
        exact = positions[pairs_sharing(np.concatenate([prior_exact, new_exact]))]
        exact = corpus.within_window(exact[exact[:, 1] >= start])
        candidates = corpus.within_window(positions[candidate_pairs(keys, new_from, settings, oversized)])
        del keys
        stories = grouped(corpus, exact, candidates, run_id, settings)
    give_back_freed_memory()  # the signatures' memory: Arrow, which writes the stories next, does not reuse it
    return corpus, stories


def grouped(corpus: Corpus, exact: np.ndarray, candidates: np.ndarray, run_id: str, settings) -> Stories:
    """Stories: earlier stories stay whole, exact copies join, and candidate pairs verified on their texts."""
    start = corpus.new_from
    stories = UnionFind(len(corpus.meta))
    earlier, first = pd.factorize(corpus.meta["article_id"].iloc[:start])  # earlier stories stay whole
    first_of = np.full(len(first), -1)
    for position, story in enumerate(earlier.tolist()):
        if first_of[story] < 0:
            first_of[story] = position
        stories.union(position, int(first_of[story]))
    for a, b in exact.tolist():
        stories.union(a, b)
    # verified a group of connected documents at a time: only that group's signatures are held
    nodes, component = components(candidates)
    groups = packed(component)
    pair_groups = groups[np.searchsorted(nodes, candidates[:, 0])]
    order = np.argsort(pair_groups, kind="stable")  # each group's pairs in their order
    bounds = np.searchsorted(pair_groups[order], np.arange(int(groups.max()) + 2 if len(groups) else 1))
    verifications = 0
    for group, held in corpus.signatures_by_group(nodes, groups):
        for a, b in candidates[order[bounds[group]:bounds[group + 1]]].tolist():
            if stories.find(a) != stories.find(b):
                verifications += 1
                if verified(held[a], held[b], settings) is not None:
                    stories.union(a, b)

    roots = np.array([stories.find(p) for p in range(len(corpus.meta))])
    touched = np.flatnonzero(np.isin(roots, roots[start:]))
    ranked = best_first(corpus.meta, touched, roots[touched])
    members = corpus.meta.iloc[ranked].reset_index(drop=True).assign(story_root=roots[ranked], position=ranked)
    ids, merges = story_ids(members, run_id)
    members["article_id"] = members["story_root"].map(ids)
    best = members.groupby("story_root").head(1).set_index("story_root")["position"]
    best_of = members["story_root"].map(best).to_numpy()
    compared = members["position"].to_numpy() != best_of  # the others are a story's best copy, or all of it
    similarity = np.ones(len(members))
    # a story's copies and its best copy in one group: one story's signatures, or a few, held at once
    needed, first = np.unique(np.concatenate([members["position"].to_numpy()[compared], best_of[compared]]),
                              return_index=True)
    story = np.concatenate([best_of[compared], best_of[compared]])[first]
    needed, story = needed.astype(np.int64), story.astype(np.int64)  # float when a frame had no rows
    row_of = pd.Series(np.arange(len(members)), index=members["position"].to_numpy())
    for _, held in corpus.signatures_by_group(needed, packed(story)):
        copies = held.positions[held.positions != best_of[row_of.loc[held.positions].to_numpy()]]
        rows = row_of.loc[copies].to_numpy()
        similarity[rows] = [jaccard(held[p], held[b]) for p, b in zip(copies.tolist(), best_of[rows].tolist())]
    assignments = pd.DataFrame({"doc_id": members["doc_id"].to_numpy(), "article_id": members["article_id"].to_numpy(),
                                "is_canonical": members["position"].to_numpy() == best_of, "similarity": similarity})
    # every new document is a copy merged into a story, except the first of each story that is all new
    with_earlier = set(roots[:start][np.isin(roots[:start], roots[start:])].tolist())
    copies = len(corpus.meta) - start - len(set(members["story_root"]) - with_earlier)
    articles = merged_articles(members, run_id)
    exact_copies = len(distinct(exact[:, 1]))
    return Stories(assignments=assignments, articles=articles.drop(columns="position"), merges=merges,
                   canonical=articles["position"].to_numpy(),
                   exact_copies=exact_copies, near_copies=copies - exact_copies,
                   candidates=len(candidates), verifications=verifications)


def story_ids(members: pd.DataFrame, run_id: str) -> tuple[pd.Series, pd.DataFrame]:
    """Each story's id, and the earlier ids it absorbs: the oldest earlier story keeps its id; a story of
    new documents only is named after its first document by place, not by when its batch was ingested, so
    that the runner's order of batches does not matter."""
    earlier = members.loc[members["article_id"].notna(), ["story_root", "article_id", "ingested_at", "doc_id"]]
    earlier = earlier.sort_values(["ingested_at", "doc_id"])
    keep = earlier.groupby("story_root")["article_id"].first()
    fresh = members[["story_root", "source_uri", "doc_id"]].sort_values(["source_uri", "doc_id"])
    fresh = fresh.groupby("story_root")["doc_id"].first()
    ids = keep.combine_first("a" + fresh)  # a Series by story_root: no Python object per story
    absorbed = earlier.drop_duplicates("article_id")
    absorbed = absorbed[absorbed["article_id"] != absorbed["story_root"].map(keep)]
    merges = pd.DataFrame({"article_id": absorbed["article_id"], "merged_into": absorbed["story_root"].map(keep),
                           "run_id": run_id}, columns=MERGE_COLUMNS)
    return ids, merges.reset_index(drop=True)


def merged_articles(members: pd.DataFrame, run_id: str) -> pd.DataFrame:
    """One row per story: each metadata field from the best copy that has it (members come ranked, best
    copy first, within each story), and the position of the canonical copy, whose text is to fill."""
    stories = members.groupby("story_root", sort=False)
    best = (members[["story_root", "article_id", "doc_id", "language", "word_count", "position"]]  # not whole rows
            .groupby("story_root", sort=False).head(1).set_index("story_root").sort_values("article_id"))
    titled, dated = (members.loc[members[field].notna(), ["story_root", field, "doc_id"]]  # not whole rows
                     .groupby("story_root").head(1).set_index("story_root") for field in ("title", "published_at"))
    return pd.DataFrame({
        "article_id": best["article_id"], "canonical_doc_id": best["doc_id"],
        "title": titled["title"].reindex(best.index), "title_from": titled["doc_id"].reindex(best.index),
        "published_at": dated["published_at"].reindex(best.index),
        "published_from": dated["doc_id"].reindex(best.index),
        "language": best["language"], "text": None, "word_count": best["word_count"],
        "n_copies": stories.size().reindex(best.index),
        "source_uris": source_uris(members).reindex(best.index),
        "updated_run_id": run_id, "position": best["position"],
    }).reset_index(drop=True)  # in the order of article_id, as best is


def source_uris(members: pd.DataFrame) -> pd.Series:
    """Each story's sorted source URIs (one sort of all members, not one per story)."""
    if members.empty:
        return pd.Series(dtype=object)
    ordered = members[["story_root", "source_uri"]].sort_values(["story_root", "source_uri"])
    roots = ordered["story_root"].to_numpy()
    starts = np.flatnonzero(np.r_[True, roots[1:] != roots[:-1]])
    return pd.Series([list(uris) for uris in np.split(ordered["source_uri"].to_numpy(dtype=object), starts[1:])],
                     index=roots[starts])


SPILL = pa.schema([("row", pa.int64()), ("text", pa.string())])


def stage_articles(articles: pd.DataFrame, canonical: np.ndarray, corpus: Corpus, staged: str, size: int) -> list[str]:
    """`articles` in files of `size` rows, each row with the text of its canonical copy (at `canonical`).

    The texts are read once, in the order they are stored, and spilled to a file in pieces, one per
    chunk read and batch of articles, so that each batch is then written holding its own texts only."""
    row_of = pd.Series(np.arange(len(articles)), index=canonical)
    pieces: list[list[int]] = [[] for _ in range(0, len(articles), size)]  # each batch's pieces in the spill
    # the spill is local: beside the staged files when they are on this disk, else in the temporary folder
    with TemporaryDirectory(dir=staged if files.is_local(staged) else None) as folder:
        spill = Path(folder) / "texts.arrow"
        with pa.OSFile(str(spill), "wb") as sink, pa.ipc.new_file(sink, SPILL) as writer:
            for positions, texts in corpus.texts(canonical):
                rows = row_of.loc[positions].to_numpy()
                order = np.argsort(rows)
                rows, texts = rows[order], pa.array(texts, pa.string()).take(order)
                numbers, starts = np.unique(rows // size, return_index=True)
                for number, start, end in zip(numbers.tolist(), starts.tolist(), [*starts[1:].tolist(), len(rows)]):
                    pieces[number].append(writer.stats.num_record_batches)
                    writer.write_batch(pa.record_batch([rows[start:end], texts[start:end]], schema=SPILL))
        paths = []
        with pa.OSFile(str(spill)) as source:
            reader = pa.ipc.open_file(source)
            for number, wanted in enumerate(pieces):
                texts = pa.Table.from_batches(map(reader.get_batch, wanted), SPILL).to_pandas().set_index("row")["text"]
                batch = articles.iloc[number * size:(number + 1) * size].assign(text=texts)
                paths.append(write_batch(batch, files.join(staged, f"articles-{number:05d}.parquet")))
    return paths


@task(name="dedupe", retries=0)
def dedupe_task(clean_paths: list[str], out: str, run_id: str, staging: str, settings) -> dict:
    """Assign this run's clean documents to stories; stage the stories to extract in batches."""
    new = run_documents(clean_paths)
    store = Store(out)
    texts = batch_texts(clean_paths, new.pop("batch").to_numpy(), new.pop("row").to_numpy())
    signatures = []  # a part of the signatures table per chunk, as load will commit it

    def write_signatures(rows: pa.Table) -> None:
        where = files.join(staging, f"signatures-{len(signatures):05d}.parquet")
        signatures.append(write_batch(to_arrow(rows, "signatures"), where))

    earlier = Earlier(store.dataset("documents"), store.dataset("signatures"))
    corpus, stories = find_stories(earlier, new, texts, run_id, settings, write_signatures)
    del new  # the corpus holds what it needs of it
    articles = stories.articles.assign(status="ok", reason=None, detail=None, stage=None)
    return {
        "assignments": write_batch(stories.assignments, files.join(staging, "assignments.parquet")),
        "merges": write_batch(stories.merges, files.join(staging, "merges.parquet")),
        "signatures": signatures,
        "articles": stage_articles(articles, stories.canonical, corpus, staging, settings.batch_size),
        "exact": stories.exact_copies, "near": stories.near_copies,
    }
