"""Lines to paragraphs: hard-wrapped PDF text, line-end hyphens, page breaks, inline breaks, datelines."""

from __future__ import annotations

import re

from crosswire.clean import clean_document
from crosswire.clean.lines import Paragraph, dateline, hangs
from crosswire.clean.patterns import HANGING_WORDS
from crosswire.clean.text import count_words
from tests.clean.helpers import corpus_file, corpus_lines


def test_hard_wrapped_hyphens_and_page_breaks(shared, templates):
    alonzo = corpus_file(
        shared, "dallas_tx", "Assets_uploads_docs_district-attorney_press-release_2019_PR_ActualInnonence-QuintinLAlonzo_110419_pdf.txt"
    )
    assert "18-year-\nold Santos Gauna" in alonzo and "an exhaustive\nFrank Crowley Courts Building" in alonzo
    text = clean_document(alonzo, boilerplate=templates["dallas_tx"]).text
    assert "the 2001 slaying of 18-year-old Santos Gauna" in text  # a compound keeps its hyphen
    # the page footer between two halves of a sentence goes, and the halves meet again
    assert "set out on an exhaustive investigation to corroborate his confession" in text
    assert "Frank Crowley" not in text and not any(p[0].islower() for p in text.split("\n\n"))

    love = corpus_file(shared, "dallas_tx", "Assets_uploads_docs_district-attorney_press-release_2018_PR_KristopherLoveTrial_103118_pdf.txt")
    broken = love.replace("said Dallas County District\n", "said Dallas County Dis-\ntrict ")
    assert broken != love
    text = clean_document(broken, boilerplate=templates["dallas_tx"]).text
    assert "said Dallas County District Attorney Faith Johnson" in text  # the page spells "District" elsewhere
    assert "Dis-trict" not in text and "\u00ad" not in text


def test_lines_hang_as_the_pattern_at_their_end_finds(shared):
    """hangs reads a line's end backwards: on every corpus line cut after each of its words, and on odd
    endings, it agrees with the search for the pattern at the end of the line."""
    at_end = re.compile(rf"(?:[,–—“‘(]|\s-|\b(?:{'|'.join(HANGING_WORDS)}))$", re.I)
    lines = corpus_lines(shared, 20)
    ends = {line[: m.end()] for line in lines for m in re.finditer(r"\S+", line)}
    ends |= {"the", "THE", "bathe", "x the", "xthe", "in-the", "9 of", "_of", "éof", "including", "aincluding",
             "ı in", "ſo as", "a -", "a--", "–", "(", "“", "a,", "", " "}
    assert len(ends) > 40_000
    assert [x for x in ends if hangs(x) != bool(at_end.search(x))] == []


def test_dateline_split_over_lines_is_rejoined_and_kept(shared, templates):
    raw = corpus_file(shared, "cook_il", "news_first-degree-murder-charges-filed-fatal-mag-mile-smash-and-grab-burglary.txt")
    assert "CHICAGO\n—\nThe Cook County" in raw
    cleaned = clean_document(raw, boilerplate=templates["cook_il"])
    assert "CHICAGO" in templates["cook_il"]  # a template line on its own, yet this page's dateline
    assert cleaned.text.startswith("CHICAGO — The Cook County State’s Attorney’s Office today announced")
    assert cleaned.title == "First-Degree Murder Charges Filed in Fatal Mag Mile Smash-and-Grab Burglary"


def test_inline_breaks_are_rejoined(shared, templates):
    raw = corpus_file(shared, "cook_il", "news_ccsao-regional-transit-task-force-holds-inaugural-meeting.txt")
    cleaned = clean_document(raw, boilerplate=templates["cook_il"])
    assert "said State’s Attorney Burke. “In order for our communities" in cleaned.text
    assert "State’s Attorney Burke announced the creation of the RTTF at a news conference last week." in cleaned.text


def test_hard_wrapped_pdf_text_becomes_paragraphs(shared, templates):
    raw = corpus_file(
        shared, "dallas_tx", "Assets_uploads_docs_district-attorney_press-release_2018_PR_KristopherLoveTrial_103118_pdf.txt"
    )
    cleaned = clean_document(raw, boilerplate=templates["dallas_tx"])
    paragraphs = cleaned.text.split("\n\n")
    assert paragraphs[0].startswith("(Dallas County) – On Wednesday, October 31, a Dallas County jury took only three hours")
    assert "35-year-old pediatric dentist" in cleaned.text and "36-year-old Brenda Delgado" in cleaned.text
    assert len(paragraphs) < len(raw.splitlines()) / 2
    assert all(p.endswith((".", "”")) for p in paragraphs)  # no paragraph stops mid-sentence
    assert "Frank Crowley Courts Building" not in cleaned.text  # the page footer of every PDF page
    assert cleaned.title.startswith("Dallas County Jury Sentences Kristopher Love to Death by Lethal Injection")
    assert cleaned.author == "Kimberlee Leach"  # "October 31, 2018 Contact: Kimberlee Leach"


def test_a_city_and_its_region_before_a_colon_open_a_dateline():
    assert dateline("Miami, Florida: State Attorney Jane Doe announced the arrest of a man today.")
    assert not dateline("Note: State Attorney Jane Doe announced the arrest of a man today.")
    assert not dateline("WHO: State Attorney Jane Doe, Police Director John Roe")


def test_a_paragraph_counts_its_words_as_its_text_reads(shared):
    """A block's words are kept up to date as lines join it: two words glued at a join (a hyphen broken at
    a line end, a line that opens with a stop) count as one, as in the joined text."""
    lines = sorted(x for x in corpus_lines(shared, 5) if x.strip())[:1000]
    lines += ["exhaus-", "tive", "18-year-", "old", "Pre-", "Qualification", ",", ")", "a-", "—", "x", "警方逮捕",
              ",嫌疑人", "word", ",中", "中-", "文字", "a-", "中"]
    paragraph = Paragraph(lines[0])
    for line in lines[1:]:
        paragraph.add(" ".join(line.split()))
        assert paragraph.words() == count_words(str(paragraph))
