"""Organisations: the curated knowledge base, acronyms defined in the text, org-name patterns, NER names.

Every organisation mention gets a canonical name so that variants of one body join: the knowledge
base's canonical when any alias, acronym or close spelling matches; else the longest variant written
in the article ("the Orange County District Attorney" joins "Orange County District Attorney's Office"),
and a short form joins the article's full name it ends ("the Sheriff's Office" -> "Riverside County
Sheriff's Office"). Where sources overlap the knowledge base wins, then acronyms, then patterns, then
NER; but a longer name that goes on to a part of a known body ("Justice Department's Office of
International Affairs") is kept whole. A mention's method says where it came from: 'kb', 'acronym',
'pattern' or 'ner', with '+kb' when a pattern or NER name was then found in the knowledge base.

Some names are no organisations: units of a body ("Homicide Unit", "Special Victims Bureau"), buildings
("Central Justice Center", "Van Nuys Courthouse"), and, from NER, places, vehicle makes, charges and
everyday abbreviations. Spanish names are read head noun first ("Departamento de Policía de Dallas").
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from crosswire.extraction.kb import KnowledgeBase, load_kb
from crosswire.extraction.lexicon import following, words
from crosswire.extraction.places import lookup as place_lookup
from crosswire.extraction.text import (
    ABBREVIATIONS,
    CACHE_SIZE,
    SP,
    Spans,
    digits,
    find_words,
    key,
    literal_pattern,
    mention,
    select_spans,
    word_spans,
)

# Where candidate mentions overlap, the higher priority is kept.
KB_PRIORITY, ACRONYM_PRIORITY, PATTERN_PRIORITY, NER_PRIORITY = 4, 3, 2, 1

# Nouns that end (or start, as in "Department of Justice") an organisation's name.
HEADS = {
    "Office", "Department", "Dept.", "Police", "Court", "Agency", "Bureau", "Council", "Commission", "Service",
    "Services", "Administration", "Unit", "Force", "Patrol", "Ministry", "Laboratory", "Lab", "Division", "Authority",
    "Board", "Committee", "Institute", "Center", "Centre", "Academy", "Association", "Coalition", "Foundation",
    "Alliance", "Network", "Team", "Squad", "Secretariat", "Organization", "Organisation", "Assembly", "Legislature",
    "Senate", "Parliament", "Prison", "Jail", "University", "College", "School", "Schools", "Hospital",
    "Corporation", "Company", "Inc.", "LLC", "Group", "Fund", "Society", "Clinic", "Project", "Program", "Stoppers",
    "Guard", "Marshals", "Prosecutors", "Centers", "Centres", "Museum", "Library", "Church", "League", "Federation",
    "Union", "Club", "Bank", "Cartel", "Government", "Clerk",
}
# Sub-units of a body ("Homicide Unit", "Special Victims Bureau", "Communications Division"): part of the
# organisation that employs them, not organisations of their own. A name ending in one is cut back to
# the body before it ("Los Angeles Police Department's Robbery-Homicide Division"), else dropped.
UNIT_HEADS = {
    "Unit", "Units", "Division", "Bureau", "Team", "Teams", "Section", "Squad", "Desk", "Branch", "Region", "Group",
    "Program", "Detail", "Unidad", "Equipo", "División", "Sección",
}
# Buildings, not bodies: "Criminal Justice Center", "Central Jail", "Van Nuys Courthouse".
_FACILITY = re.compile(
    r"(?:Justice Center|Detention (?:Center|Facility)|Correctional (?:Center|Facility|Institution)|Jail|Courthouse|"
    r"Prison|Penitentiary|Juvenile Hall|Station|Hall of Justice)$"
)
# Heads that name a body only where the name ends or a title follows ("Anaheim Police Chief Jorge
# Cisneros", "Cook County Clerk"), not in "Police Station" or "Clerk Monica Gordon".
_ENDING_HEADS = {"Police", "Clerk", "Services"}
# Spanish names open with their head noun: "Oficina del Fiscal de Distrito del Condado de Dallas".
SPANISH_HEADS = {
    "Oficina", "Fiscalía", "Departamento", "Grupo", "Facultad", "Universidad", "Tribunal", "Corte", "Juzgado",
    "Ministerio", "Secretaría", "Procuraduría", "Comisión", "Consejo", "Unidad", "Equipo", "División", "Sección",
    "Policía",
}
POLICE_TITLES = {
    "Chief", "Officer", "Officers", "Sergeant", "Detective", "Captain", "Lieutenant", "Commissioner", "Deputy",
    "Deputies", "Investigator", "Investigators", "Agent", "Agents", "Director", "Spokesperson", "Spokesman",
}
# Office holders: "the Orange County District Attorney" names the office itself.
_HOLDER = re.compile(
    r"(?:District Attorney|State['’]s Attorney|State Attorney|County Attorney|Attorney General|"
    r"Public Defender|City Attorney|Sheriff|U\.S\. Attorney|United States Attorney)$"
)
_CAP = r"(?:[A-Z][\w'’.&-]*|\d+(?:st|nd|rd|th))"
_CONN = r"(?:of|for|and|&|on|de|del|de la)(?:\s+the)?"
_RUN = re.compile(rf"(?=[A-Z\d]){_CAP}(?:{SP}(?:{_CONN}{SP})?{_CAP})*")
_HEAD_IN_RUN = re.compile(literal_pattern(HEADS) + r"(?![a-z])")  # organisation names are found from their head
_HOSPITAL = re.compile(r"(?=[A-Z])([A-Z][\w'’&-]*(?:[^\S\n]+[A-Z][\w'’&-]*)+) hospital\b")  # "Ben Taub hospital"
_TOKEN = re.compile(r"\S+")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_NOT_ORG_START = {
    "The", "A", "An", "On", "In", "At", "For", "From", "By", "With", "And", "But", "If", "When", "While",
    "After", "Before", "Since", "During", "Today", "Yesterday", "This", "That", "These", "Those", "Our",
    "His", "Her", "Their", "Its", "Every", "Each", "All", "As", "Under", "Through", "To", "Of",
}
_STATES_ATTORNEY = re.compile(r"['’]s\s+Attorney(?:['’]s\s+Office)?")
_GENERIC = {
    "State", "Court", "Office", "Department", "Police", "County", "City", "Government", "Agency", "Bureau", "Unit",
}
_ACRONYM_DEF = re.compile(r"\(\s*(?:the\s+)?[“\"]?(?P<acr>[A-Z][A-Za-z0-9&.-]{1,11}?[A-Z0-9])[”\"]?\s*\)")


def kb_mentions(text: str, kb: KnowledgeBase, redefined: set[str] = frozenset()) -> list[tuple[int, dict]]:
    """Mentions of knowledge-base names, less the acronyms in ``redefined`` (keys of acronyms the text
    defines as another body)."""
    out = []
    found = following(text, words(text)["kb"], KB_STARTS) if kb is load_kb() else find_words(kb.names_rx, text)
    for m in found:
        k = key(m.group())
        entry = kb.by_key.get(k)
        if entry and k not in redefined and not _inside_longer_name(text, m):
            conf = 0.97 if " " in k else 0.95
            out.append((KB_PRIORITY, mention(text, "organization", *m.span(), entry.canonical, "kb", conf)))
    return out


KB_STARTS = " \n(“"  # what names follow: not a hyphen ("non-FBI")


def _inside_longer_name(text: str, m: re.Match) -> bool:
    """Whether a generic federal name is part of a longer one: "Department of Justice" in "Texas
    Department of Justice" is not the U.S. Department of Justice."""
    if not _GENERIC_FEDERAL.match(m.group()):
        return False
    before = _WORD_BEFORE.search(text, max(0, m.start() - 30), m.start())
    return bool(before) and before.group(1)[0].isupper() and before.group(1) not in _NATIONAL


