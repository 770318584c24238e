"""The quality gate: extraction on the hand labels and main text on the article-extraction benchmark may not
fall below the floors of tests/quality_floors.json (the measured figures less a margin), nor the main text
below trafilatura's defaults measured in the same run. Needs ../shared (skips without it)."""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import REPO

FLOORS = json.loads((REPO / "tests" / "quality_floors.json").read_text(encoding="utf-8"))
FIELDS = ["title", "published", "dateline", "organizations", "people", "locations", "speakers"]


@pytest.fixture(scope="module")
def benchmarks(shared):
    sys.path.insert(0, str(REPO / "benchmarks"))
    import clean_aeb
    import generalize

    return generalize, clean_aeb


@pytest.mark.parametrize("model", ["rules", "auto"])
def test_extraction_on_the_labels_stays_above_its_floors(benchmarks, model):
    generalize, _ = benchmarks
    measured = generalize.labelled_scores(model)
    low = [f"{name} {field}: {value:.3f} < {floor - FLOORS['margin']:.3f}"
           for name, values in measured.items() for field, value in zip(FIELDS, values)
           if value is not None and value < (floor := FLOORS[model][name][field]) - FLOORS["margin"]]
    assert low == []


def test_main_text_stays_above_its_floor_and_the_library_it_wraps(benchmarks):
    _, clean_aeb = benchmarks
    pages, truths = clean_aeb.load_pages()
    scores = {name: clean_aeb.score(truths, {page: extract(html) or "" for page, html in pages.items()})["f1"]
              for name, extract in clean_aeb.extractors().items()}
    ours, library = scores["crosswire clean_document"], scores["trafilatura defaults"]
    assert ours >= library and ours >= FLOORS["main_text"]["article_extraction_f1"] - 0.004
