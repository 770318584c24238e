"""Score the extract stage against the hand labels of ../shared/gold/dev.jsonl, with spaCy and in rules mode.

    .venv/bin/python benchmarks/extract_eval.py [--verbose]

Each labelled page goes through the pipeline's own steps: decoded as ingest decodes it, cleaned by
``crosswire.clean.clean_document`` with its office folder's template (``learn_boilerplate`` over the whole
folder, as the pipeline learns one per source), then extracted with the clean stage's title and date, as
``extract_batch`` does. A page the clean stage rejects yields nothing, as in the pipeline.

Scores are micro-averaged over the pages: precision = matched / predicted, recall = matched / gold, each
gold item matched at most once. How items match (documented, the same for both modes):

- names are compared by a key: case-folded, possessive 's dropped, apostrophes removed, other
  punctuation a space, whitespace collapsed, a leading "the" dropped;
- organizations: equal keys, or both resolve to one body: through crosswire's knowledge base (an alias or
  acronym of the same entry), through the article's own acronym definitions (gold's and extracted), or
  an office holder and the office ("Orange County District Attorney" = "... District Attorney's Office"),
  an abbreviation and its words ("DA's Office" = "District Attorney's Office"), or a unit named with its
  body's possessive and the unit alone, which crosswire gives with its parent ("Riverside County District
  Attorney's Fugitive Apprehension Unit" = "Fugitive Apprehension Unit"); else a close spelling (rapidfuzz
  ratio >= 90 with the same digits);
- acronyms: (acronym, long form) pairs; acronyms equal by key and long forms matching as organizations;
- people: equal keys, or the same first and last name with initials, suffixes and nicknames ignored
  ("Nathan J. Hochman" = "Nathan Hochman"), or a one-word gold name that is the other's surname;
- roles: (person, role) pairs with a role; the person matches and the role keys are equal, or one role is
  the other with a qualifier: a place or organisation before it ("Los Angeles County District Attorney" =
  "District Attorney", but "Deputy District Attorney" != "District Attorney") or "of/at/for ..." after it;
- quote speakers: a gold quote matches the extracted quote whose first words (up to six, by key) are the
  gold quote's; it is correct when the speakers match as people (or both are null). Precision is over the
  extracted quotes that begin like a gold quote, recall (the accuracy) over all gold quotes;
- locations: equal keys or the same gazetteer place; topics: equal labels;
- published (day) and dateline (by key): precision over pages with a value extracted, recall over pages
  with a gold value; accuracy counts pages where both are null as correct.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract_corpus import GOLD, SHARED, clean_folder, require_shared  # noqa: E402

FIELDS = ["organizations", "acronyms", "people", "roles", "quote speakers", "locations", "topics", "published",
          "dateline"]


# --- keys and matchers ---------------------------------------------------------------------------------

_POSSESSIVE = re.compile(r"['’]s\b")
_APOSTROPHE = re.compile(r"['’‘`]")
_PUNCT = re.compile(r"[^\w\s]")
_THE = re.compile(r"^the ")
_HOLDER_OFFICE = re.compile(r"\b(attorney|attorney general|sheriff|defender|prosecutor|clerk) office$")
_UNIT_OF_BODY = re.compile(r"['’]s\s+((?:[A-Z][\w-]*\s+)+(?:Unit|Division|Bureau|Team|Section|Squad|Task Force))$")
_INITIAL = re.compile(r"^\w$")
_NICKNAME = re.compile(r"[\"“”].*?[\"“”]")
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_RANKS = {"deputy", "assistant", "senior", "chief", "supervising", "head", "special", "acting", "interim", "vice",
          "former", "then", "lead", "principal", "executive"}


def key(s: str | None) -> str:
    if not s:
        return ""
    s = _APOSTROPHE.sub("", _POSSESSIVE.sub("", s.casefold()))
    return _THE.sub("", " ".join(_PUNCT.sub(" ", s).split()))


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def _close(a: str, b: str, cutoff: float = 90) -> bool:
    from rapidfuzz import fuzz

    return _digits(a) == _digits(b) and fuzz.ratio(a, b) >= cutoff


class OrgMatcher:
    """Organisation identity: keys, knowledge-base entries and the article's acronym definitions."""

    def __init__(self, *acronym_maps: dict[str, str]):
        from crosswire.extract import load_kb

        self.kb = load_kb()
        self.acronyms = {key(a): full for m in acronym_maps for a, full in m.items()}

    def ids(self, name: str) -> set[str]:
        from crosswire.extract.orgs import clean_org_name

        k = key(name)
        out = {k, _HOLDER_OFFICE.sub(r"\1", k), key(clean_org_name(name))}
        if unit := _UNIT_OF_BODY.search(name):
            out.add(key(unit.group(1)))
        if k in self.acronyms:
            out |= self.ids_plain(self.acronyms[k])
        entry = self.kb.lookup(name)
        if entry:
            out.add("kb:" + entry.canonical)
        return out

    def ids_plain(self, name: str) -> set[str]:
        k = key(name)
        entry = self.kb.lookup(name)
        return {k, _HOLDER_OFFICE.sub(r"\1", k)} | ({"kb:" + entry.canonical} if entry else set())

    def same(self, a: str, b: str) -> bool:
        return bool(self.ids(a) & self.ids(b)) or _close(key(a), key(b))