_GENERIC_FEDERAL = re.compile(r"(?:Department|Bureau|Office) of |Justice Department|Secret Service")
_WORD_BEFORE = re.compile(r"([\w.’'-]+)[^\S\n]+$")
_NATIONAL = {"The", "U.S.", "US", "States", "Federal", "America’s", "America's", "Nation’s", "Nation's"}


def acronym_definitions(text: str) -> list[tuple[str, int, int]]:
    """Acronyms defined as "Full Name (ACR)": (acronym, start, end) of each long form.

    The long form is found Schwartz–Hearst style: the acronym's letters, in order, in the words just
    before the parenthesis, the first letter starting a word ("Gulf Cooperation Council-POL (GCCPOL)").
    """
    found = []
    for m in _ACRONYM_DEF.finditer(text):
        acr = m.group("acr")
        if sum(c.isupper() for c in acr) < 2 or acr.isdigit():
            continue
        window_start = max(0, m.start() - 160)
        window = text[window_start : m.start()]
        window = _CLAUSE_BREAK.split(window)[-1]
        offset = m.start() - len(window)
        words = list(_TOKEN.finditer(window))[-(min(len(acr) + 5, len(acr) * 2)) :]
        long_start = _match_acronym(acr, window, words)
        if long_start is None:
            continue
        start = _with_place_before(text, offset + long_start)
        end = offset + len(window.rstrip())
        long_form = _LEADING_THE.sub("", text[start:end])
        start = end - len(long_form)
        if long_form and long_form[0].isupper():
            found.append((acr, start, end))
    return found


