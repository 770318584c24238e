"""Organisations: the curated knowledge base, acronyms defined in the text, org-name patterns, NER names.

Every organisation mention gets a canonical name so that variants of one body join: the knowledge
base's canonical when any alias, acronym or close spelling matches; else the longest variant written
in the article ("the Orange County District Attorney" joins "Orange County District Attorney's Office").
Where sources overlap the knowledge base wins, then acronyms, then patterns, then NER. A mention's
method says where it came from: 'kb', 'acronym', 'pattern' or 'ner', with '+kb' when a pattern or NER
name was then found in the knowledge base.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from crosswire.extraction.kb import KnowledgeBase, load_kb
from crosswire.extraction.text import (
    ABBREVIATIONS,
    SP,
    Spans,
    digits,
    find_words,
    key,
    literal_pattern,
    literal_regex,
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
    "Guard", "Marshals", "Prosecutors",
}
_HEAD_IN_RUN = re.compile(literal_pattern(HEADS) + r"(?![a-z])")
POLICE_TITLES = {"Chief", "Officer", "Officers", "Sergeant", "Detective", "Captain", "Lieutenant", "Commissioner"}
# Office holders: "the Orange County District Attorney" names the office itself.
_HOLDER = re.compile(
    r"(?:District Attorney|State['’]s Attorney|State Attorney|County Attorney|Attorney General|"
    r"Public Defender|City Attorney|Sheriff|U\.S\. Attorney|United States Attorney)$"
)
_CAP = r"(?:[A-Z][\w'’.&-]*|\d+(?:st|nd|rd|th))"
_CONN = r"(?:of|for|and|&|on|de|del|de la)(?:\s+the)?"
_RUN = re.compile(rf"(?=[A-Z\d]){_CAP}(?:{SP}(?:{_CONN}{SP})?{_CAP})*")
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


def kb_mentions(text: str, kb: KnowledgeBase) -> list[tuple[int, dict]]:
    out = []
    for rx, conf in ((kb.names_rx, 0.97), (kb.words_rx, 0.95)):
        for m in find_words(rx, text):
            entry = kb.by_key.get(key(m.group()))
            if entry and not _inside_longer_name(text, m):
                out.append((KB_PRIORITY, mention(text, "organization", *m.span(), entry.canonical, "kb", conf)))
    return out


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
        window = re.split(r"[.;:()\n“”\"]", window)[-1]
        offset = m.start() - len(window)
        words = list(_TOKEN.finditer(window))[-(min(len(acr) + 5, len(acr) * 2)) :]
        long_start = _match_acronym(acr, window, words)
        if long_start is None:
            continue
        start = offset + long_start
        end = offset + len(window.rstrip())
        long_form = _LEADING_THE.sub("", text[start:end])
        start = end - len(long_form)
        if long_form and long_form[0].isupper():
            found.append((acr, start, end))
    return found


def _match_acronym(acr: str, window: str, words: list[re.Match]) -> int | None:
    letters = [c.casefold() for c in acr if c.isalnum()]
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


def pattern_mentions(text: str) -> list[tuple[int, dict]]:
    """Capitalised names headed by an organisation noun ("Fullerton Police Department",
    "Department of Justice", "180th District Court"), split at "and" between two such names."""
    out = []
    for run in _RUN.finditer(text):
        if not _HEAD_IN_RUN.search(run.group()):
            continue
        for start, end in _org_spans(text, run.start(), run.end()):
            name = text[start:end]
            out.append((PATTERN_PRIORITY, mention(text, "organization", start, end, name, "pattern", 0.7)))
    return out


def _org_spans(text: str, lo: int, hi: int):
    """Spans of the organisation names in a run of capitalised words; sentence ends split the run."""
    tokens = []
    for m in _TOKEN.finditer(text, lo, hi):
        word = m.group()
        tokens.append((m.start(), m.end(), word, _is_head(word)))
        if _ends_sentence(word):
            yield from _org_spans_of(text, tokens)
            tokens = []
    yield from _org_spans_of(text, tokens)


def _ends_sentence(token: str) -> bool:
    """A token like "Proctor." ends a sentence; "U.S.", "Dept.", "Inc." and initials do not."""
    if not token.endswith(".") or len(token) <= 2:
        return False
    stem = token[:-1]
    return "." not in stem and stem.casefold() not in ABBREVIATIONS and not stem.isupper()


def _org_spans_of(text: str, tokens: list[tuple[int, int, str, bool]]):
    """Tokens are (start, end, word, is_head)."""
    # split at "and"/"&" after a head noun ("Fullerton Police Department and Orange County Crime Lab")
    # or after words without one ("Little Village and The Firehouse Community Arts Center")
    parts, current, has_head = [], [], False
    for t in tokens:
        if t[2] in ("and", "&") and current and (current[-1][3] or not has_head):
            parts.append(current)
            current, has_head = [], False
        else:
            current.append(t)
            has_head = has_head or t[3]
    parts.append(current)
    for part in parts:
        while part and (part[0][2] in _NOT_ORG_START or not (part[0][2][0].isupper() or part[0][2][0].isdigit())):
            part = part[1:]
        heads = [i for i, t in enumerate(part) if t[3]]
        # "Police" heads a name where the name ends ("City of Miami Police") or a title follows ("Anaheim
        # Police Chief Jorge Cisneros"), not in "Police Station" or "Fatal Crash During Police Chase"
        if heads and part[heads[-1]][2] == "Police":
            following = part[heads[-1] + 1 : heads[-1] + 2]
            if following and following[0][2][0].isupper() and following[0][2] not in POLICE_TITLES:
                heads.pop()
        if not heads:
            continue
        last = heads[-1]
        end_i = len(part) - 1 if last + 1 < len(part) and part[last + 1][2] in ("of", "for") else last
        span = _drop_leading_segments(part[: end_i + 1])
        if len(span) < 2:
            continue
        start, end = span[0][0], span[-1][1]
        while end > start and text[end - 1] in ",.;:'’" and not text[start:end].endswith(("Inc.", "Dept.")):
            end -= 1
        if text[end - 2 : end] in ("’s", "'s"):
            end -= 2
        yield start, end


def _drop_leading_segments(span: list[tuple]) -> list[tuple]:
    """From "<words> of the <Org>", keep "<Org>" unless the words name an institution themselves
    ("Department of Justice", "City of Miami Police")."""
    while True:
        cut = next((i for i, t in enumerate(span) if t[2] in _SEGMENT_BREAKS), None)
        if cut is None:
            return span
        first = span[:cut]
        if any(t[3] for t in first) or (first and first[0][2] in _INSTITUTIONS):
            return span
        span = span[cut + 1 :]
        while span and span[0][2] in ("the", "The"):
            span = span[1:]


_SEGMENT_BREAKS = {"of", "for", "on", "de", "del"}
_INSTITUTIONS = {
    "City", "County", "State", "Town", "Village", "Government", "Commonwealth", "People", "Republic", "Kingdom",
}


@lru_cache(maxsize=65536)
def _is_head(token: str) -> bool:
    """Whether a word is an organisation noun, also with a possessive or trailing punctuation
    ("Sheriff's Office,") or as the last part of a hyphenated word ("Council-POL")."""
    if token not in HEADS:
        token = token.rstrip(",;:")
        if token.endswith(("’s", "'s")):
            token = token[:-2]
    return token in HEADS or token.rstrip(".") in HEADS or token.split("-")[-1] in HEADS


def clean_org_name(name: str) -> str:
    """Drop a leading "the", a trailing possessive and stray punctuation; collapse whitespace."""
    name = re.sub(r"\s+", " ", name).strip(" ,.;:–—-\"“”")
    name = _LEADING_THE.sub("", name)
    if name.endswith(("’s", "'s")) and not _HOLDER.search(name[:-2]):
        name = name[:-2]
    return name


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
    if any(True for rx in (kb.words_rx, kb.names_rx) for _ in find_words(rx, text or "")):
        return True
    return bool(_ORG_CUE.search(text or ""))


# A capitalised word that is not an article or pronoun ("The Court" names no particular court), then
# the noun; "Police" as above, ending the name or before a title.
_ORG_CUE = re.compile(
    r"\b(?!(?:The|A|An|This|That|These|Those|Our|Their|His|Her|Its|Each|Every|All|Any|No)\b)[A-Z][\w'’.-]*"
    r"(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’.-]*)*\s+"
    r"(?:(?:Office|Department|Court|Agency|Bureau|Council)\b"
    r"|Police\b(?![^\S\n]+(?!(?:Chief|Officers?|Sergeant|Detective|Captain|Lieutenant|Commissioner)\b)[A-Z]))"
)


def organization_mentions(
    text: str, kb: KnowledgeBase, ner_orgs: list[tuple[int, int]] = (), blocked: list[tuple[int, int]] = ()
) -> tuple[list[dict], dict[str, str]]:
    """All organisation mentions of one article with canonical names, and the acronyms it defines.
    NER names overlapping ``blocked`` (the dateline's places) are left out."""
    acronym_candidates, acronyms = _acronym_mentions(text, kb)
    candidates = kb_mentions(text, kb) + pattern_mentions(text) + acronym_candidates
    candidates += _ner_mentions(text, ner_orgs, Spans(blocked))
    mentions = select_spans(candidates)
    for m in mentions:
        if m["method"] in ("pattern", "ner"):
            m["normalized"], in_kb = canonical_org(m["normalized"], kb)
            if in_kb:
                m["method"] += "+kb"
    # join spelling variants written in this article, and acronyms to the names they stand for
    rep = join_variants([m["normalized"] for m in mentions if kb.lookup(m["normalized"], fuzzy=False) is None])
    for m in mentions:
        m["normalized"] = rep.get(m["normalized"], m["normalized"])
    return mentions, {a: rep.get(c, c) for a, c in acronyms.items()}


def _acronym_mentions(text: str, kb: KnowledgeBase) -> tuple[list[tuple[int, dict]], dict[str, str]]:
    """Long forms of acronyms the text defines, and every use of those acronyms in the article.
    Acronyms the knowledge base knows are left to it."""
    out, acronyms = [], {}
    for acr, start, end in acronym_definitions(text):
        if kb.lookup(acr, fuzzy=False):
            continue
        long_form = text[start:end]
        canonical, in_kb = canonical_org(long_form, kb)
        headed = in_kb or any(_is_head(t) for t in long_form.split())
        if not headed and not _capitalised_name(long_form):
            continue
        acronyms[acr] = canonical
        conf = 0.9 if headed else 0.75
        out.append((ACRONYM_PRIORITY, mention(text, "organization", start, end, canonical, "acronym", conf)))
    for acr, canonical in acronyms.items():
        for span in word_spans(text, acr):
            out.append((ACRONYM_PRIORITY, mention(text, "organization", *span, canonical, "acronym", 0.85)))
    return out, acronyms


def _ner_mentions(text: str, ner_orgs: list[tuple[int, int]], blocked: Spans) -> list[tuple[int, dict]]:
    out = []
    for start, end in ner_orgs:
        if blocked.overlaps((start, end)):
            continue
        # "Cook County State" of "Cook County State's Attorney": the office holder names the office
        if _ENDS_STATE.search(text, start, end):
            holder = _STATES_ATTORNEY.match(text, end - 2 if text[end - 2 : end] in ("'s", "’s") else end)
            end = holder.end() if holder else end
        name = clean_org_name(text[start:end])
        offset = text.find(name, start, end) if name and _looks_like_org(name) else -1
        if offset >= 0:  # the span shrinks to the cleaned name, so that text[start:end] is the name
            out.append((NER_PRIORITY, mention(text, "organization", offset, offset + len(name), name, "ner", 0.6)))
    return out


_NOT_ORG_END = {
    "Act", "Law", "Bill", "Drive", "Street", "Avenue", "Road", "Boulevard", "Highway", "Freeway", "Route", "Forest",
    "Park",
}
_ENDS_STATE = re.compile(r" State(?:['’]s)?$")


def _capitalised_name(name: str) -> bool:
    words = [w for w in name.split() if w not in ("of", "for", "and", "the", "&", "de", "del", "la")]
    return len(words) >= 2 and all(w[0].isupper() for w in words)


def _looks_like_org(name: str) -> bool:
    """Whether an NER ORG name is worth keeping: not a generic word, a law, a road or a list."""
    words = name.split()
    if not words or len(words) > 12 or not name[0].isupper() or name in _GENERIC or "," in name:
        return False
    if words[-1] in _NOT_ORG_END:
        return False
    if re.search(r"[.!?]\s+[A-Z]", name):  # runs across a sentence end: "Proctor. The Court"
        return False
    if any(ch.isdigit() for ch in name) and not re.search(r"\d+(?:st|nd|rd|th)\b", name):
        return False
    return not (name.isupper() and len(words) > 3)  # shouted headline fragments
