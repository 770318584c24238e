"""Pages saved without their line breaks: the slice's releases run together on one line, with and without a
space where an element ends, still clean to their text."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from crosswire.clean import clean_document
from crosswire.clean.segments import (
    _SENTENCE_END,
    _WORD_BEFORE,
    _abbreviations,
    _ends_sentence,
    prose_run,
    ran_together,
    segments,
)


def word_f1(truth: str, text: str) -> float:
    want, got = Counter(re.findall(r"\w+", truth.lower())), Counter(re.findall(r"\w+", text.lower()))
    tp = sum((want & got).values())
    return 2 * tp / (sum(want.values()) + sum(got.values())) if tp else 0.0


@pytest.mark.parametrize("joiner", [" ", ""], ids=["spaced", "glued"])
def test_a_release_run_together_on_one_line_keeps_its_text(corpus_slice, joiner):
    scores = []
    for office in corpus_slice.values():
        for page in office.values():
            lined = clean_document(page)
            if not lined.is_article:
                continue
            one = clean_document(joiner.join(line.strip() for line in page.splitlines() if line.strip()))
            assert one.is_article, page[:80]
            scores.append(word_f1(lined.text, one.text))
    assert len(scores) == 14 and min(scores) > 0.5 and sum(scores) / len(scores) > 0.85


def test_pages_written_in_lines_are_not_cut(corpus_slice):
    for office in corpus_slice.values():
        for page in office.values():
            lines = [" ".join(line.split()) for line in page.splitlines()]
            total = sum(len(line.split()) for line in lines)
            assert not any(ran_together(line, 400, 60, total) for line in lines)


def test_segments_end_at_sentences_not_at_abbreviations_and_before_datelines():
    run = ("Skip to main contentHomeNewsJury Convicts Man June 3, 2026 LOS ANGELES, Calif. – A jury convicted "
           "John F. Smith of fraud on Tuesday. The U.S. Attorney said the case was strong. Read More")
    cut = segments([run], [], lambda line: True)
    lead, second = "LOS ANGELES, Calif. – A jury convicted John F. Smith of fraud on Tuesday.", \
        "The U.S. Attorney said the case was strong."
    assert lead in cut and second in cut and "June 3, 2026" in cut
    assert cut[0] == "Skip to main content" and cut[-1] == "Read More"
    assert prose_run(["Home About News Contact", "Jury Convicts Man", lead, second, "Related Posts Another Title"]) == (2, 4)


def test_a_body_whose_sentences_were_glued_keeps_its_lists_and_tables(corpus_slice):
    """The seed's damage on the slice's releases: every sentence glued to the next across paragraphs, so that
    a body is a few long lines between the lines of its lists and tables, which count nothing. (The words
    of a glued lead before its first cut can still be lost: the floors are today's figures.)"""
    scores = []
    for office in corpus_slice.values():
        for page in office.values():
            lined = clean_document(page)
            if lined.is_article:
                glued = re.sub(r"([.!?][”\"’]?)\s+(?=[“\"A-Z])", r"\1", lined.text)
                copy = clean_document(glued + "\n1 / 8\n   \n")
                scores.append(word_f1(lined.text, copy.text if copy.is_article else ""))
    assert len(scores) == 14 and min(scores) > 0.6 and sum(scores) / len(scores) > 0.9
    assert prose_run(["Home About", "A jury convicted the man of fraud on Tuesday.", "Defendant", "Charges",
                      "John Smith, 35, Anaheim", "The judge set the sentencing for June 3."],
                     frozenset({"Defendant", "Charges", "John Smith, 35, Anaheim"})) == (1, 6)


def test_the_word_before_a_stop_is_the_one_a_reading_from_the_line_start_finds(corpus_slice):
    """A stop's word is read from the last space before it: on the slice's releases run together, every
    sentence end is told as a search of the line from its start tells it."""
    ends = 0
    for office in corpus_slice.values():
        for page in office.values():
            run = " ".join(line.strip() for line in page.splitlines() if line.strip())
            for m in _SENTENCE_END.finditer(run):
                word = _WORD_BEFORE.search(run[:m.start() + 1])
                token = word[1].rstrip(".").lower() if word else None
                expected = token is None or (len(token) > 1 and token not in _abbreviations())
                assert _ends_sentence(run, m.start() + 1) == expected
                ends += 1
    assert ends > 200
