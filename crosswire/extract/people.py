"""People with their roles: titles before names ("INTERPOL Secretary General Jürgen Stock"), roles after
names ("Koman, AIMC Secretary General said"), age and residence appositives ("Trevor Harwell, 20, of
Fullerton"), dates of birth, words that stand before people ("the defendant, Job Uriah Taylor", "his
wife, Victoria Anderson", "charges against Jacob Hobson"), names next to speech verbs or as the subject
of a charge ("James Anderson was charged"), list lines ("Prosecutor of the Year: Amy Zois"), Spanish
titles ("El Fiscal Penal del Condado de Dallas, John Creuzot"), spaCy PERSON names. Variants of a name
join, and later surname mentions ("Stock said") resolve to the full name. An organisation before the
title is the person's affiliation; a place stays in the role ("Harris County District Attorney"). A
person without a title gets the part they play in the case where the words around them say it
("defendant", "victim"). What a name is made of, and how mentions of one person join, is ``names``'s."""

from __future__ import annotations

import re

from crosswire.extract.gazetteer import lookup as place_lookup
from crosswire.extract.lexicon import (
    CHARGED_WORDS,
    HONORIFICS,
    NAME_CUES,
    OTHER_TITLES,
    PLURALS,
    TITLES,
    following,
    words,
)
from crosswire.extract.names import (
    NAME,
    NAME_START,
    PARTICLES,
    STOP,
    Candidate,
    Person,
    group_people,
    name_before,
    nearest_owner,
    trim_name,
)
from crosswire.extract.text import (
    LOWER_STARTS,
    SP,
    Spans,
    WordRegex,
    find_words,
    literal_pattern,
    mention,
    word_spans,
)
from crosswire.extract.textnames import (
    confirmed_names,
    could_be_name,
    given_names,
    headline_names,
    listed_names,
)
from crosswire.vocabulary import vocabulary

# Titles, honorifics, their plurals, charge verbs and name cues are the lexicon's (lexicon.py), from
# crosswire/data/people.toml like the word lists below.
_VOCABULARY = vocabulary("people")
_TITLE = literal_pattern([*TITLES, *PLURALS])

