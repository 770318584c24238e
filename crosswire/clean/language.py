"""Language identification: py3langid's classifier over the opening of the text, its n-gram counting done
with NumPy. It reads py3langid's internals (its automaton and model tables), so py3langid is pinned
exactly in pyproject.toml, and tests/clean check the installed version against the pin."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import py3langid
from py3langid.langid import LanguageIdentifier


def language_of(text: str, chars: int) -> str | None:
    """Language (ISO 639-1) of the opening `chars` characters (CleanSettings.language_chars: 600):
    py3langid's time grows with the text, and on the shared corpus the opening 600 characters name the
    same language as the first 2,000 characters on all but two bilingual pages of 6,786."""
    return identifier().classify(text[:chars])[0] if text else None


class _LanguageIdentifier(LanguageIdentifier):
    """py3langid's classifier, its byte n-gram counts taken at every position at once with NumPy instead of
    a Python step per byte. Its automaton is Aho-Corasick over n-grams of at most 6 bytes (checked on every
    transition of the model py3langid 0.4.0 ships), so the state at a byte is the one reached from the start
    over the last 6 bytes alone; the counts, and so the scores, are those of py3langid's own walk."""

    __slots__ = ("_moves", "_rows", "_outputs", "_float16_bits", "_float32")
    _SPAN = 6  # bytes of the longest n-gram

    def _raw_score(self, text: bytes):
        codes = np.frombuffer(text, dtype=np.uint8).astype(np.intp)
        n = len(codes)
        states = np.zeros(n, dtype=np.intp)
        for back in range(min(self._SPAN, n) - 1, -1, -1):  # each position steps over its last bytes, oldest first
            states[back:] = self._moves[self._rows[states[back:]] + codes[: n - back]]
        features = self._outputs[states]
        features = features[features >= 0]
        if not len(features):
            return super()._raw_score(text)
        ids, first, counts = np.unique(features, return_index=True, return_counts=True)
        order = np.argsort(first)  # py3langid sums the features in the order first seen
        # its float16 table cast to float32 by lookup: the cast its matmul makes, at half the cost
        table = self._float32.take(self._float16_bits[ids[order]])
        return np.log1p(counts[order].astype(np.float32)) @ table + self.nb_pc


@lru_cache(maxsize=1)
def identifier() -> LanguageIdentifier:
    """The classifier (loaded once): `identifier().classify(text)` gives py3langid's (language, score)."""
    classifier = _LanguageIdentifier.from_model_file(py3langid.langid.MODEL_FILE)
    classifier._moves = np.frombuffer(classifier.tk_nextmove, dtype=classifier.tk_nextmove.typecode)
    classifier._rows = np.asarray(classifier._rowbase, dtype=np.intp)
    classifier._outputs = np.asarray(classifier.tk_output, dtype=np.intp)
    classifier._float16_bits = classifier.nb_ptc.view(np.uint16)
    classifier._float32 = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)
    return classifier
