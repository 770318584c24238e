"""Stories: candidate pairs verified on their texts joined into connected components, earlier stories
kept whole, each story's best copy chosen, its id kept or made, and its metadata merged from its copies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from crosswire.dedupe.arrays import distinct
from crosswire.dedupe.corpus import Corpus
from crosswire.dedupe.documents import META_COLUMNS, Texts, held_texts
from crosswire.dedupe.earlier import Earlier
from crosswire.dedupe.graph import UnionFind, components, packed
from crosswire.dedupe.lsh import candidate_pairs, pairs_sharing
from crosswire.dedupe.verify import jaccard, verified
from crosswire.memory import cycle_collector_paused, give_back_freed_memory
from crosswire.schema import MERGES, SIGNATURES
from crosswire.settings import DEFAULTS, DedupeSettings, Settings


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


def assign_stories(new: pd.DataFrame, prior_docs: pd.DataFrame, prior_signatures: pa.Table,
                   run_id: str, settings: Settings = DEFAULTS) -> Stories:
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


def find_stories(earlier: Earlier, new: pd.DataFrame, new_texts: Texts, run_id: str, settings: Settings,
                 write_signatures: Callable[[pa.Table], None]) -> tuple[Corpus, Stories]:
    """Assign each of the `new` documents (texts read by `new_texts`) to a story (see assign_stories),
    handing their signatures to `write_signatures` a chunk at a time. Returns the corpus of the documents
    grouped (see Earlier) and the stories, whose text is left empty, for the caller to read from the
    canonical copies."""
    dedupe = settings.dedupe
    with cycle_collector_paused():
        # signatures are not kept: those of the documents in candidate pairs are made again, fewer at once
        new_keys, new_exact = Corpus(pd.DataFrame(columns=META_COLUMNS), new, held_texts(pd.Series()), new_texts,
                                     dedupe).new_keys(write_signatures)
        prior, keyed, prior_keys, prior_exact, oversized = earlier.touched(new_keys, new_exact, dedupe)
        corpus = Corpus(prior, new, earlier.texts(prior["doc_id"]), new_texts, dedupe)
        start = corpus.new_from
        # the rows of the keys: the earlier documents that share one with a new document, then the new ones
        positions = np.r_[np.flatnonzero(keyed), np.arange(start, len(corpus.meta))].astype(np.int64)
        keys, new_from = np.concatenate([prior_keys, new_keys]) if len(prior_keys) else new_keys, len(prior_keys)
        del new_keys, prior_keys
        exact = positions[pairs_sharing(np.concatenate([prior_exact, new_exact]))]
        exact = corpus.within_window(exact[exact[:, 1] >= start])
        candidates = corpus.within_window(positions[candidate_pairs(keys, new_from, dedupe, oversized)])
        del keys
        stories = grouped(corpus, exact, candidates, run_id, dedupe)
    give_back_freed_memory()  # the signatures' memory: Arrow, which writes the stories next, does not reuse it
    return corpus, stories


def grouped(corpus: Corpus, exact: np.ndarray, candidates: np.ndarray, run_id: str,
            settings: DedupeSettings = DEFAULTS.dedupe) -> Stories:
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
                           "run_id": run_id}, columns=MERGES.names)
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
        "first_published_at": stories["published_at"].min().reindex(best.index),
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