# Regexes here start with a literal or a title, never with an optional group or a lookbehind, so the
# regex engine can skip ahead to where they can match; ``find_words`` checks the start of the word.
_PRE_TITLE = re.compile(r"(?:former|then-|[Aa]cting|[Ii]nterim)[^\S\n]*$")
_MORE_NAMES = re.compile(rf"(?:,{SP}(?:and{SP})?|{SP}and{SP})(?P<name>{NAME})")
_ROLE_NOUNS = (
    r"chief executive officer|executive director|director|founder|president|chair(?:man|woman|person)?|"
    r"spokes(?:person|man|woman)|attorney|prosecutor|judge|sheriff|chief|detective|officer|investigator|"
    r"commissioner|agent|manager|coordinator|supervisor|advocate|pastor|professor|head|secretary|deputy"
)
# "Dr Mohammed Ben Ali Koman, AIMC Secretary General said"
_ROLE_AFTER = re.compile(
    rf",{SP}(?P<qual>(?:(?:former|then-)[^\S\n]*)?(?:[A-Z][\w.'’-]*{SP}){{0,4}}?)(?P<title>{_TITLE})(?![\w-])"
)
# "El Fiscal Penal del Condado de Dallas, John Creuzot", "le Secrétaire général d’INTERPOL, Jürgen Stock": a
# title, the capitalised words after it (joined by "de", "del", "du", "d’" ...), a comma and the name
_COMMA_TITLES = literal_pattern([*(w for t in _VOCABULARY["spanish_titles"] for w in (t, t.capitalize())), *OTHER_TITLES])
_JOINS = r"(?:(?:de[^\S\n]+la|del|de|du|des)[^\S\n]+|[dl][’'])"  # words that join the words of a title phrase
_TITLE_COMMA_NAME = WordRegex(
    rf"(?P<title>(?:{_COMMA_TITLES})(?:{SP}{_JOINS}?[A-Z][\w’'-]*){{1,10}}),{SP}(?P<name>{NAME})"
    rf"(?=[,.]|{SP}(?:y|and|et|said|dijo)\b)"
)
_JOIN_AT_END = re.compile(rf"{SP}{_JOINS}?$")
# "Matt DeMateo, chief executive officer of New Life Centers of Chicagoland"
_LOWER_ROLE_AFTER = re.compile(
    rf",{SP}(?:the{SP})?(?P<role>(?:former{SP}|then-)?(?:{_ROLE_NOUNS})\b[^,.;“”\"\n]{{0,60}})"
)
# "Trevor Harwell, 20, of Fullerton", "Gilbert Lara (DOB 11/1972)"
# "Trevor Harwell, 20, of Fullerton", "Keith Perkins, 19 –", a list line "Darius Bowdry, 30", "Mark
# Arceta, a 40-year-old Skokie man"
_AGE_AFTER = re.compile(
    rf",{SP}(?:(?:age{SP}|all{SP})?\d{{1,3}}(?=[,;)]|{SP}(?:of\b|and\b|[–—-])|[^\S\n]*(?:\n|\Z)|\.\s)"
    rf"|an?{SP}\d{{1,3}}-year-old\b)"
)
_DOB = WordRegex(r"(?:DOB|dob|D\.O\.B\.)(?!\w)")
_PARTY_AFTER = re.compile(r",[^\S\n]*[DR]-[A-Z]")  # "(Stephanie Nguyen, D-Elk Grove)"
# The subject of a passive charge verb is a defendant: "James Anderson was charged", "Lara pleaded".
_CHARGED = literal_pattern(CHARGED_WORDS)
_NAME_AFTER = re.compile(rf"{SP}(?P<name>{NAME})")
_PLACE_QUALIFIER = re.compile(r"((?:[A-Z][\w.'’-]*[^\S\n]+){1,3}(?:County|City))[^\S\n]+$")
# "her 30-year-old sister Patricia Miguel", "del joven de 19 años Tommy Lee Walker" (after digits)
_AGE_NAME = re.compile(rf"-year-old(?:{SP}[a-z]+){{0,2}}{SP}(?P<name>{NAME})")
_AÑOS_NAME = re.compile(rf" años(?:{SP}[a-z]+){{0,2}}{SP}(?P<name>{NAME})")
# People are found from words of the lexicon (lexicon.py): titles, speech and charge verbs, name cues;
# these regexes read on from such a word.
_TITLE_NAME = re.compile(rf"(?P<title>{_TITLE})(?:{SP}\([A-Z]{{2,8}}\))?{SP}(?P<name>{NAME})")
_TITLE_STARTS = " \n“-"  # "then-District Attorney"
_CUE_NAME = re.compile(rf"(?P<cue>{literal_pattern(NAME_CUES)}),?{SP}(?P<name>{NAME})")
# A list line "Prosecutor of the Year: Amy Zois": the label is the person's role (the regex starts at
# the colon, a literal the regex engine can skip to, and the label is read back from there).
_LABELLED_NAME = re.compile(rf":[^\S\n]+(?P<name>{NAME})[^\S\n]*(?=\n|\Z)")
_LABEL = re.compile(r"[A-Z][^:]{2,80}")
_FORM_LABELS = frozenset(_VOCABULARY["form_labels"])  # labels that are no role
# "Anabel and William Herrera": two people, one surname
_FIRST_AND = re.compile(r"(?P<first>[A-Z][a-zà-öø-ÿ]+)[^\S\n]+and[^\S\n]+$")
_LEADING_TITLE = re.compile(rf"^(?:(?:[A-Z][\w.'’-]*\s+){{0,4}}?(?:{_TITLE})\s+)+")

# Nouns after a name that make it the name of a place: "Ben Taub hospital", "Lincoln Elementary School".
_PLACE_NOUNS = frozenset(_VOCABULARY["place_nouns"])
_NEXT_WORD = re.compile(r"[^\S\n]+([\w’'-]+)")


def people_mentions(
    text: str, orgs: list[dict], ner_people: list[tuple[int, int]] = (), places: list[tuple[int, int]] = (),
    title: str | None = None,
) -> tuple[list[dict], list[Person]]:
    """Person mentions (normalized to the full name, with the person's role) and the people, those the
    headline names among them ("Statement from State Attorney Katherine Fernandez Rundle on ...")."""
    blocked = Spans([(m["start"], m["end"]) for m in orgs] + list(places))
    cands = _rule_candidates(text, orgs, blocked)
    for start, end in ner_people:
        c = _ner_candidate(text, start, end)
        if c and not blocked.overlaps((c.start, c.end)):
            cands.append(c)
    cands += given_names(text, cands, blocked)
    cands += confirmed_names(text, cands, blocked)
    cands += listed_names(text, cands, blocked)
    people = group_people(headline_names(title, text, _rule_candidates) + cands + shared_surnames(text, cands))
    mentions = []
    taken = Spans()
    for p in people:
        for start, end, method, conf in p.spans:
            if start < 0 or taken.overlaps((start, end)):
                continue  # the headline's: no offsets in the text
            taken.add((start, end))
            mentions.append(mention(text, "person", start, end, p.name, method, conf, role=p.role))
    # later bare surnames: "Stock said", "Allard is accused"
    names = [(q, (q.last, q.first)) for q in people]  # read once, not once for each pair of people
    for p in people:
        last = p.last
        if len(last) < 3 or last in STOP:
            continue
        shared = any(q is not p and last in both for q, both in names)
        for span in word_spans(text, last):
            if taken.overlaps(span) or blocked.overlaps(span):
                continue
            if shared and nearest_owner(people, last, span[0]) is not p:
                continue  # "Miguel" after "Sally Miguel" and "Patricia Miguel": the nearest one
            taken.add(span)
            mentions.append(mention(text, "person", *span, p.name, "surname", 0.7, role=p.role))
    mentions.sort(key=lambda m: m["start"])
    _case_roles(text, mentions, people)
    return mentions, people


