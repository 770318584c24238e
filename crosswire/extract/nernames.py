"""Organisation names a NER model tags, kept only when they read as a body's name: not a headline's piece
("East New York Man Sentenced"), a form's field label ("Media:"), a law, a road, a unit's job, a building,
a place, a vehicle make, a charge, a word the text also writes in lower case, a list, or a name cut short."""

from __future__ import annotations

import re

from crosswire.extract.gazetteer import lookup as place_lookup
from crosswire.extract.lexicon import PLURALS
from crosswire.extract.orgnames import (
    FACILITY,
    LEGAL_COMMA,
    NER_PRIORITY,
    UNIT_HEADS,
    clean_org_name,
    is_head,
    with_legal_form,
)
from crosswire.extract.text import Spans, mention, word_spans
from crosswire.vocabulary import vocabulary

_VOCABULARY = vocabulary("organizations")
_GENERIC = frozenset(_VOCABULARY["generic"])
_STATES_ATTORNEY = re.compile(r"['’]s\s+Attorney(?:['’]s\s+Office)?")


def ner_mentions(text: str, ner_orgs: list[tuple[int, int]], blocked: Spans) -> list[tuple[int, dict]]:
    out = []
    for start, end in ner_orgs:
        if blocked.overlaps((start, end)):
            continue
        # "Cook County State" of "Cook County State's Attorney": the office holder names the office
        if _ENDS_STATE.search(text, start, end):
            holder = _STATES_ATTORNEY.match(text, end - 2 if text[end - 2 : end] in ("'s", "’s") else end)
            end = holder.end() if holder else end
        end = with_legal_form(text, end)  # "Albri Consulting, LLC"
        following = _NEXT_WORD.match(text, end)
        if following and following.group(1) in _NOT_ORG_END:
            continue  # a cut-off name: "Angeles National" of "Angeles National Forest"
        name = _without_trailing_place(clean_org_name(text[start:end]))
        if _fragment(text, start, end, name):
            continue
        offset = text.find(name, start, end) if name and _looks_like_org(name, text) else -1
        if offset >= 0:  # the span shrinks to the cleaned name, so that text[start:end] is the name
            out.append((NER_PRIORITY, mention(text, "organization", offset, offset + len(name), name, "ner", 0.6)))
    return out


# Last words of a law, a road, an award, a unit or a job ("Victim Services Specialist"), not of a body.
_NOT_ORG_END = frozenset(_VOCABULARY["not_org_end"]) | UNIT_HEADS
# Names NER tags as organisations that, in press releases, are something else: vehicle makes ("a black
# Kia") and everyday abbreviations ("DOB", "EMS").
NOT_ORGANIZATIONS = frozenset(_VOCABULARY["not_organizations"])
# A charge or a headline, not a body: "Retail Theft", "Killing Ex-Girlfriend".
_CHARGE = re.compile(
    r"\b(?:murder\w*|homicide|killing|theft|burglary|robbery|assault|kidnapping|battery|manslaughter|arson|rape|"
    r"carjacking|ex-\w+)\b",
    re.IGNORECASE,
)
_ENDS_STATE = re.compile(r" State(?:['’]s)?$")
_SENTENCE_INSIDE = re.compile(r"[.!?]\s+[A-Z]")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)\b")
_SPACES = re.compile(r"\s+")
_NEXT_WORD = re.compile(r"[^\S\n]+([A-Z]\w*)")


def _fragment(text: str, start: int, end: int, name: str) -> bool:
    """Whether an NER name is a piece of a headline or a form, not a body's name: it ends as a headline's verb
    does ("East New York Man Sentenced", "Pre-Trial Detention Sought", "State Prison for Stealing"), it is a
    field's label ("Media:", "Victim Services:"), or it stands in a line in title case without a head noun
    or the capitals of an acronym (a headline the page kept in its text)."""
    words = name.split()
    last = words[-1] if words else ""
    if last[:1].isupper() and ((last.endswith("ed") and len(last) > 4 and last not in _ED_NAMES)
                               or (last.endswith("ing") and len(words) > 1 and words[-2] in ("for", "of"))):
        return True
    line_start, line_end = text.rfind("\n", 0, start) + 1, text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    if _FIELD_LABEL.match(text, end) and not text[line_start:start].strip():
        return True
    return not name.isupper() and not any(map(is_head, words)) and _headline(line)


def _headline(line: str) -> bool:
    """A line in title case that does not end as a sentence: a headline or a heading."""
    words = [w for w in line.split() if len(w) > 3]
    return (len(words) >= 3 and not line.rstrip().endswith((".", "”", '"', "?", "!"))
            and sum(w[0].isupper() for w in words) >= 0.8 * len(words))


_FIELD_LABEL = re.compile(r"\s*:")
_ED_NAMES = frozenset(_VOCABULARY["ed_names"])


def _without_trailing_place(name: str) -> str:
    """"Louis Vuitton Chicago" (a store) is "Louis Vuitton"; "Bank of America" and "Chicago Police" stay."""
    body, _, last = name.rpartition(" ")
    headless = body and not body.endswith((" of", " de", " for")) and not any(map(is_head, body.split()))
    if headless and place_lookup(last):
        return body if _looks_like_org(name, "") else name  # "Angeles National Forest" is no store
    return name


def _looks_like_org(name: str, text: str) -> bool:
    """Whether an NER ORG name is worth keeping: not a generic word, a law, a road, a list, a unit, a
    building, a place, a vehicle make, a charge, or a word the text also writes in lower case ("Justice")."""
    words = name.split()
    if not words or len(words) > 12 or not name[0].isupper() or name in _GENERIC or "," in LEGAL_COMMA.sub("", name):
        return False
    if (len(words) == 1 and is_head(name)) or words[-1] in PLURALS or name.count("(") != name.count(")"):
        return False  # a head alone ("Association"), people ("Victim-Witness Specialists"), a cut name
    if words[-1] in _NOT_ORG_END or name in NOT_ORGANIZATIONS or FACILITY.search(name) or place_lookup(name):
        return False
    if len(words) == 1 and not name.isupper() and next(word_spans(text, name.lower()), None):
        return False
    if _CHARGE.search(name) and not any(map(is_head, words)):
        return False
    if _SENTENCE_INSIDE.search(name):  # runs across a sentence end: "Proctor. The Court"
        return False
    if any(ch.isdigit() for ch in name) and not _ORDINAL.search(name):
        return False
    return not (name.isupper() and len(words) > 3)  # shouted headline fragments
