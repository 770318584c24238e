"""Signatures: short texts, pair verification, signatures held a group at a time, and the algorithm id."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd

from crosswire.dedupe import Corpus, algorithm, held_texts, packed, signature, tokens, verified
from crosswire.settings import DedupeSettings, Settings
from tests.dedupe.helpers import SETTINGS, doc

FIVE = DedupeSettings(shingle_size=5)  # shingles of five words


def test_short_texts_are_their_own_shingle():
    short = signature("Case dismissed.", settings=FIVE)
    assert len(short.shingles) == len(short.lead) == len(short.opening) == 1
    assert len(signature("One two three four five six", settings=FIVE).shingles) == 2
    assert verified(signature("a b", settings=FIVE), signature("a b c", settings=FIVE), SETTINGS.dedupe) is None
    assert verified(signature("Case dismissed.", settings=FIVE), signature("case  dismissed", settings=FIVE),
                    SETTINGS.dedupe) == 1.0


def test_signatures_come_back_by_group_as_made(corpus_bodies):
    docs = pd.DataFrame([doc(f"o{i}", text, title=title) for i, (title, text) in enumerate(corpus_bodies[:12])])
    prior = pd.DataFrame(columns=list(docs.columns) + ["article_id"])
    # texts read 4 at a time: a group's signatures span read chunks
    corpus = Corpus(prior, docs, held_texts(prior["text"], chunk=4), held_texts(docs["text"], chunk=4),
                    SETTINGS.dedupe)
    expected = {p: signature(text, title, SETTINGS.dedupe) for p, (text, title)
                in enumerate(zip(corpus.texts_at(np.arange(12)), corpus.meta["title"]))}
    positions = np.array([11, 0, 3, 7, 8, 2, 5, 9, 1])
    units = np.array([1, 2, 1, 3, 2, 3, 1, 4, 4])  # components or stories: kept together
    groups = packed(units, size=4)
    assert all(len(set(groups[units == unit])) == 1 for unit in set(units))
    seen = {}
    for group, held in corpus.signatures_by_group(positions, groups):
        assert sorted(held.positions.tolist()) == sorted(positions[groups == group].tolist())
        assert (groups == group).sum() <= 4 or len(set(units[groups == group])) == 1
        seen |= {p: held[p] for p in held.positions.tolist()}
    assert sorted(seen) == sorted(positions.tolist())
    assert all(seen[p].title == expected[p].title and all(
        np.array_equal(getattr(seen[p], f), getattr(expected[p], f)) for f in ("shingles", "lead", "opening"))
        for p in seen)


def test_the_algorithm_id_names_what_stored_digests_depend_on():
    """Stored with every signature: the defaults give today's id (words without their accents since
    "hashed-words-unaccented"), and a knob that changes the digests changes it, so that earlier signatures are
    made again (see Earlier)."""
    assert algorithm(SETTINGS.dedupe).endswith("/hashed-words-unaccented/word5/lead60/perm128/seed42")
    assert algorithm(Settings(dedupe={"lead_words": 40}).dedupe) != algorithm(SETTINGS.dedupe)
    assert algorithm(Settings(dedupe={"min_jaccard": 0.7}).dedupe) == algorithm(SETTINGS.dedupe)


def test_the_package_imports_neither_prefect_nor_great_expectations():
    code = ("import sys, crosswire.dedupe; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('prefect', 'great_expectations')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_copy_that_lost_its_accents_has_the_same_words():
    assert tokens("El Departamento de Policía de Dallas arrestó a “José” Núñez.") == tokens(
        'El Departamento de Policia de Dallas arresto a "Jose" Nunez.')
