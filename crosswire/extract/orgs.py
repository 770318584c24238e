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
The names found from head nouns, and the units and buildings, are ``orgnames``'s; their words are in
crosswire/data/organizations.toml.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from crosswire.extract.acronyms import acronym_definitions
from crosswire.extract.kb import KnowledgeBase, load_kb
from crosswire.extract.lexicon import following, words
from crosswire.extract.nernames import ner_mentions
from crosswire.extract.orglists import company_mentions, plural_lists
from crosswire.extract.orgnames import (
    ACRONYM_PRIORITY,
    HOLDER,
    KB_PRIORITY,
    LEGAL_FORMS,
    UNIT_HEADS,
    bare,
    capitalised_name,
    clean_org_name,
    is_head,
    pattern_mentions,
    spanish_mentions,
)
from crosswire.extract.text import (
    Spans,
    digits,
    find_words,
    key,
    mention,
    select_spans,
    word_spans,
)
from crosswire.vocabulary import vocabulary

_VOCABULARY = vocabulary("organizations")


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


KB_STARTS = " \n(“«’'"  # what names follow, "l’ONUDC" too: not a hyphen ("non-FBI")


def _inside_longer_name(text: str, m: re.Match) -> bool:
    """Whether a generic federal name is part of a longer one: "Department of Justice" in "Texas
    Department of Justice" is not the U.S. Department of Justice."""
    if not _GENERIC_FEDERAL.match(m.group()):
        return False
    before = _WORD_BEFORE.search(text, max(0, m.start() - 30), m.start())
    return bool(before) and before.group(1)[0].isupper() and before.group(1) not in _NATIONAL


_GENERIC_FEDERAL = re.compile(r"(?:Department|Bureau|Office) of |Justice Department|Secret Service")
_WORD_BEFORE = re.compile(r"([\w.’'-]+)[^\S\n]+$")
_NATIONAL = frozenset(_VOCABULARY["national"])



def canonical_org(name: str, kb: KnowledgeBase) -> tuple[str, str | None]:
    """(canonical name, KB canonical or None) of an organisation name as written."""
    name = clean_org_name(name)
    entry = kb.lookup(name)
    if entry is None and name.endswith(" Police"):
        entry = kb.lookup(name + " Department")  # "Los Angeles Police" officers
    if entry is None and HOLDER.search(name):
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
    patterns += spanish_mentions(text) + plural_lists(text) + company_mentions(text)
    candidates = _outside_longer_names(kb_mentions(text, kb, redefined), patterns) + patterns + acronym_candidates
    candidates += ner_mentions(text, ner_orgs, Spans(blocked))
    mentions = _outside_venues(text, select_spans(candidates))
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
    return mentions, defined_acronyms(mentions, kb) | acronyms | _join_initials(mentions, kb), others


def _outside_venues(text: str, mentions: list[dict]) -> list[dict]:
    """Less the names a media advisory gives as its venue ("WHERE: State Attorney's Office, 1350 NW 12
    Avenue"): a place there, not a body taking part."""
    venues = Spans([m.span() for m in _VENUE.finditer(text)] if "WHERE" in text or "Where" in text else [])
    return [m for m in mentions if not venues.overlaps((m["start"], m["end"]))]


_VENUE = re.compile(r"^[ \t]*(?:WHERE|Where)[ \t]*:[^\n]*", re.MULTILINE)


def _join_initials(mentions: list[dict], kb: KnowledgeBase) -> dict[str, str]:
    """Point an acronym no definition or knowledge-base entry explains at the name of the article it is the
    initials of ("CPD" and "Chicago Police Department", "NYPD" and "New York City Police Department", "JAC"
    and "Cook County Justice Advisory Council"): acronym -> name, the mentions renamed."""
    names = [m["normalized"] for m in mentions if " " in m["normalized"]]
    joined = {}
    for m in mentions:
        acronym = m["normalized"]
        if not _ACRONYM.fullmatch(acronym) or acronym in joined or kb.lookup(acronym, fuzzy=False):
            continue
        found = next((n for n in dict.fromkeys(names) if _initials_of(acronym, n)), None)
        if found:
            joined[acronym] = found
    for m in mentions:
        m["normalized"] = joined.get(m["normalized"], m["normalized"])
    return joined


def _initials_of(acronym: str, name: str) -> bool:
    """Whether `acronym`'s letters are the initials of `name`'s words, from any word to the last, one word
    at most left out between them (the words of "of", "the", "and" never count)."""
    initials = [w[0].upper() for w in re.split(r"[\s-]+", name.replace("’s", "").replace("'s", ""))
                if w and w[0].isalpha() and w.lower() not in _SKIPPED_IN_INITIALS]
    letters = acronym.replace(".", "").replace("&", "")
    if len(letters) < 2 or not initials or letters[-1] != initials[-1]:
        return False
    for first in (i for i, ch in enumerate(initials) if ch == letters[0]):
        at, skipped = first, 0
        for letter in letters[1:]:
            nxt = next((j for j in range(at + 1, len(initials)) if initials[j] == letter), None)
            if nxt is None:
                break
            skipped += nxt - at - 1
            at = nxt
        else:
            if at == len(initials) - 1 and skipped <= 1:
                return True
    return False


_ACRONYM = re.compile(r"[A-Z][A-Z&.]{1,7}")
_SKIPPED_IN_INITIALS = frozenset({"of", "the", "and", "for", "&", "de", "del", "la", "on"})


def unit_parents(mentions: list[dict]) -> dict[str, str]:
    """Unit -> the organisation of the article it belongs to: the one whose name holds the words the text
    names the unit's body with ("the District Attorney's Homicide Bureau" of the "Los Angeles County
    District Attorney's Office"), else those words. Takes the `parent` out of the unit mentions."""
    bodies = [m["normalized"] for m in mentions if m["method"] != "unit"]
    parents = {}
    for m in mentions:
        named = m.pop("parent", None)
        if m["method"] == "unit" and named:
            wanted = key(named)
            parents[m["normalized"]] = next((b for b in bodies if wanted in key(b)), named)
    return parents


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
    Court of Appeal") or goes on from it with "of", "for", "de" ("New Life Centers of Chicagoland") or a
    company's legal form ("Albri Consulting, LLC")."""
    if long.rstrip("s").endswith(" " + short.rstrip("s")):
        return True
    if long.startswith(short + ", ") and long[len(short) + 2 :] in _LEGAL_KEYS:  # "Albri Consulting, LLC"
        return True
    rest = long[len(short) + 1 :]
    return long.startswith(short + " ") and (rest.startswith(_GOES_ON) or rest in _LEGAL_KEYS)


_GOES_ON = tuple(w + " " for w in _VOCABULARY["extenders"])  # "of ", "for ", "de ", "del "
_LEGAL_KEYS = frozenset(key(form) for form in LEGAL_FORMS)  # "Albri Consulting" is "Albri Consulting, LLC"


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
        if bare(long_form.split()[-1]) in UNIT_HEADS or not (headed or capitalised_name(long_form)):
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
