"""Topics: a small fixed taxonomy assigned by keyword rules, each with the keywords that decided it.

``TAXONOMY`` is the data (crosswire/data/topics.toml): topic -> lowercase keywords, matched as whole
words; a trailing ``*`` allows any ending ("murder*": murdered, murders). A topic is kept when its keywords
are found at least ``topic_min_score`` times (a keyword in the title counts ``topic_title_weight`` times)
and at least ``topic_relative`` as often as the best topic's (settings of ``ExtractSettings``); at most
``max_topics`` are kept, best first, and 'other' stands for none.
Where keywords overlap the longer wins: "sexual assault" is a sexual offence, not "assault".
"""

from __future__ import annotations

import re
from functools import lru_cache

from crosswire.extract.text import find_words, literal_regex
from crosswire.settings import DEFAULTS, ExtractSettings
from crosswire.vocabulary import vocabulary

# Topic -> lowercase keywords (crosswire/data/topics.toml), in the order of the data.
TAXONOMY: dict[str, list[str]] = vocabulary("topics")["taxonomy"]
TOPICS = [*TAXONOMY, "other"]

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


def classify(
    text: str, title: str | None = None, settings: ExtractSettings = DEFAULTS.extract
) -> tuple[list[str], dict[str, list[str]]]:
    """(topics, evidence): topics best first, and for each the keywords found."""
    scores: dict[str, float] = {}
    evidence: dict[str, set[str]] = {}
    for source, weight in ((text or "", 1), (title or "", settings.topic_title_weight)):
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
    topics = [
        t for t in ranked if scores[t] >= settings.topic_min_score and scores[t] >= settings.topic_relative * best
    ][: settings.max_topics]
    return (topics or ["other"]), {t: sorted(evidence[t]) for t in topics}
