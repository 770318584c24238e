"""The package's shape: its public names, and where its word lists come from."""

from __future__ import annotations

import crosswire.clean
from crosswire.clean import patterns
from crosswire.vocabulary import vocabulary


def test_every_public_name_is_exported():
    assert sorted(crosswire.clean.__all__) == crosswire.clean.__all__
    assert all(hasattr(crosswire.clean, name) and not name.startswith("_") for name in crosswire.clean.__all__)


def test_word_lists_are_read_from_the_data_file():
    words = vocabulary("clean")
    assert patterns.UI_LINES == frozenset(words["ui_lines"]) and "skip to main content" in patterns.UI_LINES
    assert patterns.HANGING_WORDS == words["hanging_words"] and patterns.STOPWORDS == frozenset(words["stopwords"])
    assert all(w == w.lower() for w in [*words["ui_lines"], *words["hanging_words"], *words["stopwords"]])
