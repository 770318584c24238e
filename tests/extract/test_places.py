"""Places as a reader counts them: whole words, without a possessive, and never a piece of a longer name."""

from __future__ import annotations

from crosswire.extract import extract_article


def test_a_place_that_opens_a_longer_name_is_none_and_a_day_after_a_place_leaves_it_one():
    ex = extract_article("She will receive the Golden Eagle Award. He was arrested in Santa Ana Tuesday and lives in "
                         "Mission Viejo.")
    assert ex.locations == ["Santa Ana", "Mission Viejo"]


def test_an_ner_place_is_read_to_the_end_of_its_word_and_without_its_possessive(spacy_nlp):
    ex = extract_article("The shooting happened in South Miami-Dade on Friday, and Miami-Dade County’s deputies came.",
                         nlp=spacy_nlp)
    assert {"South Miami-Dade", "Miami-Dade County"} <= set(ex.locations)
    assert not [p for p in ex.locations if p.endswith(("-", "’s"))]
