"""Text repair: mojibake, Unicode normal form, odd spaces, the ftfy fast path, glued sentences."""

from __future__ import annotations

import unicodedata

import pytest

from crosswire.clean import repair, unglue
from crosswire.clean.patterns import FTFY_CAN_CHANGE
from crosswire.clean.repairs import fix_line, ftfy_keeps
from tests.clean.helpers import corpus_file, corpus_lines


def test_repair_fixes_mojibake_and_spaces_but_keeps_curly_quotes(seeds):
    published = seeds["published"]
    mojibake = published.encode("utf-8").decode("cp1252", errors="replace")
    assert "â€™" in mojibake
    fixed = repair(mojibake)
    assert "INTERPOL’s" in fixed and "“We are here" in fixed and "Jürgen" in fixed
    assert "\u00a0" not in repair(seeds["scraped"])


@pytest.mark.parametrize(
    "glued, expected",
    [
        ("cybercrime and other transnational threats.The growing trend", "threats. The growing"),
        ("law enforcement response.“We are here", "response. “We are"),
        ("a terrorist attack,” said Secretary General Stock.“Over the past", "Stock. “Over"),
        ("against global threats.”The series", "threats.” The series"),
        ("and the UNODC.This is the fifth edition", "UNODC. This is"),
    ],
)
def test_unglue_splits_sentences_a_scraper_joined(glued, expected):
    assert expected in unglue(glued)


@pytest.mark.parametrize(
    "text",
    [
        "the U.S. Attorney’s Office and the U.S.Marshals",
        "e.g. a decimal like 1.5 percent or .26 percent",
        "visit www.facesoffentanyl.net or https://ocdistrictattorney.gov/News.Today",
        "Claire.Crouch@DallasCounty.org",
        "SANTA ANA, Calif. – The Orange County District Attorney",
    ],
)
def test_unglue_leaves_abbreviations_numbers_and_addresses_alone(text):
    assert unglue(text) == text


def test_repair_composes_decomposed_accents(shared):
    raw = corpus_file(shared, "dallas_tx", "Assets_uploads_docs_district-attorney_press-release_2023_Jeffrey_20Wheat_20Release_20DCDAO_20spanish_pdf.txt")
    decomposed = unicodedata.normalize("NFD", raw)
    assert decomposed != raw and "Prolífico" not in decomposed
    assert repair(decomposed) == repair(raw) and "Prolífico Violador" in repair(decomposed)


def test_lines_repair_passes_over_are_lines_ftfy_leaves_as_they_are(shared):
    """repair skips ftfy on lines of certain punctuation and accented letters: on every such line of the
    corpus, ftfy (as repair calls it) changes nothing."""
    lines = corpus_lines(shared, 60)
    skipped = [line for line in lines if FTFY_CAN_CHANGE.search(line) and ftfy_keeps(line)]
    assert len(skipped) > 1000
    assert [line for line in skipped if fix_line.__wrapped__(line) != line] == []