def _case_roles(text: str, mentions: list[dict], people: list[Person]) -> None:
    """Give a person without a role the part they play in the case, from the words around any of their
    mentions: "Taylor was charged", "Gledhill (dob 2/16/82) faces" -> defendant; "Handy, 81, had been
    stabbed", "Victim Arceta" -> victim."""
    unnamed = {p.name: p for p in people if p.role is None}
    listed = _listed_defendants(text) if unnamed else set()
    for m in mentions:
        person = unnamed.get(m["normalized"])
        if person and not person.role:
            person.role = "defendant" if m["start"] in listed else _case_role(text, m["start"], m["end"])
    for m in mentions:
        m["role"] = unnamed[m["normalized"]].role if m["normalized"] in unnamed else m["role"]


def _listed_defendants(text: str) -> set[int]:
    """Starts of the short paragraphs that follow one ending in a colon that speaks of defendants ("the
    jury found the following defendants guilty ...:"): a list of defendants, one a line."""
    starts, listing = set(), False
    for para in _PARAGRAPH.finditer(text):
        line = para.group()
        if listing and len(line) < 120 and not line.endswith(":"):
            starts.add(para.start())
            continue
        listing = line.endswith(":") and "defendant" in line.lower()
    return starts


_PARAGRAPH = re.compile(r"[^\n]+")


def _case_role(text: str, start: int, end: int) -> str | None:
    before = text[max(0, start - 11) : start].lower()
    if _DEFENDANT_AFTER.match(text, end) or before.endswith(("defendant ", "defendants ")):
        return "defendant"
    if _VICTIM_AFTER.match(text, end) or before.endswith(("victim ", "victims ")):
        return "victim"
    return None


_DEFENDANT_AFTER = re.compile(
    rf"(?:,{SP}(?:\d{{1,3}}|DOB:?[^,\n]{{0,20}}),|{SP}\([^)\n]{{0,40}}\))?{SP}(?:{_CHARGED})\b"
)
_VICTIM_AFTER = re.compile(
    rf"(?:,{SP}\d{{1,3}},)?{SP}(?:was|had{SP}been|were){SP}(?:killed|murdered|stabbed|shot|struck|injured|wounded|"
    rf"found{SP}dead|pronounced{SP}dead|assaulted|kidnapped|robbed)\b"
)


def _rule_candidates(text: str, orgs: list[dict], blocked: Spans) -> list[Candidate]:
    cands = _titled(text, orgs, blocked) + _role_after(text, orgs, blocked) + _title_comma_name(text, orgs, blocked)
    return cands + _cued(text, blocked)


def _titled(text: str, orgs: list[dict], blocked: Spans) -> list[Candidate]:
    """Names after a title: "District Attorney Ken Thompson", "Deputy District Attorneys W. Matthew
    Murray and Erika Mulhere" (a plural title gives its role to each name of the list)."""
    org_by_end = {m["end"]: m for m in orgs}
    cands = []
    for word in following(text, words(text)["title"], _TITLE_STARTS):
        m = _TITLE_NAME.match(text, word.start())
        if m is None or text[m.start() - 1 : m.start()] == "-" and not text.endswith("then", 0, m.start() - 1):
            continue  # "then-District Attorney" is a title, "Anti-Gang Officer" none
        plural = m.group("title") in PLURALS
        span = trim_name(text, m.start("name"), m.end("name"), min_tokens=2 if plural else 1)
        if not span or blocked.overlaps(span) or (span[0] > m.start("name") and " " not in text[span[0] : span[1]]):
            continue  # one word left after others were cut: "Fiscal Penal del Condado de Dallas" names no one
        title = PLURALS.get(m.group("title"), m.group("title"))
        pre = _PRE_TITLE.search(text, max(0, m.start() - 12), m.start())
        start = pre.start() if pre else m.start()
        role = None if title in HONORIFICS else " ".join(((pre.group() if pre else "") + title).split())
        affiliation, role = _qualify(text, start, role, org_by_end)
        cands.append(Candidate(*span, text[span[0] : span[1]], role, affiliation, "pattern", 0.9))
        pos = m.end("name")
        while plural and (more := _MORE_NAMES.match(text, pos)):
            span = trim_name(text, more.start("name"), more.end("name"), min_tokens=2)
            if not span or blocked.overlaps(span):
                break
            cands.append(Candidate(*span, text[span[0] : span[1]], role, affiliation, "pattern", 0.85))
            pos = more.end("name")
    return cands


