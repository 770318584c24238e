"""Fixtures of the extract tests: the spaCy model, and each test run with and without it."""

from __future__ import annotations

import pytest

from crosswire.extract import load_nlp


@pytest.fixture(scope="session")
def spacy_nlp():
    nlp, mode = load_nlp("auto")
    if nlp is None:
        pytest.skip("no spaCy model installed")
    return nlp


@pytest.fixture(params=["rules", "spacy"])
def nlp(request):
    """Each test runs with the knowledge base and rules alone, and with the spaCy model."""
    return None if request.param == "rules" else request.getfixturevalue("spacy_nlp")
