"""Dedupe: group cleaned documents into stories, matching new documents against earlier runs' stories.

Exact pass on a normalized hash, then MinHash LSH (rensa) for candidates, each candidate verified
against the story's canonical text by shingle Jaccard or containment. A story only grows by verified
matches to its canonical copy, so unrelated texts cannot chain together through band collisions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib.metadata import version

from pathlib import Path

import pandas as pd
import rensa
from rapidfuzz import fuzz
from prefect import task

from crosswire.staging import read_batches, write_batch
from crosswire.store import Store

SEED = 42
LEAD_WORDS = 60  # the opening words that copies of one release share, whatever else was added
LEAD_CONTAINMENT = 0.5
TITLE_MIN_RATIO = 97  # rapidfuzz ratio of normalized titles: a typo, not another word
RETITLED_MIN_JACCARD = 0.95  # a re-headlined copy is near-verbatim, and opens exactly the same way
RETITLED_MIN_LEAD = 0.95
WORD = re.compile(r"\w+")
MERGE_COLUMNS = ["article_id", "merged_into", "run_id"]


def algorithm(settings) -> str:
    """Stored with every signature: signatures of another algorithm or version are not comparable."""
    return (f"rensa-{version('rensa')}/RMinHash-v{rensa.RMinHash.ALGORITHM_VERSION}"
            f"/word{settings.dedupe_shingle_size}/perm{settings.dedupe_num_perm}/seed{SEED}")


def tokens(text: str) -> list[str]:
    # \w+ tokens survive the damage scrapers do: lost spaces after full stops, joined lines, stray punctuation
    return WORD.findall(text.casefold())


@dataclass(frozen=True)
class Signature:
    """A text's shingles, those of its lead (its opening words), and its normalized title."""

    shingles: frozenset[str]
    lead: frozenset[str]
    title: str = ""


def signature(text: str, size: int, title: str | None = None) -> Signature:
    words = tokens(text)
    title = " ".join(tokens(title)) if isinstance(title, str) else ""
    return Signature(shingles(words, size), shingles(words[:LEAD_WORDS], size), title)


def shingles(words: list[str], size: int) -> frozenset[str]:
    if len(words) < size:
        return frozenset([" ".join(words)])
    return frozenset(" ".join(words[i:i + size]) for i in range(len(words) - size + 1))


