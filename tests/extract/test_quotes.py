"""Who said a quote when the attribution is not where the rules of style put it."""

from __future__ import annotations

from crosswire.extract import extract_article


def speakers(text: str, nlp=None) -> list[tuple[str, str | None]]:
    return [(q["quote"].split()[0], q["speaker"]) for q in extract_article(text, nlp=nlp).quotes]


def test_a_quote_after_an_attribution_naming_a_relative_goes_on_with_its_speaker():
    text = ("Judge Valerie Navarro heard the families. “Every day we sense the absence of this young man,” said Craig "
            "Hawkins, Daniel’s father. “The hole in our hearts and lives from the taking of our son’s life is staggering.”")
    assert speakers(text) == [("Every", "Craig Hawkins"), ("The", "Craig Hawkins")]


def test_an_attribution_left_inside_the_closing_mark_names_the_speaker():
    """The speaker is named only inside the quote; another officer of his department is named outside it."""
    text = ("State Attorney Jane Roe and Police Chief Manuel A. Morales announce the charging of City of Miami Police "
            "Officer Zamir Vargas.\n\n"
            "“The City of Miami Police Department can confirm the arrest of one of our members, Ofc. Zamir Vargas, "
            "following an internal investigation, said City of Miami Police Chief Manuel A. Morales.”\n\n“As Chief "
            "of Police, I want to make it clear that we hold ourselves to the same standards we ask of our community.”")
    assert speakers(text) == [("The", "Manuel A. Morales"), ("As", "Manuel A. Morales")]


def test_the_speaker_before_a_quote_is_the_subject_of_the_speech_verb(spacy_nlp):
    text = ("Dante Chauca later confronted Jesus Cue about the company because Chauca was worried about his taxes, "
            "and Cue told him directly “not to worry about it.”\n\nState Attorney Jane Roe, joined by Police Chief "
            "John Poe, said: “No homeowner should have to worry about how their association handles its funds.”")
    assert speakers(text, spacy_nlp) == [("not", "Jesus Cue"), ("No", "Jane Roe")]