def _title_comma_name(text: str, orgs: list[dict], blocked: Spans) -> list[Candidate]:
    """A name after its title phrase and a comma, the Spanish and French order: "El Fiscal Penal del Condado de
    Dallas, John Creuzot,", "le Secrétaire général d’INTERPOL, Jürgen Stock,"."""
    cands = []
    for m in find_words(_TITLE_COMMA_NAME, text):
        span = trim_name(text, m.start("name"), m.end("name"), min_tokens=2)
        if span and span[1] == m.end("name") and not blocked.overlaps(span):
            role, affiliation = _title_phrase(text, m.start("title"), m.end("title"), orgs)
            cands.append(Candidate(*span, text[span[0] : span[1]], role, affiliation, "pattern", 0.8))
    return cands


def _title_phrase(text: str, start: int, end: int, orgs: list[dict]) -> tuple[str, str | None]:
    """(role, affiliation) of a title phrase: a body it names is the affiliation and the words before the body
    the role ("Secrétaire général d’INTERPOL": Secrétaire général of INTERPOL); else the phrase is the role."""
    org = next((o for o in orgs if start < o["start"] and o["end"] <= end), None)
    if org is None:
        return " ".join(text[start:end].split()), None
    return " ".join(_JOIN_AT_END.sub("", text[start : org["start"]]).split()), org["normalized"]


def _role_after(text: str, orgs: list[dict], blocked: Spans) -> list[Candidate]:
    """Names followed by their role: "Mohammed Ben Ali Koman, AIMC Secretary General", "Matt DeMateo,
    chief executive officer of New Life Centers of Chicagoland"."""
    cands = []
    for m in _ROLE_AFTER.finditer(text):
        span = name_before(text, m.start())
        after = text[m.end() : m.end() + 40]
        if not span or blocked.overlaps(span) or m.group("title") in HONORIFICS or NAME_START.match(after):
            continue  # "Rundle, Deputy Special Agent In Charge Jose Figueroa": the title is Figueroa's
        qual = m.group("qual").strip()
        org = next((o for o in orgs if o["start"] == m.start("qual") and qual), None)
        role = m.group("title") if org or not qual else f"{qual} {m.group('title')}"
        affiliation = org["normalized"] if org else None
        cands.append(Candidate(*span, text[span[0] : span[1]], role, affiliation, "pattern", 0.85))
    for m in _LOWER_ROLE_AFTER.finditer(text):
        span = name_before(text, m.start())
        if span and not blocked.overlaps(span):
            role = " ".join(m.group("role").split()).rstrip(" -–—")
            cands.append(Candidate(*span, text[span[0] : span[1]], role, None, "pattern", 0.8))
    return cands


def _cued(text: str, blocked: Spans) -> list[Candidate]:
    """Full names next to a cue: an age or date of birth after them, a speech verb before or after
    them, "49-year-old" or "defendant" before them."""
    found = [(name_before(text, m.start()), None) for m in _AGE_AFTER.finditer(text)]
    if "DOB" in text or "dob" in text or "D.O.B." in text:
        found += [(name_before(text, m.start()), None) for m in find_words(_DOB, text)]
    found += [(name_before(text, m.start()), None) for m in _PARTY_AFTER.finditer(text)]
    lexicon = words(text)
    charged = following(text, lexicon["charged"], LOWER_STARTS)
    found += [(_subject_before(text, m.start()), "defendant") for m in charged]
    for m in following(text, lexicon["say"], LOWER_STARTS):  # "Mike Hestrin said", "said Mike Hestrin"
        found.append((name_before(text, m.start()), None))
        after = _NAME_AFTER.match(text, m.end())
        if after:
            found.append((trim_name(text, after.start("name"), after.end("name"), min_tokens=2), None))
    for word in following(text, lexicon["cue"], LOWER_STARTS):
        m = _CUE_NAME.match(text, word.start())
        if m:
            role = NAME_CUES.get(" ".join(m.group("cue").split()))
            found.append((trim_name(text, m.start("name"), m.end("name"), min_tokens=2), role))
    for m in [*_AGE_NAME.finditer(text), *(_AÑOS_NAME.finditer(text) if " años" in text else ())]:
        if text[m.start() - 1 : m.start()].isdigit() or text[m.start() - 2 : m.start()].isdigit():
            found.append((trim_name(text, m.start("name"), m.end("name"), min_tokens=2), None))
    cands = [
        Candidate(*span, text[span[0] : span[1]], role, None, "pattern", 0.75)
        for span, role in found
        if span and not blocked.overlaps(span) and could_be_name(text[span[0] : span[1]])
    ]
    return cands + _labelled(text, blocked)