def exact_key(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def verified(a: Signature, b: Signature, settings) -> float | None:
    """Similarity when `a` and `b` are copies of one release, else None.

    Both must open the same way (the lead of one found in the other), and carry the same title when
    both have one: an office's follow-up releases on one case (charged, convicted, sentenced) share long
    background passages, but not their lead or their headline. A re-headlined copy must be near-verbatim.
    Then the shingle sets must be near-equal, or the shorter one, a substantial share of the longer
    (a teaser), contained in it.
    """
    lead = max(lead_found(a, b), lead_found(b, a))
    if lead < LEAD_CONTAINMENT:
        return None
    overlap = len(a.shingles & b.shingles)
    similarity = overlap / len(a.shingles | b.shingles)
    if not titles_agree(a.title, b.title):
        return similarity if similarity >= RETITLED_MIN_JACCARD and lead >= RETITLED_MIN_LEAD else None
    if similarity >= settings.dedupe_min_jaccard:
        return similarity
    small, large = sorted((len(a.shingles), len(b.shingles)))
    if small >= 0.25 * large and overlap / small >= settings.dedupe_min_containment:
        return similarity
    return None


def titles_agree(a: str, b: str) -> bool:
    """Missing titles agree with anything; otherwise they must be equal give or take a typo, or one the
    other plus a word or two ("UPDATE: X" and "X"). "Man convicted of X" and "Jury recommends death
    for man convicted of X" are two releases."""
    if not a or not b or fuzz.ratio(a, b) >= TITLE_MIN_RATIO:
        return True
    short, long = sorted((a, b), key=len)
    return (long.startswith(short) or long.endswith(short)) and len(long.split()) - len(short.split()) <= 2


def lead_found(a: Signature, b: Signature) -> float:
    return len(a.lead & b.shingles) / len(a.lead)


def canonical_rank(doc: pd.Series) -> tuple:
    """Best copy first: metadata completeness, then text quality, length, and earliest seen."""
    return (
        -(pd.notna(doc.get("title")) + pd.notna(doc.get("published_at"))),
        round(float(doc.get("junk_ratio") or 0.0), 2),
        -int(doc.get("word_count") or 0),
        doc.get("ingested_at"),
        doc["doc_id"],
    )


@dataclass
class Stories:
    """The doc -> story assignment of one run, over the documents it touched."""

    assignments: pd.DataFrame  # doc_id, article_id, is_canonical, similarity
    articles: pd.DataFrame  # one row per new or changed story, with its merged metadata
    merges: pd.DataFrame  # article_id absorbed into merged_into
    signatures: pd.DataFrame  # new documents' signatures
    exact_copies: int = 0
    near_copies: int = 0


def minhashes(token_sets: list, settings) -> list:
    return rensa.RMinHash.from_token_sets([list(t) for t in token_sets], settings.dedupe_num_perm, SEED)


def restore(states, settings) -> list:
    restored = []
    for state in states:
        minhash = rensa.RMinHash(settings.dedupe_num_perm, SEED)
        minhash.__setstate__(state)
        restored.append(minhash)
    return restored


class CandidateIndex:
    """MinHash LSH over whole texts and over leads: a copy shares one or the other with its story
    (a teaser shares the lead but, being short, only a fraction of the whole text's shingles)."""

    def __init__(self, settings):
        make = lambda: rensa.RMinHashLSH(threshold=settings.dedupe_threshold, num_perm=settings.dedupe_num_perm,
                                         num_bands=32)
        self.text, self.lead, self.keys = make(), make(), []

    def add(self, doc_ids: list[str], text_minhashes: list, lead_minhashes: list) -> None:
        start = len(self.keys)
        self.keys += doc_ids
        self.text.insert_pairs(list(enumerate(text_minhashes, start)))
        self.lead.insert_pairs(list(enumerate(lead_minhashes, start)))

    def query(self, text_minhash, lead_minhash) -> set[str]:
        return {self.keys[k] for k in [*self.text.query(text_minhash), *self.lead.query(lead_minhash)]}


def assign_stories(new: pd.DataFrame, prior_docs: pd.DataFrame, prior_signatures: pd.DataFrame,
                   run_id: str, settings) -> Stories:
    """Assign each new document to a story, creating, growing or merging stories.

    `new`: cleaned ok documents of this run (doc_id, text, title, published_at, language, junk_ratio,
    word_count, ingested_at, source_uri). `prior_docs`: ok documents of earlier runs with the same
    columns plus article_id. `prior_signatures`: their stored signatures.
    """
    new = new.sort_values(["ingested_at", "source_uri", "doc_id"], kind="stable").reset_index(drop=True)
    size = settings.dedupe_shingle_size
    new_sets = [signature(t, size, title) for t, title in zip(new["text"], new["title"])]
    new_minhashes = minhashes([s.shingles for s in new_sets], settings)
    new_leads = minhashes([s.lead for s in new_sets], settings)
    new_keys = [exact_key(tokens(t)) for t in new["text"]]

    prior_signatures = prior_signatures[prior_signatures["algorithm"] == algorithm(settings)]
    prior_signatures = prior_signatures[prior_signatures["doc_id"].isin(prior_docs["doc_id"])]
    prior_ids = list(prior_signatures["doc_id"])
    story_of: dict[str, str] = dict(zip(prior_docs["doc_id"], prior_docs["article_id"]))
    docs = pd.concat([prior_docs, new.assign(article_id=None)], ignore_index=True).set_index("doc_id", drop=False)
    sets: dict[str, Signature] = dict(zip(new["doc_id"], new_sets))

    def signature_of(doc_id: str) -> Signature:
        if doc_id not in sets:
            sets[doc_id] = signature(docs.at[doc_id, "text"], size, docs.at[doc_id, "title"])
        return sets[doc_id]

    index = CandidateIndex(settings)
    index.add(prior_ids, restore(prior_signatures["state"], settings), restore(prior_signatures["lead_state"], settings))
    index.add(list(new["doc_id"]), new_minhashes, new_leads)
    by_exact = dict(zip(prior_signatures["exact_key"], prior_ids))

    canonical: dict[str, str] = {}  # story -> canonical doc id
    for doc_id, story in story_of.items():
        if story not in canonical or canonical_rank(docs.loc[doc_id]) < canonical_rank(docs.loc[canonical[story]]):
            canonical[story] = doc_id
    members: dict[str, list[str]] = {}
    for doc_id, story in story_of.items():
        members.setdefault(story, []).append(doc_id)

    touched, merges, exact, near = set(), [], 0, 0
    for position, doc_id in enumerate(new["doc_id"]):
        key = new_keys[position]
        matched: list[str] = []
        if key in by_exact:
            matched = [story_of[by_exact[key]]]
            exact += 1
        else:
            found = index.query(new_minhashes[position], new_leads[position])
            candidates = {story_of[d] for d in found if d in story_of}
            matched = sorted(s for s in candidates
                             if verified(new_sets[position], signature_of(canonical[s]), settings) is not None)
            near += bool(matched)
        by_exact.setdefault(key, doc_id)
        if not matched:
            story = f"a{doc_id}"
            canonical[story], members[story] = doc_id, []
        else:
            story = min(matched, key=lambda s: (docs.at[canonical[s], "ingested_at"], s))  # the oldest keeps its id
            for absorbed in matched:
                if absorbed != story:
                    merges.append({"article_id": absorbed, "merged_into": story, "run_id": run_id})
                    for member in members.pop(absorbed):
                        story_of[member] = story
                        members[story].append(member)
                    canonical.pop(absorbed)
        story_of[doc_id] = story
        members[story].append(doc_id)
        if canonical_rank(docs.loc[doc_id]) < canonical_rank(docs.loc[canonical[story]]):
            canonical[story] = doc_id
        touched.add(story)
    touched -= {m["article_id"] for m in merges}

    assignments, articles = [], []
    for story in sorted(touched):
        best = canonical[story]
        for member in members[story]:
            similarity = 1.0 if member == best else jaccard(signature_of(member).shingles, signature_of(best).shingles)
            assignments.append({"doc_id": member, "article_id": story, "is_canonical": member == best,
                                "similarity": similarity})
        articles.append(merged_article(story, best, docs.loc[members[story]], run_id))
    signatures = pd.DataFrame({
        "doc_id": new["doc_id"], "algorithm": algorithm(settings), "exact_key": new_keys,
        "minhash": [m.digest() for m in new_minhashes], "state": [m.__getstate__() for m in new_minhashes],
        "lead_state": [m.__getstate__() for m in new_leads],
    })
    return Stories(
        assignments=pd.DataFrame(assignments, columns=["doc_id", "article_id", "is_canonical", "similarity"]),
        articles=pd.DataFrame(articles), merges=pd.DataFrame(merges, columns=MERGE_COLUMNS),
        signatures=signatures, exact_copies=exact, near_copies=near,
    )


def merged_article(story: str, canonical_id: str, copies: pd.DataFrame, run_id: str) -> dict:
    """The story's row: canonical text, and each metadata field from the best copy that has it."""
    ranked = sorted((row for _, row in copies.iterrows()), key=canonical_rank)
    best = next(row for row in ranked if row["doc_id"] == canonical_id)
    with_title = next((row for row in ranked if pd.notna(row.get("title"))), None)
    with_date = next((row for row in ranked if pd.notna(row.get("published_at"))), None)
    return {
        "article_id": story, "canonical_doc_id": canonical_id,
        "title": with_title["title"] if with_title is not None else None,
        "title_from": with_title["doc_id"] if with_title is not None else None,
        "published_at": with_date["published_at"] if with_date is not None else pd.NaT,
        "published_from": with_date["doc_id"] if with_date is not None else None,
        "language": best.get("language"), "text": best["text"], "word_count": best.get("word_count"),
        "n_copies": len(copies), "source_uris": sorted(copies["source_uri"]), "updated_run_id": run_id,
    }


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
