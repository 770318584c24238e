"""Language identification: py3langid's own answers, counted at once with NumPy; py3langid's pinned version."""

from __future__ import annotations

import numpy as np
import py3langid

from crosswire.clean.language import identifier
from tests.clean.helpers import CORPUS, pinned_and_installed


def test_py3langid_is_the_pinned_version():
    """crosswire.clean.language reads py3langid's internals (its automaton and model tables, checked below
    on the version it ships): py3langid is pinned exactly, and an upgrade must go through these tests."""
    pinned, installed = pinned_and_installed("py3langid")
    assert pinned is not None, "pyproject.toml must pin py3langid exactly (py3langid==X.Y.Z)"
    assert installed == pinned


def test_language_scores_are_py3langids(shared, seeds):
    """The language identifier counts n-grams all at once, not byte by byte: on corpus openings, later
    passages, the seeds and odd inputs it gives py3langid's own language and score."""
    texts = [text[start:start + 600] for office in sorted((shared / CORPUS).iterdir()) if office.is_dir()
             for f in sorted(office.glob("*.txt"))[:100] for text in [f.read_text(encoding="utf-8")]
             for start in (0, 1500)]
    texts += [*seeds.values(), "", " ", "A", "IN ALL CAPITALS", "été", "Ελλάδα", "日本語のテキスト", "\ud800x", "\x00"]
    assert len(texts) > 1000
    assert [t for t in texts if identifier().classify(t) != py3langid.classify(t)] == []


def test_language_automaton_state_depends_on_the_last_six_bytes():
    """What makes the at-once counting exact: py3langid's automaton is Aho-Corasick over n-grams of at most
    6 bytes, checked on every transition. Each state is labelled by the bytes that first reach it; it moves
    to its child on the child's last byte, and on any other byte as the state of its label's longest
    proper suffix moves."""
    model = identifier()
    moves = np.frombuffer(model.tk_nextmove, dtype=model.tk_nextmove.typecode)
    rows = moves.reshape(-1, 256)[np.asarray(model.tk_row)]  # state -> next state by byte
    depth, key = np.full(len(rows), -1), np.zeros(len(rows), dtype=np.int64)  # label: `depth` bytes in `key`
    depth[0], frontier = 0, np.array([0])
    while len(frontier):
        new, first = np.unique(rows[frontier].ravel(), return_index=True)
        new, first = new[depth[new] < 0], first[depth[new] < 0]
        parent = frontier[first // 256]
        depth[new], key[new] = depth[parent] + 1, key[parent] * 256 + first % 256
        frontier = new
    assert (depth >= 0).all() and depth.max() == 6
    state = {(d, k): s for s, (d, k) in enumerate(zip(depth.tolist(), key.tolist()))}
    suffix = [0] + [next(state[(m, k % 256**m)] for m in range(d - 1, -1, -1) if (m, k % 256**m) in state)
                    for d, k in zip(depth[1:].tolist(), key[1:].tolist())]
    expected = rows[suffix]
    children = np.arange(1, len(rows))
    parents = [state[(d - 1, k // 256)] for d, k in zip(depth[1:].tolist(), key[1:].tolist())]
    expected[parents, key[children] % 256] = children
    assert np.array_equal(expected, rows)
