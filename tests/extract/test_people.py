"""People on real pages of offices the rules were not written for: names the headline gives, names the
article's own text confirms, and where a name starts after words that are not in any list."""

from __future__ import annotations

import pytest

from crosswire.clean import clean_document
from crosswire.extract import extract_article
from tests.extract.texts import CORPUS, assert_offsets

MIAMI = "miami_dade_fl/press-release_"
STATEMENT = MIAMI + (
    "for-immediate-release-statement-from-state-attorney-katherine-fernandez-rundle-regarding-the-guilty-verdic.txt"
)


def cleaned(shared, name: str):
    return clean_document((shared / CORPUS / name).read_text(encoding="utf-8"))


def test_a_person_the_headline_names_is_one_of_the_article_s_people(shared, nlp):
    page = cleaned(shared, STATEMENT)  # the statement's body never names its author
    assert "Katherine Fernandez Rundle" in page.title and "Rundle" not in page.text
    ex = extract_article(page.text, title=page.title, nlp=nlp)
    assert "Katherine Fernandez Rundle" in ex.people
    assert "Katherine Fernandez Rundle" not in extract_article(page.text, nlp=nlp).people
    assert_offsets(page.text, ex)  # the headline's name has no mention in the text


@pytest.mark.parametrize("title", ["Judge Dismisses Indictment Against Former Officer",
                                   "State Supreme Court Says Judge Abused Discretion"])
def test_title_case_headline_words_the_text_writes_in_lower_case_are_no_name(title):
    text = "The judge abused her discretion, the court said. The indictment dismisses nothing."
    assert extract_article(text, title=title).people == []
