"""The words the extractors start from, found in two passes over a text.

Each extractor starts from words of its own vocabulary: names of the knowledge base, countries and
states, months and relative dates, titles before names, speech and charge verbs, words before names.
A scan costs about the same for ten words or ten thousand (``text.literal_pattern``), but each scan of
a long text costs: so the capitalised vocabularies are merged into one regex and those in lower case
into another, and each text is read twice, not once per vocabulary (on the shared corpus the two merged
scans cost about what two of the separate ones did).

A match is the longest word at its place, so a shorter word of another vocabulary there is not seen
("United States" in "United States Attorney"): the longer word is what the text names at that place.
Each extractor keeps only the matches that follow the characters its words may follow.

The vocabularies are data: the knowledge base (``kb``), the gazetteer (``gazetteer``), the calendar words
of ``crosswire.dates`` and the word lists of ``crosswire/data/people.toml``, made here into the lists the
extractors read (the titles with their plurals, the charge verbs with their auxiliaries). The lexicon
imports no extractor; the extractors import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from crosswire.dates import MONTH_ABBREVIATIONS, MONTHS, OTHER_MONTHS, RELATIVE_WORDS
from crosswire.extract.gazetteer import region_names
from crosswire.extract.kb import load_kb
from crosswire.extract.text import LOWER_STARTS, Word, WordRegex, key, literal_pattern
from crosswire.vocabulary import vocabulary

# What capitalised words of any vocabulary follow: also an elided article ("d’INTERPOL").
CAPITALISED_STARTS = " \n(“«-’'"

_PEOPLE = vocabulary("people")
# English titles, then those of the other languages ("Secrétaire général", "la fiscal de distrito")
OTHER_TITLES: list[str] = [t for titles in _PEOPLE["other_titles"].values() for t in titles]
TITLES: list[str] = [*_PEOPLE["titles"], *OTHER_TITLES]
HONORIFICS = frozenset(_PEOPLE["honorifics"])
# "Deputy District Attorneys W. Matthew Murray and Erika Mulhere": one title for a list of names
PLURALS = {t + "s": t for t in TITLES if t[-1].isalpha() and t not in HONORIFICS and not t.isupper()}
# People are found from words of the lexicon: titles, speech and charge verbs, name cues; people.py's
# regexes read on from such a word.
TITLE_WORDS = [*TITLES, *PLURALS]
SAY_WORDS: list[str] = _PEOPLE["say_words"]
# The subject of a passive charge verb is a defendant: "James Anderson was charged", "Lara pleaded".
CHARGED_WORDS = [
    f"{aux} {verb}" for aux in _PEOPLE["charged_auxiliaries"] for verb in _PEOPLE["charged_verbs"]
] + _PEOPLE["charged_also"]
# Words that stand before a person's name, with the role they give (None: "his wife, Victoria Anderson").
NAME_CUES: dict[str, str | None] = {
    cue: None if role == "none" else role for role, cues in _PEOPLE["name_cues"].items() for cue in cues
}
# The words date mentions are found from: a month name (the one literal all written dates share; the day
# before it is read back from there, "27 and 28 October") or a relative date ("last week", "Monday").
MONTH_WORDS = [*MONTHS, *(abbr + dot for abbr in MONTH_ABBREVIATIONS for dot in ("", ".")), *OTHER_MONTHS]


@dataclass(frozen=True)
class Lexicon:
    capitalised: WordRegex
    lower: WordRegex
    vocabularies: dict[str, frozenset[str]]  # name -> its words, whitespace collapsed
    folded: dict[str, frozenset[str]]  # name -> keys of its words matched in any case after the first letter
    owners: dict[str, tuple[str, ...]]  # word, whitespace collapsed -> the vocabularies that hold it


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The vocabularies of the extractors, read once per process."""
    kb = load_kb()
    capitalised = {
        "kb": kb.words, "region": region_names(), "month": [w for w in MONTH_WORDS if w[0].isupper()],
        "relative": [w for w in RELATIVE_WORDS if w[0].isupper()], "title": [w for w in TITLE_WORDS if w[0].isupper()],
    }
    lower = {
        "say": SAY_WORDS, "charged": CHARGED_WORDS, "cue": list(NAME_CUES),
        "relative": [w for w in RELATIVE_WORDS if not w[0].isupper()],
        "title": [w for w in TITLE_WORDS if not w[0].isupper()],  # "la procureure de district Elena Ruiz"
        "month": [w for w in MONTH_WORDS if not w[0].isupper()],  # "28 octobre 2021"
    }
    end = r"(?![\w&])"
    vocabularies: dict[str, set[str]] = {}
    for name, words in [*capitalised.items(), *lower.items()]:
        vocabularies.setdefault(name, set()).update(" ".join(w.split()) for w in words)
    owners: dict[str, list[str]] = {}
    for name, words_ in vocabularies.items():
        for word in words_:
            owners.setdefault(word, []).append(name)
    return Lexicon(
        capitalised=WordRegex(
            literal_pattern([w for ws in capitalised.values() for w in ws], folded=kb.names) + end,
            starts=CAPITALISED_STARTS,
        ),
        lower=WordRegex(literal_pattern([w for ws in lower.values() for w in ws]) + end, starts=LOWER_STARTS),
        vocabularies={name: frozenset(words) for name, words in vocabularies.items()},
        folded={"kb": frozenset(key(n) for n in kb.names)},
        owners={word: tuple(names) for word, names in owners.items()},
    )


@lru_cache(maxsize=4)
def words(text: str) -> dict[str, list[Word]]:
    """Vocabulary name -> the matches of its words in ``text``, in text order. Cached for the few texts
    in hand, since every extractor asks for the same text's words."""
    lex = lexicon()
    found: dict[str, list[Word]] = {name: [] for name in lex.vocabularies}
    for m in [*lex.capitalised.finditer(text), *lex.lower.finditer(text)]:
        word = m.group()
        word = " ".join(word.split()) if " " in word or "\n" in word else word
        for name in lex.owners.get(word, ()):
            found[name].append(m)
        for name, keys in lex.folded.items():
            if " " in word and key(word) in keys:
                found[name].append(m)
    return found


def following(text: str, matches: list[Word], starts: str) -> list[Word]:
    """The matches that open the text or follow one of ``starts``."""
    return [m for m in matches if m.start() == 0 or text[m.start() - 1] in starts]