def _with_place_before(text: str, start: int) -> int:
    """Start of a long form with the place that qualifies it: the acronym's letters start at "Justice",
    the name at "Cook County" ("Cook County Justice Advisory Council (JAC)")."""
    before = _WORDS_BEFORE.search(text, max(0, start - 40), start)
    for word in _TOKEN.finditer(text, before.start(), start) if before else ():
        if place_lookup(text[word.start() : start]):  # the longest place first
            return word.start()
    return start


_WORDS_BEFORE = re.compile(r"(?:[A-Z][\w.'’-]*[^\S\n]+){1,3}$")


def _match_acronym(acr: str, window: str, words: list[re.Match]) -> int | None:
    letters = [c.casefold() for c in acr if c.isalpha()]  # "MS-13" stands for "Mara Salvatrucha"
    if not words:
        return None
    lo = words[0].start()
    s = window[lo:].rstrip().casefold()
    i = len(s) - 1
    for n, ch in enumerate(reversed(letters)):
        first = n == len(letters) - 1
        while i >= 0 and (s[i] != ch or (first and i > 0 and s[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
    start = i + 1
    while start > 0 and s[start - 1].isalnum():
        start -= 1
    return lo + start


def pattern_mentions(text: str) -> tuple[list[tuple[int, dict]], list[tuple[int, int]]]:
    """Capitalised names headed by an organisation noun ("Fullerton Police Department",
    "Department of Justice", "180th District Court"), split at "and" between two such names; and the
    spans of names that are units or buildings ("Homicide Unit", "Central Justice Center"): no
    organisations, but no people or places either."""
    out, others = [], []
    for m in _HOSPITAL.finditer(text) if " hospital" in text else ():
        if not (place_lookup(m.group(1)) or any(map(is_head, m.group(1).split()))):  # not "a Garden Grove hospital"
            out.append((PATTERN_PRIORITY, mention(text, "organization", *m.span(), m.group(), "pattern", 0.6)))
    done = 0
    for head in _HEAD_IN_RUN.finditer(text):
        if head.start() < done:  # in the run just read
            continue
        run = _run_holding(text, head.start(), _clause_start(text, head.start(), done))
        if run is None:
            continue
        done = run.end()
        for start, end, is_org in _org_spans(text, run.start(), run.end()):
            name = text[start:end]
            if is_org and not _FACILITY.search(name):
                out.append((PATTERN_PRIORITY, mention(text, "organization", start, end, name, "pattern", 0.7)))
            else:
                others.append((start, end))
    return _campus_names(text, out), others


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
    for run in _RUN.finditer(text, clause):
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


def _org_spans(text: str, lo: int, hi: int) -> list[tuple[int, int, bool]]:
    """(start, end, is an organisation) of the names in the run of capitalised words ``text[lo:hi]``."""
    return [(lo + start, lo + end, is_org) for start, end, is_org in _run_spans(text[lo:hi])]


@lru_cache(maxsize=CACHE_SIZE)
def _run_spans(run: str) -> tuple[tuple[int, int, bool], ...]:
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
    return "." not in stem and stem.casefold() not in ABBREVIATIONS and not stem.isupper()


def _org_spans_of(text: str, tokens: list[tuple[int, int, str, bool]]):
    """Tokens are (start, end, word, is_head)."""
    # split at "and"/"&" after a head noun ("Fullerton Police Department and Orange County Crime Lab")
    # or before "the" ("Little Village and The Firehouse Community Arts Center"), but not inside one name
    # ("Juvenile Probation and Court Services Department", "Civil Rights and Restorative Justice Project")
    parts, current = [], []
    for i, t in enumerate(tokens):
        following = tokens[i + 1][2] if i + 1 < len(tokens) else ""
        ends_name = current and (current[-1][3] or following in ("The", "the") or _long_unheaded(current))
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
            unit = heads[-1] if unit is None and _bare(part[heads[-1]][2]) in UNIT_HEADS else unit
            heads.pop()
        if unit is not None:
            named = _drop_leading_segments(part[: unit + 1])  # "Jane Doe of the Homicide Unit": the unit only
            yield named[0][0], named[-1][1], False
        if not heads:
            continue
        last = heads[-1]
        end_i = len(part) - 1 if last + 1 < len(part) and part[last + 1][2] in _EXTENDERS else last
        span = _drop_leading_segments(part[: end_i + 1])
        if len(span) < 2:
            continue
        start, end = span[0][0], span[-1][1]
        while end > start and text[end - 1] in ",.;:'’" and not text[start:end].endswith(("Inc.", "Dept.")):
            end -= 1
        if text[end - 2 : end] in ("’s", "'s"):
            end -= 2
        yield start, end, True


def _long_unheaded(tokens: list[tuple]) -> bool:
    """More than two words without a head before "and": a list ("State Attorney Katherine Fernandez Rundle
    and Miami-Beach Police Department"), not one name ("Civil Rights and Restorative Justice Project")."""
    return len(tokens) > 2 and not any(t[3] for t in tokens)


def _not_final_head(part: list[tuple], i: int) -> bool:
    """Whether the head at ``i`` cannot end an organisation name: a police or clerk head before a word
    other than a title ("Police Station"), or a unit's head ("Homicide Unit", but "Bureau of Prisons")."""
    word = _bare(part[i][2])
    following = part[i + 1][2] if i + 1 < len(part) else ""
    if word in _ENDING_HEADS:
        return bool(following) and following[0].isupper() and following not in POLICE_TITLES
    if word in _OPENING_HEADS:
        return following != "of"
    return word in UNIT_HEADS and following not in _EXTENDERS and part[0][2] not in _SCOPES


_OPENING_HEADS = {"Government"}  # "Government of El Salvador", not "OCDA Government Integrity"
# A body of its own, not a unit, whatever its head: "National Insurance Crime Bureau".
_SCOPES = {"National", "International", "American", "Federal", "European", "Global", "World", "Regional"}


_EXTENDERS = {"of", "for", "de", "del"}  # a name goes on after its head: "Bureau of Prisons", "Project de Nueva York"


def _bare(token: str) -> str:
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


_SEGMENT_BREAKS = {"of", "for", "on", "de", "del"}
_INSTITUTIONS = {
    "City", "County", "State", "Town", "Village", "Government", "Commonwealth", "People", "Republic", "Kingdom",
}


@lru_cache(maxsize=CACHE_SIZE)
def is_head(token: str) -> bool:
    """Whether a word is an organisation noun, also with a possessive or trailing punctuation
    ("Sheriff's Office,") or as the last part of a hyphenated word ("Council-POL")."""
    if token not in HEADS:
        token = token.rstrip(",;:")
        if token.endswith(("’s", "'s")):
            token = token[:-2]
    return token in HEADS or token.rstrip(".") in HEADS or token.split("-")[-1] in HEADS


@lru_cache(maxsize=CACHE_SIZE)
def clean_org_name(name: str) -> str:
    """Drop a leading "the", a trailing possessive and stray punctuation; collapse whitespace; spell out
    "DA's Office". Cached: the same names recur."""
    name = _SPACES.sub(" ", name).strip(" ,.;:–—-\"“”")
    name = _DA.sub("District Attorney", _LEADING_THE.sub("", name))
    if name.endswith(("’s", "'s")) and not _HOLDER.search(name[:-2]):
        name = name[:-2]
    return name


_DA = re.compile(r"\bDA(?=['’]s\b|\s+Office\b)")


def canonical_org(name: str, kb: KnowledgeBase) -> tuple[str, str | None]:
    """(canonical name, KB canonical or None) of an organisation name as written."""
    name = clean_org_name(name)
    entry = kb.lookup(name)
    if entry is None and name.endswith(" Police"):
        entry = kb.lookup(name + " Department")  # "Los Angeles Police" officers
    if entry is None and _HOLDER.search(name):
        # "the Orange County District Attorney" is the office: look it up as "... Attorney's Office"
        entry = kb.lookup(name + "’s Office")
        if entry is None:
            name = name + "’s Office"
    return (entry.canonical, entry.canonical) if entry else (name, None)


def join_variants(names: list[str]) -> dict[str, str]:
    """Map each non-KB name to one representative: close spellings and office variants join,
    the longest variant wins ("Orange County District Attorney Office" -> "...Attorney's Office")."""
    rep: dict[str, str] = {}
    heads: list[tuple[str, str, str]] = []  # representative, its comparison key, its digits
    for name in sorted(set(names), key=lambda n: (-len(n), n)):
        k = key(name).replace("'s ", " ").replace("'", "")
        numbers = digits(k)  # "208th District Court" is not the "180th District Court"
        match = next((r for r, kr, nr in heads if nr == numbers and fuzz.ratio(k, kr) >= 92), None)
        if match is None:
            heads.append((name, k, numbers))
        rep[name] = match or name
    return rep


def names_organization(text: str) -> bool:
    """Cheap, independent cue that a text names an organisation: a KB alias, or a capitalised name
    headed by Office/Department/Police/Court/Agency/Bureau/Council."""
    kb = load_kb()
    if any(True for _ in find_words(kb.names_rx, text or "")):
        return True
    return bool(_ORG_CUE.search(text or ""))


# A capitalised word that is not an article or pronoun ("The Court" names no particular court), then
# the noun, all on one line and within one sentence ("Utah. Police" is none); "Police" as above, ending
# the name or before a title; "Bureau" only as "Bureau of" (a "Special Victims Bureau" is a unit).
_ORG_CUE = re.compile(
    r"\b(?!(?:The|A|An|This|That|These|Those|Our|Their|His|Her|Its|Each|Every|All|Any|No)\b)"
    r"(?:(?:[A-Z]\.)+|[A-Z][\w'’-]*)"
    r"(?:[^\S\n]+(?:of[^\S\n]+(?:the[^\S\n]+)?)?(?:(?:[A-Z]\.)+|[A-Z][\w'’-]*))*[^\S\n]+"
    r"(?:(?:Office|Department|Court|Agency|Council)\b|Bureau[^\S\n]+of\b"
    r"|Police\b(?![^\S\n]+(?!(?:Chief|Officers?|Sergeant|Detective|Captain|Lieutenant|Commissioner)\b)[A-Z]))"
)


def organization_mentions(
    text: str, kb: KnowledgeBase, ner_orgs: list[tuple[int, int]] = (), blocked: list[tuple[int, int]] = ()
) -> tuple[list[dict], dict[str, str], list[tuple[int, int]]]:
    """All organisation mentions of one article with canonical names, the acronyms it defines, and the
    spans of names that are no organisation but no person or place either (units, buildings). NER
    names overlapping ``blocked`` (the dateline's places) are left out."""
    acronym_candidates, acronyms, redefined = _acronym_mentions(text, kb)
    patterns, others = pattern_mentions(text)
    patterns += spanish_mentions(text)
    candidates = _outside_longer_names(kb_mentions(text, kb, redefined), patterns) + patterns + acronym_candidates
    candidates += _ner_mentions(text, ner_orgs, Spans(blocked))
    mentions = select_spans(candidates)
    for m in mentions:
        if m["method"] in ("pattern", "ner"):
            m["normalized"], in_kb = canonical_org(m["normalized"], kb)
            if in_kb:
                m["method"] += "+kb"
    # join spelling variants written in this article, short forms to the full names they end, and
    # acronyms to the names they stand for
    rep = join_variants([m["normalized"] for m in mentions if kb.lookup(m["normalized"], fuzzy=False) is None])
    for m in mentions:
        m["normalized"] = rep.get(m["normalized"], m["normalized"])
    short = _join_short_forms(mentions, kb)
    acronyms = {a: short.get(rep.get(c, c), rep.get(c, c)) for a, c in acronyms.items()}
    return mentions, defined_acronyms(mentions, kb) | acronyms, others


def _outside_longer_names(known: list[tuple[int, dict]], patterns: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """Knowledge-base mentions, less those inside a longer name that goes on to a head noun of its own:
    "U.S. Marshals Service Gulf Coast Violent Offenders Task Force", "Justice Department's Office of
    International Affairs" name a part of the body, and the longer name is kept. A list ("the FBI and
    Chicago Police Department") is not a longer name."""
    longer = [m for _, m in patterns]
    out = []
    for priority, k in known:
        inside = next((p for p in longer if p["start"] <= k["start"] and k["end"] < p["end"]), None)
        if inside is None or not _names_a_part(inside["text"][k["end"] - inside["start"] :]):
            out.append((priority, k))
    return out


def _names_a_part(rest: str) -> bool:
    """Whether the words after a body's name name a part of it: two words or more with a head noun
    ("'s Office of International Affairs", " Miami Office"), not " Secretary Alejandro Mayorkas",
    "'s Office" or a list."""
    words = _POSSESSIVE_START.sub("", rest).split()
    return len(words) >= 2 and any(map(is_head, words)) and not _LIST_SEPARATOR.search(rest)


_POSSESSIVE_START = re.compile(r"^['’]s\b")


_LIST_SEPARATOR = re.compile(r",|\band\b|&")


def _join_short_forms(mentions: list[dict], kb: KnowledgeBase) -> dict[str, str]:
    """Point a name outside the knowledge base at a longer name of the article that ends with it ("the
    Sheriff's Office" -> "Riverside County Sheriff's Office", "Court of Appeal" -> "2nd District Court of
    Appeal") or goes on from it ("New Life Centers" -> "New Life Centers of Chicagoland"), the nearest one
    before it when several do. Longer names are compared as written and as normalized. Returns the names
    that were joined."""
    keys: dict[str, set[str]] = {}  # name -> its keys as normalized and as written
    first: dict[str, int] = {}  # name -> start of its first mention
    for m in mentions:
        keys.setdefault(m["normalized"], {_suffix_key(m["normalized"])}).add(_suffix_key(clean_org_name(m["text"])))
        first.setdefault(m["normalized"], m["start"])
    joined = {}
    for name in keys:
        short = _suffix_key(name)
        if " " not in short or kb.lookup(name, fuzzy=False):
            continue
        stem = short.rstrip("s")  # a cheap test first: the long key holds the short one
        longer = [n for n in keys if n != name and any(stem in k and _ends_or_goes_on(k, short) for k in keys[n])]
        if longer:
            before = [o for o in mentions if o["normalized"] in longer and o["start"] < first[name]]
            joined[name] = before[-1]["normalized"] if before else longer[0]
    for m in mentions:
        m["normalized"] = joined.get(m["normalized"], m["normalized"])
    return joined


def _ends_or_goes_on(long: str, short: str) -> bool:
    """Whether the key ``long`` ends with ``short`` (a plural ending aside: "Court of Appeals" ends "District
    Court of Appeal") or goes on from it with "of", "for", "de" ("New Life Centers of Chicagoland")."""
    if long.rstrip("s").endswith(" " + short.rstrip("s")):
        return True
    return long.startswith(short + " ") and long[len(short) + 1 :].startswith(_GOES_ON)


_GOES_ON = ("of ", "de ", "del ", "for ")


def _suffix_key(name: str) -> str:
    """Comparison key that ignores possessives: "Sheriff's Office" ends "Riverside County Sheriff Office"."""
    return key(name).replace("'s ", " ").replace("'", "")


def defined_acronyms(mentions: list[dict], kb: KnowledgeBase) -> dict[str, str]:
    """Knowledge-base acronyms the article uses beside the full name of the same body ("FBI" and "the
    Federal Bureau of Investigation"): acronym -> canonical name."""
    acronyms, named = {}, set()
    for m in mentions:
        entry = kb.by_key.get(key(m["text"])) if m["method"] == "kb" else None
        if entry and m["text"] in entry.acronyms:
            acronyms.setdefault(m["text"], entry.canonical)
        else:
            named.add(m["normalized"])
    return {a: c for a, c in acronyms.items() if c in named}


def _acronym_mentions(text: str, kb: KnowledgeBase) -> tuple[list[tuple[int, dict]], dict[str, str], set[str]]:
    """Long forms of acronyms the text defines, every use of those acronyms in the article, and the
    acronyms the text defines otherwise than the knowledge base. An acronym the knowledge base knows for
    the same body is left to it."""
    out, acronyms, redefined = [], {}, set()
    for acr, start, end in acronym_definitions(text):
        long_form = text[start:end]
        canonical, in_kb = canonical_org(long_form, kb)
        known = kb.lookup(acr, fuzzy=False)
        if known and in_kb in (None, known.canonical):
            acronyms[acr] = known.canonical
            continue
        headed = in_kb or any(is_head(t) for t in long_form.split())
        if _bare(long_form.split()[-1]) in UNIT_HEADS or not (headed or _capitalised_name(long_form)):
            continue
        if known:
            redefined.add(key(acr))
        acronyms[acr] = canonical
        conf = 0.9 if headed else 0.75
        out.append((ACRONYM_PRIORITY, mention(text, "organization", start, end, canonical, "acronym", conf)))
    for acr, canonical in acronyms.items():
        if kb.lookup(acr, fuzzy=False) is None or key(acr) in redefined:
            for span in word_spans(text, acr):
                out.append((ACRONYM_PRIORITY, mention(text, "organization", *span, canonical, "acronym", 0.85)))
    return out, acronyms, redefined


def _ner_mentions(text: str, ner_orgs: list[tuple[int, int]], blocked: Spans) -> list[tuple[int, dict]]:
    out = []
    for start, end in ner_orgs:
        if blocked.overlaps((start, end)):
            continue
        # "Cook County State" of "Cook County State's Attorney": the office holder names the office
        if _ENDS_STATE.search(text, start, end):
            holder = _STATES_ATTORNEY.match(text, end - 2 if text[end - 2 : end] in ("'s", "’s") else end)
            end = holder.end() if holder else end
        following = _NEXT_WORD.match(text, end)
        if following and following.group(1) in _NOT_ORG_END:
            continue  # a cut-off name: "Angeles National" of "Angeles National Forest"
        name = _without_trailing_place(clean_org_name(text[start:end]))
        offset = text.find(name, start, end) if name and _looks_like_org(name, text) else -1
        if offset >= 0:  # the span shrinks to the cleaned name, so that text[start:end] is the name
            out.append((NER_PRIORITY, mention(text, "organization", offset, offset + len(name), name, "ner", 0.6)))
    return out


_NOT_ORG_END = {
    "Act", "Law", "Bill", "Drive", "Street", "Avenue", "Road", "Boulevard", "Highway", "Freeway", "Route", "Forest",
    "Park", "Award", "Awards", "Prize", *UNIT_HEADS,
    # a job, not a body: "Victim Services Specialist"
    "Specialist", "Officer", "Manager", "Coordinator", "Supervisor", "Analyst", "Technician", "Advocate", "Director",
    "Investigator", "Prosecutor", "Attorney", "Deputy", "Agent", "Detective", "Sergeant", "Chief",
}
# Names NER tags as organisations that, in press releases, are something else: vehicle makes ("a black
# Kia") and everyday abbreviations ("DOB", "EMS").
NOT_ORGANIZATIONS = {
    "Acura", "Audi", "BMW", "Buick", "Cadillac", "Chevrolet", "Chevy", "Chrysler", "Dodge", "Ford", "GMC", "Honda",
    "Hyundai", "Infiniti", "Jeep", "Kia", "Lexus", "Mazda", "Mercedes", "Mercedes-Benz", "Mitsubishi", "Nissan",
    "Pontiac", "Porsche", "Subaru", "Tesla", "Toyota", "Volkswagen", "Volvo", "VW",
    "DOB", "EMS", "DNA", "DUI", "DWI", "CEO", "CFO", "SUV", "GPS", "ATM", "CPR", "ID", "PIN", "TV", "AM", "PM", "CCTV",
    "DA", "ADA", "SA", "ASA", "AUSA",
}
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
_CLAUSE_BREAK = re.compile(r"[.;:()\n“”\"]")
_NEXT_WORD = re.compile(r"[^\S\n]+([A-Z]\w*)")


def _without_trailing_place(name: str) -> str:
    """"Louis Vuitton Chicago" (a store) is "Louis Vuitton"; "Bank of America" and "Chicago Police" stay."""
    body, _, last = name.rpartition(" ")
    headless = body and not body.endswith((" of", " de", " for")) and not any(map(is_head, body.split()))
    if headless and place_lookup(last):
        return body if _looks_like_org(name, "") else name  # "Angeles National Forest" is no store
    return name


def _capitalised_name(name: str) -> bool:
    words = [w for w in name.split() if w not in ("of", "for", "and", "the", "&", "de", "del", "la")]
    return len(words) >= 2 and all(w[0].isupper() for w in words)


def _looks_like_org(name: str, text: str) -> bool:
    """Whether an NER ORG name is worth keeping: not a generic word, a law, a road, a list, a unit, a
    building, a place, a vehicle make, a charge, or a word the text also writes in lower case ("Justice")."""
    words = name.split()
    if not words or len(words) > 12 or not name[0].isupper() or name in _GENERIC or "," in name:
        return False
    if words[-1] in _NOT_ORG_END or name in NOT_ORGANIZATIONS or _FACILITY.search(name) or place_lookup(name):
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
