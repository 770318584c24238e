"""People on real pages of offices the rules were not written for: names the headline gives, names the
article's own text confirms (a surname it uses alone, a list with a person's name), names that open with a
known given name, and where a name starts after words that are not in any list."""

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


ACCOUNTANT = "riverside_ca/news_riverside-county-das-office-forensic-accountant-appointed-southern-california-fraud.txt"
DISMISSALS = "riverside_ca/news_more-500-criminal-case-dismissals-countywide.txt"
CONDO = MIAMI + "for-immediate-release-former-condo-property-manager-charged-in-alleged-ghost-employee-scheme.txt"


@pytest.mark.parametrize("page, person", [
    (ACCOUNTANT, "David Wall"),  # "Forensic Accountant David Wall" ... "Wall has been", "said Wall."
    (DISMISSALS, "Steven James Flores"),  # "the People v. Steven James Flores" ... "Flores was previously convicted"
    (CONDO, "Yissely Herrouet"),  # "thirty-seven-year-old Yissely Herrouet" ... "Herrouet is being charged"
])
def test_a_surname_the_text_uses_alone_as_a_person_confirms_the_full_name(shared, page, person):
    ex = extract_article(cleaned(shared, page).text)  # rules only: no NER model to name them
    assert person in ex.people
    assert_offsets(cleaned(shared, page).text, ex)


def test_the_speaker_of_a_quote_is_the_person_the_text_confirms(shared):
    ex = extract_article(cleaned(shared, ACCOUNTANT).text)
    assert {q["quote"][:20]: q["speaker"] for q in ex.quotes}["I am honored to join"] == "David Wall"


def test_capitalised_words_the_text_uses_alone_as_things_are_no_person(shared):
    # "the Prius as well", "Miami-Dade’s tight-knit", "Association, which": no surname stands there
    ex = extract_article(cleaned(shared, STATEMENT).text)
    assert not [p for p in ex.people if p.split()[-1] in ("Causeway", "Miami-Dade", "Association")]
    assert "Despite Kadel Piedrahita" not in ex.people


@pytest.mark.parametrize("words, name", [
    ("Forensic Accountant David Wall", "David Wall"),
    ("Katherine Fernandez Rundle", "Katherine Fernandez Rundle"),
    ("Property Appraiser Tomás Regalado", "Tomás Regalado"),  # a given name without its accent
    ("Yissely Herrouet", "Yissely Herrouet"),
    ("Tax Collector Dariel Rodriguez Fernandez", "Rodriguez Fernandez"),  # none known: the last two of four
])
def test_a_name_starts_at_its_first_given_name(words, name):
    from crosswire.extract.names import name_start

    tokens = words.split()
    assert " ".join(tokens[name_start(tokens):]) == name


def test_the_other_names_of_a_list_a_person_is_in_are_people(shared):
    page = cleaned(shared, "riverside_ca/news_corona-area-man-sentenced-crash-killed-three-teen-boys.txt")
    ex = extract_article(page.text)  # "Daniel Hawkins, Jacob Ivascu, and Drake Ruiz, all 16, were killed."
    assert {"Daniel Hawkins", "Jacob Ivascu", "Drake Ruiz"} <= set(ex.people)


def test_a_residence_after_an_age_is_no_name_of_the_list(shared):
    page = cleaned(shared, "orange_ca/press_media-advisory-joshua-acosta-and-frank-felix-charges.txt")
    ex = extract_article(page.text)  # "Joshua Charles Acosta, 21, Fort Irwin, and Frank Sato Felix, 25, Sun Valley"
    assert {"Joshua Charles Acosta", "Frank Sato Felix"} <= set(ex.people)
    assert "Fort Irwin" not in ex.people


def test_an_abbreviated_title_is_no_part_of_the_name(nlp):
    ex = extract_article("The case was handled by ADA Jane Guio of the Family Violence Division.", nlp=nlp)
    assert ex.people == ["Jane Guio"]
    assert [m["role"] for m in ex.mentions if m["kind"] == "person"] == ["ADA"]


GOLDEN_EAGLE = MIAMI + "state-attorney-katherine-fernandez-rundle-to-receive-the-golden-eagle-award.txt"
HOA = MIAMI + "for-immediate-release-hammocks-controller-accountant-charged-in-hoa-thefts.txt"


@pytest.mark.parametrize("page, people", [
    # "Miami-Dade County Supervisor of Elections Alina Garcia": a job no list holds before her name
    (GOLDEN_EAGLE, {"Alina Garcia"}),
    # "former HOA board member Monica Ghilardi", "witness Dante Chauca"
    (HOA, {"Monica Ghilardi", "Dante Chauca"}),
    # "the People v. Paul Phillip Powers": a given name before a given name and a surname is a middle name
    (DISMISSALS, {"Paul Phillip Powers"}),
])
def test_a_name_that_opens_with_a_known_given_name_is_a_person(shared, page, people):
    ex = extract_article(cleaned(shared, page).text)
    assert people <= set(ex.people)


def test_a_given_name_before_a_place_noun_makes_no_person(shared):
    from tests.extract.test_corpus import WRONG_WAY

    ex = extract_article(cleaned(shared, WRONG_WAY).text)  # "Knott’s Berry Farm": "Berry" is a given name
    assert not [p for p in ex.people if p.endswith("Farm")]
