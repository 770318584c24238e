"""Organisation names read from the words of the text: runs of capitalised words headed by an
organisation noun ("Fullerton Police Department", "Department of Justice", "180th District Court"), Spanish
names head noun first ("Departamento de Policía de Dallas"), and the names that are units of a body or
buildings ("Homicide Unit", "Central Justice Center"). ``orgs`` joins them with the knowledge base, the
acronyms and NER; the head nouns are in crosswire/data/organizations.toml.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crosswire.extract.gazetteer import lookup as place_lookup
from crosswire.extract.text import (
    ABBREVIATIONS,
    CACHE_SIZE,
    SP,
    literal_pattern,
    mention,
)
from crosswire.vocabulary import vocabulary

# Where candidate mentions overlap, the higher priority is kept.
KB_PRIORITY, ACRONYM_PRIORITY, PATTERN_PRIORITY, NER_PRIORITY = 4, 3, 2, 1

_VOCABULARY = vocabulary("organizations")
# A company's legal form ("LLC", "Corp."): it ends a name, after a comma too, and holds it whole.
LEGAL_FORMS = frozenset(_VOCABULARY["legal_forms"])
# Nouns that end (or start, as in "Department of Justice") an organisation's name.
HEADS = frozenset(_VOCABULARY["heads"]) | LEGAL_FORMS
# Sub-units of a body ("Homicide Unit", "Special Victims Bureau", "Communications Division"): part of the
# organisation that employs them, not organisations of their own. A name ending in one is cut back to
# the body before it ("Los Angeles Police Department's Robbery-Homicide Division"), else dropped.
UNIT_HEADS = frozenset(_VOCABULARY["unit_heads"])
# Buildings, not bodies: "Criminal Justice Center", "Central Jail", "Van Nuys Courthouse".
FACILITY = re.compile(
    r"(?:Justice Center|Detention (?:Center|Facility)|Correctional (?:Center|Facility|Institution)|Jail|Courthouse|"
    r"Prison|Penitentiary|Juvenile Hall|Station|Hall of Justice)$"
)
# Heads that name a body only where the name ends or a title follows ("Anaheim Police Chief Jorge
# Cisneros", "Cook County Clerk"), not in "Police Station" or "Clerk Monica Gordon".
_ENDING_HEADS = frozenset(_VOCABULARY["ending_heads"])
# Spanish names open with their head noun: "Oficina del Fiscal de Distrito del Condado de Dallas".
SPANISH_HEADS = frozenset(_VOCABULARY["spanish_heads"])
POLICE_TITLES = frozenset(_VOCABULARY["police_titles"])
_CAP = r"(?:[A-Z][\w'’.&-]*|\d+(?:st|nd|rd|th))"
_CONN = r"(?:of|for|and|&|on|de|del|de la)(?:\s+the)?"
RUN = re.compile(rf"(?=[A-Z\d]){_CAP}(?:{SP}(?:{_CONN}{SP})?{_CAP})*")
# organisation names are found from their head; "District" as one only where no office holder's title goes on
# from it (a "School District", not the "District Attorney" of most releases, which is read from "Office")
_HEAD_IN_RUN = re.compile(literal_pattern(HEADS) + r"(?![a-z])")
_ATTORNEY_AFTER = re.compile(r"\s+Attorney")
_HOSPITAL = re.compile(r"(?=[A-Z])([A-Z][\w'’&-]*(?:[^\S\n]+[A-Z][\w'’&-]*)+) hospital\b")  # "Ben Taub hospital"
_TOKEN = re.compile(r"\S+")
_NOT_ORG_START = frozenset(_VOCABULARY["not_org_start"])
_LEADING_THE = re.compile(r"^(?:the|The)\s+")
ORGANIZATION, UNIT, OTHER = "organization", "unit", "other"  # what a name found from its head is
# A title and a capitalised name after a body's name: the person it introduces, not part of the name.
_TITLES_AFTER = sorted(_VOCABULARY["titles_after_names"], key=len, reverse=True)
TITLED_PERSON = re.compile(rf"\s(?:{'|'.join(map(re.escape, _TITLES_AFTER))})\s+[A-Z][a-z]+(?:\s+[A-Z][\w.'’-]+)+$")
# The heads of units that are organisations of their own, with their body ("Homicide Bureau"); a program,
# a region or a group of units is not.
ORGANIZATION_UNIT_HEADS = frozenset(_VOCABULARY["organization_unit_heads"])


def pattern_mentions(text: str) -> tuple[list[tuple[int, dict]], list[tuple[int, int]]]:
    """Capitalised names headed by an organisation noun ("Fullerton Police Department",
    "Department of Justice", "180th District Court"), split at "and" between two such names, and a body's
    units ("Homicide Unit", method 'unit', with the `parent` named before it); and the spans of names that
    are buildings ("Central Justice Center"): no organisations, but no people or places either."""
    out, others = [], []
    for m in _HOSPITAL.finditer(text) if " hospital" in text else ():
        if not (place_lookup(m.group(1)) or any(map(is_head, m.group(1).split()))):  # not "a Garden Grove hospital"
            out.append((PATTERN_PRIORITY, mention(text, "organization", *m.span(), m.group(), "pattern", 0.6)))
    done = 0
    for head in _HEAD_IN_RUN.finditer(text):
        if head.start() < done or head.group() == "District" and _ATTORNEY_AFTER.match(text, head.end()):
            continue  # in the run just read, or the title of a district attorney
        run = _run_holding(text, head.start(), _clause_start(text, head.start(), done))
        if run is None:
            continue
        done = run.end()
        for start, end, kind in _org_spans(text, run.start(), run.end()):
            name = text[start:end]
            if FACILITY.search(name) or kind == OTHER:
                others.append((start, end))
            elif kind == UNIT:  # a body's unit is an organisation too, with its parent named before it
                found = mention(text, "organization", start, end, name, "unit", 0.6)
                out.append((PATTERN_PRIORITY, found | {"parent": _parent_named(text, run.start(), start)}))
            else:
                end = with_legal_form(text, end)
                out.append((PATTERN_PRIORITY, mention(text, "organization", start, end, text[start:end], "pattern", 0.7)))
    return _campus_names(text, out), others


def _parent_named(text: str, run_start: int, unit_start: int) -> str | None:
    """The body a unit belongs to as the run names it before the unit ("the District Attorney's" of "the
    District Attorney's Homicide Bureau"), or None."""
    before = _LEADING_THE.sub("", text[run_start:unit_start].strip(" ,")).removesuffix("’s").removesuffix("'s")
    return before if before[:1].isupper() else None


def _clause_start(text: str, pos: int, lo: int) -> int:
    """A place before ``pos`` (and not before ``lo``) that no run goes on through: just after the last
    comma, colon, bracket, quote mark or blank line, looked for in the 300 characters before ``pos``
    (one backwards scan in C), else before them."""
    window = max(lo, pos - 300)
    last = _LAST_BREAK.match(text, window, pos) or _LAST_BREAK.match(text, lo, pos)
    return last.end() if last else lo


# the text up to its last character that no run holds: greedy, so the regex engine backtracks from the end
_LAST_BREAK = re.compile(r"(?s:.*)(?:[,;:()“”\"!?]|\n[^\S\n]*\n)")


def _run_holding(text: str, pos: int, clause: int) -> re.Match | None:
    """The run of capitalised words that holds ``pos``, read from ``clause``, a place no run goes on
    through (after a comma, colon, bracket, quote mark or blank line): only the runs of that clause are
    read, not the forty or so of the whole text."""
    for run in RUN.finditer(text, clause):
        if run.start() > pos:
            return None
        if run.end() > pos:
            return run
    return None





def _campus_names(text: str, found: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """"University of California, Irvine Medical Center" is one name: a university named by its state,
    then its campus city after a comma."""
    out = []
    for p, m in found:
        if out and _STATE_UNIVERSITY.search(out[-1][1]["text"]) and text[out[-1][1]["end"] : m["start"]] == ", ":
            campus = m["text"].split()[0]
            if place_lookup(campus):
                start = out[-1][1]["start"]
                out[-1] = (p, mention(text, "organization", start, m["end"], text[start : m["end"]], "pattern", 0.7))
                continue
        out.append((p, m))
    return out


_STATE_UNIVERSITY = re.compile(r"^University of [A-Z]\w+$")


def spanish_mentions(text: str) -> list[tuple[int, dict]]:
    """Spanish names, head noun first ("Departamento de Policía de Dallas"); a run of two names is split
    where the second head follows its connector ("Unidad de ... de la Oficina del Fiscal ...")."""
    out = []
    for run in _ES_RUN.finditer(text) if " de " in text or " del " in text else ():  # Spanish text only
        starts = [run.start()] + [m.start("head") for m in _ES_SPLIT.finditer(text, run.start(), run.end())]
        ends = [m.start() for m in _ES_SPLIT.finditer(text, run.start(), run.end())] + [run.end()]
        for start, end in zip(starts, ends):
            while text[end - 1] in _TRAILING:
                end -= 1
            name = text[start:end]
            if " " in name and name.split(" ", 1)[0] not in UNIT_HEADS:
                out.append((PATTERN_PRIORITY, mention(text, "organization", start, end, name, "pattern", 0.7)))
    return out


_TRAILING = ",.;:'’"
_ES_HEAD = literal_pattern(SPANISH_HEADS)
_ES_CONN = r"(?:de(?:[^\S\n]+(?:la|las|los))?|del|contra(?:[^\S\n]+(?:la|el))?|para(?:[^\S\n]+(?:la|el))?|la|las|los)"
_ES_RUN = re.compile(rf"(?=[A-Z])(?:{_ES_HEAD})(?:[^\S\n]+(?:{_ES_CONN}[^\S\n]+)?(?:[A-ZÁÉÍÓÚÑ][\w'’-]*))+")
# "Policía" goes on a name ("Departamento de Policía de Dallas"); the other heads start a new one
_ES_SPLIT = re.compile(
    rf"[^\S\n]+(?:de(?:[^\S\n]+(?:la|las|los))?|del)[^\S\n]+(?P<head>{literal_pattern(SPANISH_HEADS - {'Policía'})})\b"
)


def _org_spans(text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """(start, end, ORGANIZATION or UNIT) of the names in the run of capitalised words ``text[lo:hi]``."""
    return [(lo + start, lo + end, kind) for start, end, kind in _run_spans(text[lo:hi])]


@lru_cache(maxsize=CACHE_SIZE)
def _run_spans(run: str) -> tuple[tuple[int, int, str], ...]:
    """Spans in ``run`` of the names it holds; sentence ends split the run. Cached: the same runs
    ("the Orange County District Attorney’s Office") recur in article after article."""
    spans, tokens = [], []
    for m in _TOKEN.finditer(run):
        word = m.group()
        tokens.append((m.start(), m.end(), word, is_head(word)))
        if _ends_sentence(word):
            spans += _org_spans_of(run, tokens)
            tokens = []
    spans += _org_spans_of(run, tokens)
    return tuple(spans)


def _ends_sentence(token: str) -> bool:
    """A token like "Proctor." ends a sentence; "U.S.", "Dept.", "Inc." and initials do not."""
    if not token.endswith(".") or len(token) <= 2:
        return False
    stem = token[:-1]
    if any(ch.isdigit() for ch in stem):  # "INF10000496." ends a sentence, a case number no name holds
        return True
    return "." not in stem and stem.casefold() not in ABBREVIATIONS and not stem.isupper()


def _org_spans_of(text: str, tokens: list[tuple[int, int, str, bool]]):
    """Tokens are (start, end, word, is_head)."""
    # split at "and"/"&" after a head noun ("Fullerton Police Department and Orange County Crime Lab")
    # or before "the" ("Little Village and The Firehouse Community Arts Center"), but not inside one name
    # ("Juvenile Probation and Court Services Department", "Civil Rights and Restorative Justice Project")
    # A company's legal form at the end holds one name ("Aya Service and Repair Corp.").
    parts, current = [], []
    company = bool(tokens) and tokens[-1][2].rstrip(",;:") in LEGAL_FORMS
    for i, t in enumerate(tokens):
        following = tokens[i + 1][2] if i + 1 < len(tokens) else ""
        ends_name = current and (current[-1][2].rstrip(",;:") in LEGAL_FORMS or not company and (
            current[-1][3] or following in ("The", "the") or _long_unheaded(current)))
        if t[2] in ("and", "&") and ends_name:
            parts.append(current)
            current = []
        elif t[2] in ("de", "del") and following in SPANISH_HEADS | {"la"} and current:
            parts.append(current)  # "... Project de la Facultad de Derecho ...": two names
            current = []
        else:
            current.append(t)
    parts.append(current)
    for part in parts:
        while part and (part[0][2] in _NOT_ORG_START or not (part[0][2][0].isupper() or part[0][2][0].isdigit())):
            part = part[1:]
        heads = [i for i, t in enumerate(part) if t[3]]
        unit = None
        while heads and _not_final_head(part, heads[-1]):
            unit = heads[-1] if unit is None and bare(part[heads[-1]][2]) in UNIT_HEADS else unit
            heads.pop()
        if unit is not None:
            # after its body's name ("Los Angeles Police Department’s Robbery-Homicide Division"), and from
            # "Jane Doe of the Homicide Unit" the unit only
            body = max((i for i in range(unit) if part[i][3] or part[i][2].endswith(("’s", "'s"))), default=-1)
            named = _drop_leading_segments(part[body + 1: unit + 1])
            if named:
                start, end = _trimmed(text, named[0][0], named[-1][1])
                yield start, end, UNIT if bare(part[unit][2]) in ORGANIZATION_UNIT_HEADS else OTHER
        if not heads:
            continue
        last = heads[-1]
        end_i = len(part) - 1 if last + 1 < len(part) and part[last + 1][2] in _EXTENDERS else last
        span = _drop_leading_segments(part[: end_i + 1])
        if len(span) < 2:
            continue
        start, end = _trimmed(text, span[0][0], span[-1][1])
        if titled := TITLED_PERSON.search(text, start, end):  # "... Commission President Anthony Driver"
            end = titled.start()
        yield start, end, ORGANIZATION


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A name's span without the punctuation or possessive after it."""
    while end > start and text[end - 1] in ",.;:'’" and not text[start:end].endswith(_KEPT_STOPS):
        end -= 1
    if text[end - 2 : end] in ("’s", "'s"):
        end -= 2
    return start, end


_KEPT_STOPS = ("Dept.", *(form for form in LEGAL_FORMS if form.endswith(".")))


def with_legal_form(text: str, end: int) -> int:
    """The end of a name that ends at ``end``, with the company's legal form written after it, perhaps after
    a comma ("Albri Consulting, LLC")."""
    found = LEGAL_AFTER.match(text, end)
    return found.end() if found else end


LEGAL_AFTER = re.compile(rf",?[^\S\n]+(?:{literal_pattern(LEGAL_FORMS)})(?!\w)")
LEGAL_COMMA = re.compile(rf",(?=[^\S\n]+(?:{literal_pattern(LEGAL_FORMS)})\W*$)")  # the comma of "X, LLC"


def _long_unheaded(tokens: list[tuple]) -> bool:
    """More than two words without a head before "and": a list ("State Attorney Katherine Fernandez Rundle
    and Miami-Beach Police Department"), not one name ("Civil Rights and Restorative Justice Project")."""
    return len(tokens) > 2 and not any(t[3] for t in tokens)


def _not_final_head(part: list[tuple], i: int) -> bool:
    """Whether the head at ``i`` cannot end an organisation name: a police or clerk head before a word
    other than a title ("Police Station"), or a unit's head ("Homicide Unit", but "Bureau of Prisons")."""
    word = bare(part[i][2])
    following = part[i + 1][2] if i + 1 < len(part) else ""
    if word in _ENDING_HEADS:
        return bool(following) and following[0].isupper() and following not in POLICE_TITLES
    if word in _OPENING_HEADS:
        return following != "of"
    return word in UNIT_HEADS and following not in _EXTENDERS and part[0][2] not in _SCOPES


_OPENING_HEADS = frozenset(_VOCABULARY["opening_heads"])  # "Government of El Salvador", not "OCDA Government Integrity"
# A body of its own, not a unit, whatever its head: "National Insurance Crime Bureau".
_SCOPES = frozenset(_VOCABULARY["scopes"])


# a name goes on after its head: "Bureau of Prisons", "Project de Nueva York"
_EXTENDERS = frozenset(_VOCABULARY["extenders"])


def bare(token: str) -> str:
    """The word without trailing punctuation and possessive: "Unit's," -> "Unit"."""
    token = token.rstrip(",;:.")
    return token[:-2] if token.endswith(("’s", "'s")) else token


def _drop_leading_segments(span: list[tuple]) -> list[tuple]:
    """From "<words> of the <Org>", keep "<Org>" unless the words name an institution themselves
    ("Department of Justice", "City of Miami Police", which starts at "City" whatever comes before)."""
    while True:
        cut = next((i for i, t in enumerate(span) if t[2] in _SEGMENT_BREAKS), None)
        if cut is None:
            return span
        first = span[:cut]
        if any(t[3] for t in first):
            return span
        if first and first[-1][2] in _INSTITUTIONS:  # "... Rundle City of Miami Police": the city's police
            return span[cut - 1 :]
        span = span[cut + 1 :]
        while span and span[0][2] in ("the", "The"):
            span = span[1:]


_SEGMENT_BREAKS = frozenset(_VOCABULARY["segment_breaks"])
_INSTITUTIONS = frozenset(_VOCABULARY["institutions"])


@lru_cache(maxsize=CACHE_SIZE)
def is_head(token: str) -> bool:
    """Whether a word is an organisation noun, also with a possessive or trailing punctuation
    ("Sheriff's Office,") or as the last part of a hyphenated word ("Council-POL")."""
    if token not in HEADS:
        token = token.rstrip(",;:")
        if token.endswith(("’s", "'s")):
            token = token[:-2]
    return token in HEADS or token.rstrip(".") in HEADS or token.split("-")[-1] in HEADS


# Office holders: "the Orange County District Attorney" names the office itself.
HOLDER = re.compile(
    r"(?:District Attorney|State['’]s Attorney|State Attorney|County Attorney|Attorney General|"
    r"Public Defender|City Attorney|Sheriff|U\.S\. Attorney|United States Attorney)$"
)


@lru_cache(maxsize=CACHE_SIZE)
def clean_org_name(name: str) -> str:
    """Drop a leading "the", a trailing possessive and stray punctuation; collapse whitespace; spell out
    "DA's Office". Cached: the same names recur."""
    name = " ".join(name.split()).strip(" ,.;:–—-\"“”")
    name = _DA.sub("District Attorney", _LEADING_THE_ANY_CASE.sub("", _LEADING_MODIFIER.sub("", name)))
    if titled := TITLED_PERSON.search(name):  # "... Commission President Anthony Driver": the body only
        name = name[:titled.start()].rstrip(" ,")
    if name.endswith(("’s", "'s")) and not HOLDER.search(name[:-2]):
        name = name[:-2]
    return name


_DA = re.compile(r"\bDA(?=['’]s\b|\s+Office\b)")
_LEADING_MODIFIER = re.compile(r"^[A-Za-z]+-(?:led|run|based|owned|funded|backed|sponsored)\s+")  # "Democrat-led"


_LEADING_THE_ANY_CASE = re.compile(r"^(?:the|The|THE)\s+")


def capitalised_name(name: str) -> bool:
    words = [w for w in name.split() if w not in ("of", "for", "and", "the", "&", "de", "del", "la")]
    return len(words) >= 2 and all(w[0].isupper() for w in words)