def _subject_before(text: str, pos: int) -> tuple[int, int] | None:
    """The name before ``pos`` when it is the subject there, not a residence: "James Anderson was charged",
    not "Smith, 34, of Anaheim Hills, was charged"."""
    span = name_before(text, pos)
    if span and _RESIDENCE_BEFORE.search(text, max(0, span[0] - 12), span[0]):
        return None
    return span


_RESIDENCE_BEFORE = re.compile(r"(?:\b(?:of|in|from|at|near)|\d,)[^\S\n]*$")


def _labelled(text: str, blocked: Spans) -> list[Candidate]:
    """Names of list lines "Label: Full Name", with the label as their role; not "Award: Human Resources
    Unit" (a name with an organisation noun is no person)."""
    cands = []
    for m in _LABELLED_NAME.finditer(text):
        label = text[text.rfind("\n", 0, m.start()) + 1 : m.start()].strip()
        if not _LABEL.fullmatch(label):
            continue
        span = trim_name(text, m.start("name"), m.end("name"), min_tokens=2)
        if span is None or span[1] != m.end("name") or blocked.overlaps(span):
            continue
        name = text[span[0] : span[1]]
        if could_be_name(name):
            role = None if label.upper() in _FORM_LABELS else " ".join(label.split())
            cands.append(Candidate(*span, name, role, None, "pattern", 0.8))
    return cands


def shared_surnames(text: str, cands: list[Candidate]) -> list[Candidate]:
    """"Anabel and William Herrera": a first name before "and" and a full name shares its surname."""
    out = []
    for c in cands:
        tokens = c.name.split()
        before_and = len(tokens) == 2 and text.endswith(" and ", 0, c.start)
        first = _FIRST_AND.search(text, max(0, c.start - 40), c.start) if before_and else None
        if first and first.group("first") not in STOP and not place_lookup(first.group("first")):
            name = f"{first.group('first')} {tokens[-1]}"
            out.append(Candidate(first.start("first"), first.end("first"), name, c.role, None, "pattern", 0.7))
    return out


def _qualify(text: str, title_start: int, role: str | None, org_by_end: dict) -> tuple[str | None, str | None]:
    """Affiliation and role from the words before a title: an organisation ("INTERPOL Secretary
    General") is the affiliation; a place ("Harris County District Attorney") stays in the role."""
    before = text[max(0, title_start - 80) : title_start]
    stripped = before.rstrip()
    org = org_by_end.get(title_start - (len(before) - len(stripped)))
    if org and role:
        return org["normalized"], role
    place = _PLACE_QUALIFIER.search(before) if "County" in before or "City" in before else None
    if place and role:
        words = place.group(1).split()
        # the longest known place ending the qualifier ("Cook County", not "Lawmakers Pass Cook County")
        suffixes = (" ".join(words[i:]) for i in range(len(words) - 1))
        known = next((place for place in suffixes if place_lookup(place)), None)
        return None, f"{known or ' '.join(words[-2:])} {role}"
    return None, role


def _ner_candidate(text: str, start: int, end: int) -> Candidate | None:
    raw = text[start:end]
    lead = _LEADING_TITLE.match(raw)
    if lead:
        start += lead.end()
    span = trim_name(text, start, end)
    if not span:
        return None
    name = text[span[0] : span[1]]
    if not all(t[:1].isupper() or t in PARTICLES for t in name.split()) or name.isupper():
        return None
    if any(ch.isdigit() for ch in name) or "\n" in name or place_lookup(name):
        return None
    following = _NEXT_WORD.match(text, end)
    if following and following.group(1).lower() in _PLACE_NOUNS:
        return None  # "Ben Taub hospital" is a building
    return Candidate(*span, name, None, None, "ner", 0.7)