def _name_tokens(name: str) -> list[str]:
    tokens = key(_NICKNAME.sub(" ", name)).split()
    return [t for t in tokens if t not in _SUFFIXES and not _INITIAL.match(t)]


def same_person(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    if key(a) == key(b):
        return True
    ta, tb = _name_tokens(a), _name_tokens(b)
    if not ta or not tb:
        return False
    if len(ta) == 1 or len(tb) == 1:
        return ta[-1] == tb[-1]
    return (ta[0], ta[-1]) == (tb[0], tb[-1]) or _close(key(a), key(b))


def same_role(gold: str, pred: str) -> bool:
    g, p = key(gold), key(pred)
    if g == p:
        return True
    short, long_, long_raw = (g, p, pred) if len(g) < len(p) else (p, g, gold)
    if not short:
        return False
    if long_.endswith(" " + short):
        prefix = long_raw[: len(long_raw) - len(long_raw.split()[-1])]  # qualifier words of the raw string
        extra = long_[: -len(short)].split()
        return bool(extra) and extra[-1] not in _RANKS and all(w[:1].isupper() for w in prefix.split()[:len(extra)])
    return long_.startswith(short + " ") and long_[len(short) + 1:].split()[0] in ("of", "at", "for", "with")


def same_place(a: str, b: str) -> bool:
    from crosswire.extract.gazetteer import lookup

    if key(a) == key(b):
        return True
    pa, pb = lookup(a), lookup(b)
    return pa is not None and pa == pb


def quote_begins(gold_begins: str, quote: str) -> bool:
    g = key(gold_begins).split()[:6]
    return bool(g) and key(quote).split()[: len(g)] == g


# --- scoring -------------------------------------------------------------------------------------------


@dataclass
class Score:
    tp: int = 0
    predicted: int = 0
    gold: int = 0
    correct_pages: int = 0  # for single-valued fields: pages where the value is right (null = null included)
    pages: int = 0
    errors: list[str] = field(default_factory=list)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / self.predicted if self.predicted else 1.0
        r = self.tp / self.gold if self.gold else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def match(gold: list, pred: list, same) -> tuple[list[tuple], list, list]:
    """(matched pairs, unmatched gold, unmatched predicted): exact-equal pairs first, then any ``same``."""
    pairs, free = [], list(pred)
    missed = []
    for g in gold:
        hit = next((p for p in free if p == g), None) or next((p for p in free if same(g, p)), None)
        if hit is None:
            missed.append(g)
        else:
            pairs.append((g, hit))
            free.remove(hit)
    return pairs, missed, free


def score_set(score: Score, gold: list, pred: list, same, page: str) -> list[tuple]:
    pairs, missed, extra = match(gold, pred, same)
    score.tp += len(pairs)
    score.gold += len(gold)
    score.predicted += len(pred)
    if missed or extra:
        score.errors.append(f"{page}: missed {missed} extra {extra}")
    return pairs


def score_value(score: Score, gold, pred, same, page: str) -> None:
    score.pages += 1
    right = (gold is None and pred is None) or (gold is not None and pred is not None and same(gold, pred))
    score.correct_pages += right
    score.gold += gold is not None
    score.predicted += pred is not None
    score.tp += right and gold is not None
    if not right:
        score.errors.append(f"{page}: gold {gold!r} extracted {pred!r}")


def score_page(scores: dict[str, Score], gold: dict, ex, page: str) -> None:
    """Add one page's comparison to ``scores``; ``ex`` is an Extraction or None (not an article)."""
    pred_orgs = ex.organizations if ex else []
    pred_acr = ex.acronyms if ex else {}
    orgs = OrgMatcher(gold["acronyms"], pred_acr)
    score_set(scores["organizations"], gold["organizations"], pred_orgs, orgs.same, page)
    score_set(scores["acronyms"], list(gold["acronyms"].items()), list(pred_acr.items()),
              lambda g, p: key(g[0]) == key(p[0]) and orgs.same(g[1], p[1]), page)

    roles = _roles(ex) if ex else {}
    gold_people = [p["name"] for p in gold["people"]]
    pairs = score_set(scores["people"], gold_people, ex.people if ex else [], same_person, page)
    gold_roles = [(p["name"], p["role"]) for p in gold["people"] if p["role"]]
    pred_roles = [(name, roles[name]) for name in (ex.people if ex else []) if roles.get(name)]
    matched_name = dict(pairs)
    score_set(scores["roles"], gold_roles, pred_roles,
              lambda g, p: matched_name.get(g[0]) == p[0] and same_role(g[1], p[1]), page)

    _score_quotes(scores["quote speakers"], gold["quotes"], ex.quotes if ex else [], page)
    score_set(scores["locations"], gold["locations"], ex.locations if ex else [], same_place, page)
    score_set(scores["topics"], gold["topics"], ex.topics if ex else [], lambda g, p: g == p, page)
    published = ex.published_at.date().isoformat() if ex and ex.published_at else None
    score_value(scores["published"], gold["published"], published, lambda g, p: g == p, page)
    score_value(scores["dateline"], gold["dateline"], ex.dateline if ex else None, lambda g, p: key(g) == key(p), page)


def _roles(ex) -> dict[str, str | None]:
    roles: dict[str, str | None] = {}
    for m in ex.mentions:
        if m["kind"] == "person" and m["normalized"] not in roles:
            roles[m["normalized"]] = m["role"]
    return roles


def _score_quotes(score: Score, gold: list[dict], pred: list[dict], page: str) -> None:
    free = list(pred)
    for g in gold:
        score.gold += 1
        hit = next((q for q in free if quote_begins(g["begins"], q["quote"])), None)
        if hit is None:
            score.errors.append(f"{page}: quote {g['begins'][:40]!r} ({g['speaker']}) not found")
            continue
        free.remove(hit)
        score.predicted += 1
        if same_person(g["speaker"], hit["speaker"]):
            score.tp += 1
        else:
            score.errors.append(f"{page}: quote {g['begins'][:40]!r} by {g['speaker']!r}, extracted {hit['speaker']!r}")


# --- the run -------------------------------------------------------------------------------------------


def cleaned_dev_pages(gold: list[dict]) -> dict[str, object]:
    """file -> the clean stage's result, each office folder's template learned from the whole folder."""
    by_folder: dict[Path, list[str]] = defaultdict(list)
    for g in gold:
        path = SHARED / g["file"]
        by_folder[path.parent].append(path.name)
    cleaned = {}
    for folder, names in by_folder.items():
        for name, result in clean_folder(folder, names).items():
            cleaned[str((folder / name).relative_to(SHARED))] = result
    return cleaned


def evaluate(gold: list[dict], cleaned: dict, nlp) -> tuple[dict[str, Score], float]:
    from crosswire.extract import extract_article

    scores = {f: Score() for f in FIELDS}
    start = time.perf_counter()
    for g in gold:
        c = cleaned[g["file"]]
        ex = None
        if c.is_article:
            ex = extract_article(c.text, title=c.title, published_at=c.published_at, nlp=nlp, language=c.language)
        score_page(scores, g, ex, Path(g["file"]).name[:60])
    return scores, time.perf_counter() - start


def report(results: dict[str, dict[str, Score]], verbose: bool) -> None:
    modes = list(results)
    print(f"{'':<16}" + "".join(f" | {m:<20}" for m in modes))
    print(f"{'field':<16}" + " | precision recall    F1" * len(modes))
    for f in FIELDS:
        cells = (results[m][f].prf() for m in modes)
        print(f"{f:<16}" + "".join(f" | {p:9.3f} {r:6.3f} {f1:5.3f}" for p, r, f1 in cells))
    for f, accuracy in (("quote speakers", _quote_accuracy), ("published", _page_accuracy),
                        ("dateline", _page_accuracy)):
        print(f"{f + ' accuracy':<28}" + "  ".join(f"{m}: {accuracy(results[m][f])}" for m in modes))
    for f, target, measure in TARGETS:
        values = {m: measure(results[m][f]) for m in modes}
        verdict = "met" if all(v >= target for v in values.values()) else "NOT met"
        print(f"target {f} >= {target}: {verdict} (" + ", ".join(f"{m} {v:.3f}" for m, v in values.items()) + ")")
    if verbose:
        for m in modes:
            for f in FIELDS:
                for e in results[m][f].errors:
                    print(f"[{m}] {f}: {e}")


def _quote_accuracy(score: Score) -> str:
    return f"{score.tp}/{score.gold} = {score.tp / max(1, score.gold):.3f}"


def _page_accuracy(score: Score) -> str:
    return f"{score.correct_pages}/{score.pages} = {score.correct_pages / max(1, score.pages):.3f}"


# Issue 6's targets on the dev set: (field, minimum, measure).
TARGETS = [
    ("organizations", 0.90, lambda s: s.prf()[2]),
    ("people", 0.90, lambda s: s.prf()[2]),
    ("quote speakers", 0.90, lambda s: s.tp / max(1, s.gold)),
    ("published", 0.95, lambda s: s.correct_pages / max(1, s.pages)),
    ("dateline", 0.95, lambda s: s.correct_pages / max(1, s.pages)),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="print every miss and extra per field")
    parser.add_argument("--model", default="auto", help="spaCy model for the spaCy mode (default: auto)")
    args = parser.parse_args(argv)
    require_shared()
    from crosswire.extract import load_nlp

    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    cleaned = cleaned_dev_pages(gold)
    rejected = [g["file"] for g in gold if g["is_article"] != cleaned[g["file"]].is_article]
    print(f"dev set: {len(gold)} pages, {sum(c.is_article for c in cleaned.values())} kept as articles by the clean "
          f"stage; verdicts differing from gold: {len(rejected)} {[Path(f).name[:50] for f in rejected]}")
    nlp, mode = load_nlp(args.model)
    runs = {"spacy": nlp, "rules": None} if nlp is not None else {"rules": None}
    results, speeds = {}, []
    for name, model in runs.items():
        results[name], seconds = evaluate(gold, cleaned, model)
        speeds.append(f"{mode if model else 'rules'} {len(gold) / seconds:.0f} pages/s")
    print("extract modes: " + "; ".join(speeds))
    report(results, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
