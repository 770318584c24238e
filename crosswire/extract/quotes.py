"""Quotations and who said them.

A quote runs from an opening mark to its closing mark; when a paragraph ends inside a quote and the
next paragraph opens with a quote mark, the quote goes on there (the press convention for quotes of
several paragraphs). Its speaker comes from the attribution after it (“…,” said X / “…,” X said), or
before it (X said, “…”), else it continues the previous quote's speaker. Speakers are always full names
of people of the article: a pronoun is the speaker of the quote just before, else the last person named;
a description such as "the INTERPOL Chief" is the person of that organisation, else of that role.
Curly, straight and French quote marks (« … ») are read, with the speech verbs of each language
(crosswire/data/quotes.toml); single marks (‘cybercrime as a service’) are not speech.
"""

from __future__ import annotations

import re

from crosswire.extract.names import Person
from crosswire.extract.text import sentence_end, sentence_start
from crosswire.vocabulary import vocabulary

_QUOTES = vocabulary("quotes")
# Speech verbs of an attribution in every language of crosswire/data/quotes.toml, tried in the order of the data.
SAY = "(?:" + "|".join(re.escape(verb) for verbs in _QUOTES["speech_verbs"].values() for verb in verbs) + ")"
# Opening quote marks and the marks that close each (“…”, "…", « … »).
_MARKS: dict[str, str] = _QUOTES["marks"]
_OPENING = "".join(_MARKS)
_CLOSING = re.escape("".join(sorted(set("".join(_MARKS.values())))))
_ALL_MARKS = re.escape("".join(sorted(set(_OPENING + "".join(_MARKS.values())))))
_OPEN = re.compile(f"[{re.escape(_OPENING)}]")
_CLOSE = {mark: re.compile(f"[{re.escape(closing)}]") for mark, closing in _MARKS.items()}
_VERB_FIRST = re.compile(rf"^[\s,]*{SAY}\b")
_WHO_FIRST = re.compile(rf"^[\s,]*(?P<who>[^{_ALL_MARKS}\n]{{1,80}}?)\s+{SAY}\b")
_VERB_BEFORE = re.compile(rf"\b{SAY}\b[^{_ALL_MARKS}\n.!?]{{0,30}}?[,:]?\s*$")
_SAID_INSIDE = re.compile(
    rf",\s+{SAY}\s+(?P<who>[^{_ALL_MARKS}\n,.]{{3,80}}(?:\.[^\S\n]*[A-Z][^{_ALL_MARKS}\n,.]*)*)[.,]?\s*"
    rf"(?=[{_CLOSING}]?$)"
)
_STATEMENT = re.compile(r"\b(?:following|this|a|the) statement\b")
_PRONOUN = re.compile(r"\b(?:he|she|He|She|they|They)\b")
_WORDS = re.compile(r"\w+")
_SAID_NEXT = re.compile(r"\s*(?:said|says|added|told)\b")
_LEADS_IN = re.compile(r"[,:]\s*$")
_CAPITALISED = re.compile(r"[A-Z][a-z]+")
_RECENT = 600  # characters: a pronoun this close after a quote refers to its speaker
# Without an attribution, a quote this short is a scare quote, nickname or title, not speech.
_MIN_UNATTRIBUTED_WORDS = 8


def quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(opening mark, content start, content end, closing mark) of each quote; content excludes the
    marks and a trailing comma."""
    spans = []
    pos = 0
    while True:
        m = _OPEN.search(text, pos)
        if not m:
            return spans
        opening = m.start()
        close = _find_close(text, opening)
        start = opening + 1
        while start < close and text[start].isspace():
            start += 1
        end = close
        while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
            end -= 1
        if end > start:
            spans.append((opening, start, end, close))
        pos = max(close + 1, opening + 1)


def _find_close(text: str, opening: int) -> int:
    """Offset of the closing mark, following the quote into paragraphs that open with a quote mark;
    the end of the paragraph when the quote is never closed."""
    closer = _CLOSE[text[opening]]
    pos = opening + 1
    while True:
        para_end = text.find("\n\n", pos)
        para_end = len(text) if para_end < 0 else para_end
        m = closer.search(text, pos, para_end)
        if m:
            return m.start()
        nxt = para_end
        while nxt < len(text) and text[nxt].isspace():
            nxt += 1
        if nxt < len(text) and text[nxt] in _OPENING and para_end < len(text):
            pos = nxt + 1
            continue
        return para_end


def find_quotes(text: str, person_mentions: list[dict], people: list[Person], orgs: list[dict]) -> list[dict]:
    """Quote records (quote, speaker, speaker_role, start, end) with ``text[start:end] == quote``."""
    spans = quote_spans(text)
    inside = [(o, c + 1) for o, _, _, c in spans]
    outside_people = [m for m in person_mentions if not any(a <= m["start"] < b for a, b in inside)]
    by_name = {p.name: p for p in people}
    quotes: list[dict] = []
    prev: dict | None = None
    for opening, start, end, close in spans:
        recent = prev["speaker"] if prev and opening - prev["end"] < _RECENT else None
        speaker, attributed = _attribute(text, opening, close, outside_people, by_name, orgs, recent, person_mentions)
        if not attributed and prev and _continues(text, prev, opening, outside_people):
            speaker = prev["speaker"]
            attributed = prev["speaker"] is not None
        n_words = len(_WORDS.findall(text[start:end]))
        if n_words < (1 if attributed else _MIN_UNATTRIBUTED_WORDS):
            continue
        person = by_name.get(speaker) if speaker else None
        q = {
            "quote": text[start:end],
            "speaker": speaker,
            "speaker_role": person.role if person else None,
            "start": start,
            "end": end,
        }
        quotes.append(q)
        prev = q
    return quotes


def _attribute(
    text: str,
    opening: int,
    close: int,
    people: list[dict],
    by_name: dict[str, Person],
    orgs: list[dict],
    recent: str | None,
    everyone: list[dict] = (),
) -> tuple[str | None, bool]:
    """(speaker, whether an attribution was found) for the quote between ``opening`` and ``close``;
    ``people`` are the mentions outside quotes, ``everyone`` all of them."""
    after_start = close + 1
    after = _after_text(text, after_start, continued=text[close - 1 : close] == ",")
    window = None
    if _VERB_FIRST.match(after):
        window = (after_start, after_start + len(after))
    else:
        m = _WHO_FIRST.match(after)
        # "X said" must name someone: in “…” When asked, she responded, "When asked" is no attribution
        if m and _names_someone(m.group("who"), after_start + m.start("who"), people, orgs):
            window = (after_start, after_start + m.end())
    if window is None:
        before = _before_text(text, opening)
        m = _VERB_BEFORE.search(before, max(0, len(before.rstrip()) - 50))  # the verb is near the quote
        if m:
            lo, verb = opening - len(before), opening - len(before) + m.start()
            # the verb's subject: the person named nearest before it, not set off by a comma ("Chauca
            # confronted Cue, and Cue told him", not "Rundle, joined by Chief Morales, said")
            subject = [p for p in people if lo <= p["start"] and p["end"] <= verb and "," not in text[p["end"]:verb]]
            if subject:
                return subject[-1]["normalized"], True
            window = (lo, opening - len(before) + m.end())
    if window is None and (inside := _SAID_INSIDE.search(text, opening, close)):
        # “…, said Chief Manuel A. Morales.”: the closing mark put after the attribution, which names its speaker
        return _resolve(text, inside.span("who"), opening, everyone, by_name, orgs, recent), True
    if window is None:
        # "X released the following statement ..." in the paragraph before the quote's paragraph
        para = text.rfind("\n\n", 0, opening)
        prev_para = text.rfind("\n\n", 0, max(para, 0)) + 2 if para > 0 else 0
        if para > 0 and _STATEMENT.search(text, prev_para, para):
            named = [m for m in people if prev_para <= m["start"] < para]
            if named:
                return named[0]["normalized"], True
        return None, False
    return _resolve(text, window, opening, people, by_name, orgs, recent), True


def _names_someone(who: str, start: int, people: list[dict], orgs: list[dict]) -> bool:
    end = start + len(who)
    return (
        any(start <= m["start"] < end for m in people + orgs)
        or bool(_PRONOUN.search(who))
        or who.lstrip().startswith(("the ", "The "))
    )


def _after_text(text: str, pos: int, continued: bool) -> str:
    """The rest of the sentence after a closing quote mark. When the quote ends in a comma the
    sentence goes on, even past a paragraph break (“…,”\n\nState's Attorney Burke said.)."""
    seg = text[pos : min(len(text), pos + 200, _next_open(text, pos))]
    if continued or _SAID_NEXT.match(seg):
        seg = seg.replace("\n", " ")
    elif seg.lstrip(" \t").startswith("\n\n"):
        return ""  # a quote that ends its paragraph with a stop: the next paragraph is no attribution of it
    return seg[: sentence_end(seg, 0, 200)]


def _before_text(text: str, opening: int) -> str:
    """The sentence before an opening quote mark, past a paragraph break after "said," or ":"."""
    seg = text[max(0, opening - 300) : opening]
    if _LEADS_IN.search(seg):
        seg = seg.replace("\n", " ")
    return seg[sentence_start(seg, len(seg), 300) :]


def _next_open(text: str, pos: int) -> int:
    m = _OPEN.search(text, pos)
    return m.start() if m else len(text)


def _resolve(text, window, opening, people, by_name, orgs, recent) -> str | None:
    """The speaker named in the attribution ``window``: a person mentioned there; for a pronoun the
    speaker of a quote just before, else the last person named; for a description ("the INTERPOL
    Chief") the one person of that organisation, else of that role."""
    lo, hi = window
    named = [m for m in people if lo <= m["start"] < hi]
    if named:
        return named[0]["normalized"]
    words = text[lo:hi]
    if _PRONOUN.search(words):
        before = [m for m in people if m["end"] <= opening]
        return recent or (before[-1]["normalized"] if before else None)
    # a description: "the INTERPOL Chief" -> the person of that organisation, else of that role
    org_names = {m["normalized"] for m in orgs if lo <= m["start"] < hi}
    candidates = [p for p in by_name.values() if p.affiliation and p.affiliation in org_names]
    if len(candidates) == 1:
        return candidates[0].name
    role_words = set(_CAPITALISED.findall(words)) - {"The"}
    candidates = [p for p in by_name.values() if p.role and role_words & set(p.role.split())]
    return candidates[0].name if len(candidates) == 1 else None


def _continues(text: str, prev: dict, opening: int, people: list[dict]) -> bool:
    """Whether a quote without attribution goes on with the previous quote's speaker: it follows
    closely, and nobody else is named in between."""
    gap = (prev["end"], opening)
    if gap[1] - gap[0] > 300:
        return False
    others = [m for m in people if gap[0] <= m["start"] < gap[1] and m["normalized"] != prev["speaker"]
              and not _POSSESSIVE.match(text, m["end"])]  # "said Craig Hawkins, Daniel's father": no new speaker
    return not others


_POSSESSIVE = re.compile(r"['’]s\b")
