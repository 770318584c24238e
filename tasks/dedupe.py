"""Dedupe: group cleaned documents into stories, matching new documents against earlier runs' stories.

An exact pass on a normalized hash, then MinHash LSH (rensa) over whole texts and over leads for
candidates. Every candidate pair is verified on the texts themselves (same opening, agreeing titles,
shingle Jaccard or containment) and stories are the connected components of verified pairs only, so
band collisions never join anything, and the result does not depend on the order documents arrive in:
running A then B gives the same stories as one run over A and B.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import rensa
from prefect import task
from rapidfuzz import fuzz

from crosswire.staging import read_batches, write_batch
from crosswire.store import Store

SEED = 42
WORD = re.compile(r"\w+")
LEAD_WORDS = 60  # the opening words copies of one release share, whatever was added after them
OPENING_WORDS = 25  # about the first sentence: what a follow-up release on the same case rewrites
LEAD_CONTAINMENT = 0.5
MIN_OPENING = 0.9  # copies without the same headline must open with the same sentence
TITLE_MIN_RATIO = 97  # rapidfuzz ratio of normalized titles: a typo, not another word
MIN_SHARE = 0.15  # containment counts only when the shorter text is at least this share of the longer
CHUNK = 2000  # documents hashed at a time: bounds the memory of shingle strings
MERGE_COLUMNS = ["article_id", "merged_into", "run_id"]


def algorithm(settings) -> str:
    """Stored with every signature: signatures of another algorithm or version are not comparable."""
    return (f"rensa-{version('rensa')}/RMinHash-v{rensa.RMinHash.ALGORITHM_VERSION}"
            f"/word{settings.dedupe_shingle_size}/lead{LEAD_WORDS}/perm{settings.dedupe_num_perm}/seed{SEED}")


def tokens(text: str) -> list[str]:
    # \w+ tokens survive the damage scrapers do: lost spaces after full stops, joined lines, stray punctuation
    return WORD.findall(text.casefold())


def shingles(words: list[str], size: int) -> list[str]:
    """Word n-grams; a text shorter than one shingle is its own shingle."""
    if len(words) < size:
        return [" ".join(words)]
    return [" ".join(words[i:i + size]) for i in range(len(words) - size + 1)]


def exact_key(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


@dataclass(frozen=True)
class Signature:
    """Sorted shingle hashes of a text, of its lead and of its opening, and its normalized title.

    Hashes (8 bytes a shingle) rather than strings keep the signatures of 100k documents in memory."""

    shingles: np.ndarray
    lead: np.ndarray
    opening: np.ndarray
    title: str = ""


def hashed(grams: list[str]) -> np.ndarray:
    return np.unique(np.fromiter((hash(g) for g in grams), dtype=np.int64, count=len(grams)))


def signature(text: str, size: int, title: str | None = None) -> Signature:
    words = tokens(text)
    title = " ".join(tokens(title)) if isinstance(title, str) else ""
    return Signature(hashed(shingles(words, size)), hashed(shingles(words[:LEAD_WORDS], size)),
                     hashed(shingles(words[:OPENING_WORDS], size)), title)


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
    if similarity >= settings.dedupe_min_jaccard:
        return similarity
    if small >= MIN_SHARE * large and common / small >= settings.dedupe_min_containment:
        return similarity
    return None


def titles_agree(a: str, b: str) -> bool:
    """Equal give or take a typo, or one the other plus a word or two ("UPDATE: X" and "X").
    "Man convicted of X" and "Jury recommends death for man convicted of X" are two releases."""
    if fuzz.ratio(a, b) >= TITLE_MIN_RATIO:
        return True
    short, long = sorted((a, b), key=len)
    return (long.startswith(short) or long.endswith(short)) and len(long.split()) - len(short.split()) <= 2


def rank_copies(copies: pd.DataFrame) -> pd.DataFrame:
    """Best copy first: metadata completeness, then text quality, length, and earliest seen."""
    return copies.assign(
        _missing=copies["title"].isna().astype(int) + copies["published_at"].isna().astype(int),
        _junk=copies["junk_ratio"].fillna(0).astype(float).round(2),
        _length=-copies["word_count"].fillna(0).astype(int),
    ).sort_values(["_missing", "_junk", "_length", "ingested_at", "doc_id"], kind="stable")


class CandidateIndex:
    """MinHash LSH over whole texts and over leads: a copy shares one or the other with its story
    (a teaser shares the lead but, being short, only a fraction of the whole text's shingles)."""

    def __init__(self, settings):
        def make():
            return rensa.RMinHashLSH(threshold=settings.dedupe_threshold, num_perm=settings.dedupe_num_perm,
                                     num_bands=32)

        self.text, self.lead, self.keys = make(), make(), []

    def add(self, doc_ids: list[str], text_minhashes: list, lead_minhashes: list) -> None:
        start = len(self.keys)
        self.keys += doc_ids
        self.text.insert_pairs(list(enumerate(text_minhashes, start)))
        self.lead.insert_pairs(list(enumerate(lead_minhashes, start)))

    def query(self, text_minhash, lead_minhash) -> set[str]:
        return {self.keys[k] for k in [*self.text.query(text_minhash), *self.lead.query(lead_minhash)]}


def restore(states, settings) -> list:
    restored = []
    for state in states:
        minhash = rensa.RMinHash(settings.dedupe_num_perm, SEED)
        minhash.__setstate__(state)
        restored.append(minhash)
    return restored


class UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent.setdefault(item, item)
        if parent != item:
            parent = self.parent[item] = self.find(parent)
        return parent

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


@dataclass
class Stories:
    """The doc -> story assignment of one run, over the documents it touched."""

    assignments: pd.DataFrame  # doc_id, article_id, is_canonical, similarity
    articles: pd.DataFrame  # one row per new or changed story, with its merged metadata
    merges: pd.DataFrame  # article_id absorbed into merged_into
    signatures: pd.DataFrame  # new documents' signatures
    exact_copies: int = 0
    near_copies: int = 0


def hash_new(new: pd.DataFrame, settings) -> tuple[dict, list, list, list]:
    """Signatures, MinHashes of texts and leads, and exact keys of the new documents, a chunk at a time."""
    size, signatures, text_hashes, lead_hashes, keys = settings.dedupe_shingle_size, {}, [], [], []
    for start in range(0, len(new), CHUNK):
        chunk = new.iloc[start:start + CHUNK]
        words = [tokens(t) for t in chunk["text"]]
        text_grams = [shingles(w, size) for w in words]
        lead_grams = [shingles(w[:LEAD_WORDS], size) for w in words]
        text_hashes += rensa.RMinHash.from_token_sets(text_grams, settings.dedupe_num_perm, SEED)
        lead_hashes += rensa.RMinHash.from_token_sets(lead_grams, settings.dedupe_num_perm, SEED)
        keys += [exact_key(w) for w in words]
        for doc_id, w, grams, lead, title in zip(chunk["doc_id"], words, text_grams, lead_grams, chunk["title"]):
            title = " ".join(tokens(title)) if isinstance(title, str) else ""
            signatures[doc_id] = Signature(hashed(grams), hashed(lead),
                                           hashed(shingles(w[:OPENING_WORDS], size)), title)
    return signatures, text_hashes, lead_hashes, keys


def assign_stories(new: pd.DataFrame, prior_docs: pd.DataFrame, prior_signatures: pd.DataFrame,
                   run_id: str, settings) -> Stories:
    """Assign each new document to a story, creating, growing or merging stories.

    `new`: cleaned ok documents of this run (doc_id, text, title, published_at, language, junk_ratio,
    word_count, ingested_at, source_uri). `prior_docs`: ok documents of earlier runs with the same
    columns plus article_id. `prior_signatures`: their stored signatures.
    """
    new = new.sort_values(["ingested_at", "source_uri", "doc_id"], kind="stable").reset_index(drop=True)
    signatures, text_hashes, lead_hashes, keys = hash_new(new, settings)
    docs = pd.concat([prior_docs, new.assign(article_id=None)], ignore_index=True)
    docs.index = docs["doc_id"].to_numpy()

    def signature_of(doc_id: str) -> Signature:
        if doc_id not in signatures:  # a prior document: its signature is made from its stored text
            signatures[doc_id] = signature(docs.at[doc_id, "text"], settings.dedupe_shingle_size,
                                           docs.at[doc_id, "title"])
        return signatures[doc_id]

    stored = prior_signatures[(prior_signatures["algorithm"] == algorithm(settings))
                              & prior_signatures["doc_id"].isin(prior_docs["doc_id"])]
    index = CandidateIndex(settings)
    index.add(list(stored["doc_id"]), restore(stored["state"], settings), restore(stored["lead_state"], settings))
    index.add(list(new["doc_id"]), text_hashes, lead_hashes)

    stories = UnionFind()
    first_of_story: dict[str, str] = {}
    for doc_id, story in zip(prior_docs["doc_id"], prior_docs["article_id"]):  # earlier stories stay whole
        stories.union(doc_id, first_of_story.setdefault(story, doc_id))
    by_key: dict[str, list[str]] = {}
    for key, doc_id in zip(stored["exact_key"], stored["doc_id"]):
        by_key.setdefault(key, []).append(doc_id)
    exact = 0
    for position, doc_id in enumerate(new["doc_id"]):
        twins = [t for t in by_key.setdefault(keys[position], []) if within_window(docs, doc_id, t, settings)]
        exact += bool(twins)
        for twin in twins:
            stories.union(doc_id, twin)
        by_key[keys[position]].append(doc_id)
        for other in index.query(text_hashes[position], lead_hashes[position]) - {doc_id}:
            if stories.find(other) != stories.find(doc_id) and within_window(docs, doc_id, other, settings) \
                    and verified(signatures[doc_id], signature_of(other), settings) is not None:
                stories.union(doc_id, other)

    docs["story_root"] = [stories.find(d) for d in docs["doc_id"]]
    members = rank_copies(docs[docs["story_root"].isin({stories.find(d) for d in new["doc_id"]})])
    members = members.sort_values("story_root", kind="stable")  # stable: best copy first in each story
    ids, merges = story_ids(members, run_id)
    members["article_id"] = members["story_root"].map(ids)
    canonical = members.groupby("story_root").head(1).set_index("story_root")["doc_id"]
    best = members["story_root"].map(canonical)
    assignments = pd.DataFrame({
        "doc_id": members["doc_id"], "article_id": members["article_id"], "is_canonical": members["doc_id"] == best,
        "similarity": [1.0 if d == b else jaccard(signature_of(d), signature_of(b))
                       for d, b in zip(members["doc_id"], best)],
    })
    # every new document is a copy merged into a story, except the first of each story that is all new
    with_earlier = set(docs.loc[docs["article_id"].notna(), "story_root"])
    copies = len(new) - len(set(members["story_root"]) - with_earlier)
    stored_new = pd.DataFrame({
        "doc_id": new["doc_id"], "algorithm": algorithm(settings), "exact_key": keys,
        "minhash": [np.asarray(m.digest(), dtype=np.uint32) for m in text_hashes],
        "state": [m.__getstate__() for m in text_hashes],
        "lead_state": [m.__getstate__() for m in lead_hashes],
    })
    return Stories(assignments=assignments.reset_index(drop=True), articles=merged_articles(members, run_id),
                   merges=merges, signatures=stored_new, exact_copies=exact, near_copies=copies - exact)


def within_window(docs: pd.DataFrame, a: str, b: str, settings) -> bool:
    """Copies published further apart than the configured window are different stories."""
    if settings.dedupe_window_days is None:
        return True
    gap = abs(docs.at[a, "published_at"] - docs.at[b, "published_at"])
    return pd.isna(gap) or gap <= pd.Timedelta(days=settings.dedupe_window_days)


def story_ids(members: pd.DataFrame, run_id: str) -> tuple[dict[str, str], pd.DataFrame]:
    """Each story's id, and the earlier ids it absorbs: the oldest earlier story keeps its id; a story of
    new documents only is named after its first document."""
    earlier = members.dropna(subset=["article_id"]).sort_values(["ingested_at", "doc_id"])
    keep = earlier.groupby("story_root")["article_id"].first()
    fresh = members.sort_values(["ingested_at", "source_uri", "doc_id"]).groupby("story_root")["doc_id"].first()
    ids = ("a" + fresh).to_dict() | keep.to_dict()
    absorbed = earlier.drop_duplicates("article_id")
    absorbed = absorbed[absorbed["article_id"] != absorbed["story_root"].map(keep)]
    merges = pd.DataFrame({"article_id": absorbed["article_id"], "merged_into": absorbed["story_root"].map(keep),
                           "run_id": run_id}, columns=MERGE_COLUMNS)
    return ids, merges.reset_index(drop=True)


def merged_articles(members: pd.DataFrame, run_id: str) -> pd.DataFrame:
    """One row per story: the canonical copy's text, and each metadata field from the best copy that has
    it (members come ranked, best copy first, within each story)."""
    stories = members.groupby("story_root", sort=False)
    best = stories.head(1).set_index("story_root")
    titled = members.dropna(subset=["title"]).groupby("story_root").head(1).set_index("story_root")
    dated = members.dropna(subset=["published_at"]).groupby("story_root").head(1).set_index("story_root")
    return pd.DataFrame({
        "article_id": best["article_id"], "canonical_doc_id": best["doc_id"],
        "title": titled["title"].reindex(best.index), "title_from": titled["doc_id"].reindex(best.index),
        "published_at": dated["published_at"].reindex(best.index),
        "published_from": dated["doc_id"].reindex(best.index),
        "language": best["language"], "text": best["text"], "word_count": best["word_count"],
        "n_copies": stories.size().reindex(best.index),
        "source_uris": stories["source_uri"].agg(sorted).reindex(best.index),
        "updated_run_id": run_id,
    }).sort_values("article_id", ignore_index=True)


PRIOR_COLUMNS = ["doc_id", "article_id", "source_uri", "text", "title", "published_at", "language", "junk_ratio",
                 "word_count", "ingested_at"]


@task(name="dedupe", retries=0)
def dedupe_task(clean_paths: list[str], out: str, run_id: str, staging: str, settings) -> dict:
    """Assign this run's clean documents to stories; stage the stories to extract in batches."""
    new = read_batches(clean_paths)
    new = new[new["status"] == "ok"]
    store = Store(out)
    prior = store.read("documents", PRIOR_COLUMNS, filters=[("status", "==", "ok")])
    stories = assign_stories(new, prior, store.read("signatures"), run_id, settings)
    staged = Path(staging)
    articles = stories.articles.assign(status="ok", reason=None, detail=None, stage=None)
    size = settings.batch_size
    return {
        "assignments": write_batch(stories.assignments, staged / "assignments.parquet"),
        "merges": write_batch(stories.merges, staged / "merges.parquet"),
        "signatures": write_batch(stories.signatures, staged / "signatures.parquet"),
        "articles": [write_batch(articles.iloc[i:i + size], staged / f"articles-{i // size:05d}.parquet")
                     for i in range(0, len(articles), size)],
        "exact": stories.exact_copies, "near": stories.near_copies,
    }
