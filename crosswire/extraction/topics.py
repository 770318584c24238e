"""Topics: a small fixed taxonomy assigned by keyword rules, each with the keywords that decided it.

``TAXONOMY`` is the data: topic -> lowercase keywords, matched as whole words; a trailing ``*`` allows
any ending ("murder*": murdered, murders). A topic is kept when its keywords are found at least
``MIN_SCORE`` times (a keyword in the title counts ``TITLE_WEIGHT`` times) and at least ``RELATIVE`` as
often as the best topic's; at most ``MAX_TOPICS`` are kept, best first, and 'other' stands for none.
Where keywords overlap the longer wins: "sexual assault" is a sexual offence, not "assault".
"""

from __future__ import annotations

import re
from functools import lru_cache

from crosswire.extraction.text import find_words, literal_regex

TAXONOMY: dict[str, list[str]] = {
    "cybercrime": [
        "cyber*", "ransomware", "hacker", "hackers", "hacking", "hacked", "malware", "phishing", "data breach",
        "dark web", "darknet", "botnet", "online scam*", "cryptocurrenc*", "computer intrusion", "sextortion",
    ],
    "terrorism": [
        "terroris*", "terror", "extremis*", "radicali*", "anti-terror*", "counter-terror*", "bomb", "bombs",
        "bombing*", "jihad*", "weapon of mass destruction", "weapons of mass destruction",
    ],
    "homicide": [
        "murder*", "homicide*", "manslaughter", "killing", "killed", "slaying", "fatal shooting", "fatally shot",
        "shot and killed", "stabbed to death", "death of", "cold case",
    ],
    "sexual-offence": [
        "sexual assault*", "sexually assault*", "rape", "raped", "sex offense*", "sex offence*", "sex offender*",
        "sexual abuse", "sexual misconduct", "lewd", "indecent exposure", "sexual battery", "sex crime*",
    ],
    "fraud": [
        "fraud*", "scam", "scams", "scheme", "embezzl*", "money laundering", "identity theft", "forgery", "ponzi",
        "swindl*", "counterfeit*", "false pretense*",
    ],
    "corruption": [
        "corrupt*", "briber*", "bribe", "bribes", "kickback*", "public integrity", "misuse of public funds",
        "conflict of interest", "abuse of office", "exploited",
    ],
    "drugs": [
        "drug", "drugs", "narcotic*", "fentanyl", "cocaine", "heroin", "methamphetamine", "opioid*", "overdose*",
        "marijuana", "cannabis", "cartel", "cartels", "controlled substance*",
    ],
    "trafficking": [
        "human trafficking", "trafficking", "trafficker*", "trata de personas", "smuggl*", "forced labor",
        "forced labour", "pimping", "pandering", "brothel*", "sex trafficking",
    ],
    "weapons": [
        "firearm*", "gun", "guns", "handgun*", "rifle", "rifles", "ammunition", "ghost gun*", "assault weapon*",
        "explosive*", "armed with", "weapons charge*",
    ],
    "violent-crime": [
        "assault*", "robber*", "kidnap*", "carjack*", "shooting", "shootings", "stabbing", "domestic violence",
        "attempted murder", "battery", "armed", "violent", "violence", "use of force", "knifepoint", "gunpoint",
        "deadly weapon", "officer-involved",
    ],
    "property-crime": [
        "burglar*", "theft", "thefts", "stolen", "steal*", "shoplift*", "vandalism", "arson", "retail theft",
        "retail crime", "smash-and-grab", "looting", "cash drawer",
    ],
    "traffic": [
        "dui", "drunk driv*", "drunken driv*", "vehicular", "crash", "crashes", "crashed", "collision*",
        "hit-and-run", "wrong-way", "driving under the influence", "street racing", "freeway", "blood alcohol",
    ],
    "child-abuse": [
        "child abuse", "child sexual abuse", "child sex abuse", "child pornography", "csam", "child endangerment",
        "abuse of a child", "abuse of a minor", "molest*", "exploitation of children", "exploitation of minors",
        "sexual abuse of a child", "sexual abuse of a minor", "grooming",
    ],
    "hate-crime": [
        "hate crime*", "hate-motivated", "racially motivated", "antisemiti*", "bias-motivated", "hate speech",
        "civil rights violation*",
    ],
    "environmental": [
        "environmental", "pollution", "hazardous waste", "hazardous material*", "illegal dumping", "wildlife",
        "emissions", "toxic", "oil spill", "improper disposal",
    ],
    "consumer-protection": [
        "consumer protection", "consumer", "consumers", "false advertising", "misleading", "unfair business",
        "price gouging", "deceptive", "civil penalties", "civil settlement", "lawsuit",
    ],
    "policy": [
        "policy", "policies", "legislation", "legislat*", "bill", "bills", "reform", "reforms", "cooperation",
        "strategy", "initiative", "funding", "architecture", "law enforcement cooperation", "pilot program",
        "statute", "lawmakers", "diversion", "mental health",
    ],
    "community": [
        "community", "communities", "award", "awards", "outreach", "volunteer*", "youth", "ceremony", "town hall",
        "honoree*", "recognition", "partnership", "resources",
    ],
}
TOPICS = [*TAXONOMY, "other"]
MIN_SCORE = 2
RELATIVE = 0.3
MAX_TOPICS = 3
TITLE_WEIGHT = 3

_TOPIC_OF = {kw: topic for topic, kws in TAXONOMY.items() for kw in kws}
_PREFIXES = sorted((kw[:-1] for kw in _TOPIC_OF if kw.endswith("*")), key=len, reverse=True)
# Keywords are looked for in the lower-cased text with every line break, bracket and quote mark made a
# space, so that one scan for a space before them finds them all.
_KEYWORDS = literal_regex(_TOPIC_OF, starts=" ")
_OPENERS = "\n\t(“\"‘["
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=16384)
def _keyword(found: str) -> str:
    """The taxonomy keyword a matched word stands for ("murdered" -> "murder*")."""
    found = _SPACES.sub(" ", found).replace("’", "'")
    if found in _TOPIC_OF:
        return found
    return next((p + "*" for p in _PREFIXES if found.startswith(p)), found)


def _spaced(text: str) -> str:
    """``text`` with line breaks, brackets and opening quote marks made spaces (str.replace runs in C;
    str.translate looks each character up in a dict)."""
    for ch in _OPENERS:
        if ch in text:
            text = text.replace(ch, " ")
    return text


def classify(text: str, title: str | None = None) -> tuple[list[str], dict[str, list[str]]]:
    """(topics, evidence): topics best first, and for each the keywords found."""
    scores: dict[str, int] = {}
    evidence: dict[str, set[str]] = {}
    for source, weight in ((text or "", 1), (title or "", TITLE_WEIGHT)):
        for m in find_words(_KEYWORDS, _spaced(source.lower())):
            kw = _keyword(m.group())
            topic = _TOPIC_OF.get(kw)
            if topic:
                scores[topic] = scores.get(topic, 0) + weight
                evidence.setdefault(topic, set()).add(kw)
    if not scores:
        return ["other"], {}
    best = max(scores.values())
    ranked = sorted(scores, key=lambda t: -scores[t])
    topics = [t for t in ranked if scores[t] >= MIN_SCORE and scores[t] >= RELATIVE * best][:MAX_TOPICS]
    return (topics or ["other"]), {t: sorted(evidence[t]) for t in topics}
