"""Quality source by source, each source on its own: what a user gets on an office whose pages crosswire has
not seen.

    .venv/bin/python benchmarks/generalize.py [--model auto|rules] [--copies 30] [--seed 7] [--verbose]

Leave one source out: every office of ../shared/corpora is cleaned with what is learned from its own pages
only (its template and title affixes: the line statistics of that office alone), as a user's first run
over a new source learns them; nothing of another office is used. The hand labels are ../shared/gold/dev.jsonl
(written while the rules were: a training score) and benchmarks/data/gold/*.jsonl (labelled before any
rule was written for their pages: held out). Per source it prints:

- kept: pages the clean stage keeps as articles; 1-line: the share of them still kept when the page comes
  as one line (a page's textContent: no line breaks), and the F1 of that text's words against the text
  cleaned from the page's lines, so that no text is lost when lines are;
- no site: the share of the source's titles that do not carry its site's name (its office's name or web host,
  from counties.csv, before or after a separator);
- title, published, dateline: exact on the labelled pages (a null where the label is null counts right);
  dated: the share of the source's articles with a publication date;
- organizations, people, locations: F1 on the labelled pages; speakers: quotes attributed right;
  (scored as benchmarks/extract_eval.py scores them);
- copies: releases of the source and copies of them made by every kind of benchmarks/noise.py, cleaned as
  pages of other channels (each kind a channel, its template learned from its own copies) and grouped by the dedupe stage among all the source's releases:
  pairwise recall of copies with their release, and pairs of distinct releases merged (false merges);
  for the kinds that carry the title, how often the copy's title is the release's, and for those that
  write its date, how often the copy's publication date is the release's.

Then the same fields over the held-out labels and over all, the copies per kind, and the article-extraction
benchmark's main text against trafilatura's defaults in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract_corpus import CORPUS, GOLD, REPO, read_page, require_shared  # noqa: E402
from extract_eval import FIELDS, Score, key, score_page  # noqa: E402
from noise import DATED, KINDS, Release  # noqa: E402

HELD_OUT = sorted((REPO / "benchmarks" / "data" / "gold").glob("*.jsonl"))
SEPARATOR = re.compile(r"\s+[|•–—-]\s+|\s*::\s*|\s+:\s+")
TITLED = ("site-move", "news-site", "teaser", "digest", "wire", "pdf", "markdown")  # copies that carry the title
COLUMNS = ["pages", "kept", "1-line", "1-line F1", "no site", "title", "published", "dated", "dateline", "orgs", "people",
           "places", "speakers", "copies", "false"]


def labels() -> list[dict]:
    """Every hand label, each marked with the set it comes from."""
    found = []
    for path, name in [(GOLD, "dev"), *((p, "held-out") for p in HELD_OUT)]:
        found += [json.loads(line) | {"set": name} for line in path.read_text(encoding="utf-8").splitlines() if line]
    return found


def site_names() -> dict[str, list[str]]:
    """Office folder -> the names its site goes by (counties.csv: the office's name and its web host)."""
    import csv

    rows = csv.DictReader((CORPUS / "counties.csv").open(encoding="utf-8"))
    return {r["folder_key"]: [r["office_name"], r["press_release_url"].split("/")[2]] for r in rows}


def names_site(title: str, names: list[str]) -> bool:
    """Whether a short part (six words at most) of `title` before or after a separator is the site's name
    (either holds the other)."""
    parts = SEPARATOR.split(title)
    ends = [key(p).replace(" ", "") for p in (parts[0], parts[-1]) if len(p.split()) <= 6] if len(parts) > 1 else []
    wanted = [key(n).replace(" ", "") for n in names]
    return any(len(e) > 5 and (e in w or w in e) for e in ends for w in wanted)


def word_f1(truth: str, text: str) -> float:
    want, got = Counter(re.findall(r"\w+", truth.lower())), Counter(re.findall(r"\w+", text.lower()))
    tp = sum((want & got).values())
    return 2 * tp / (sum(want.values()) + sum(got.values())) if tp else 0.0


def one_line(page: str) -> str:
    return " ".join(line.strip() for line in page.splitlines() if line.strip())


class Source:
    """One office's pages, cleaned with what is learned from them alone (each page when first asked for)."""

    def __init__(self, folder: Path, settings):
        from crosswire.clean import learn_boilerplate

        self.name, self.settings = folder.name, settings
        self.pages = {p.name: read_page(p) for p in sorted(folder.glob("*.txt"))}
        self.template = learn_boilerplate(self.pages.values(), settings)
        self._cleaned: dict[str, object] = {}

    def clean(self, name: str):
        from crosswire.clean import clean_document

        if name not in self._cleaned:
            self._cleaned[name] = clean_document(self.pages[name], boilerplate=self.template, settings=self.settings)
        return self._cleaned[name]

    @property
    def articles(self) -> dict[str, object]:
        return {name: c for name in self.pages if (c := self.clean(name)).is_article}

    def one_line(self, settings) -> tuple[float, float]:
        """(share of the articles kept when their page comes as one line, mean F1 of the words of that text
        against the text cleaned from the page's lines)."""
        from crosswire.clean import clean_document

        kept, f1 = [], []
        for name, article in self.articles.items():
            cleaned = clean_document(one_line(self.pages[name]), boilerplate=self.template, settings=settings)
            kept.append(cleaned.is_article)
            f1.append(word_f1(article.text, cleaned.text if cleaned.is_article else ""))
        return sum(kept) / max(1, len(kept)), sum(f1) / max(1, len(f1))


def extraction(cleaned, nlp, settings):
    from crosswire.extract import extract_article

    if not cleaned.is_article:
        return None
    return extract_article(cleaned.text, title=cleaned.title, published_at=cleaned.published_at, nlp=nlp,
                           language=cleaned.language, settings=settings)


def score_labels(pages: list[dict], source: Source, nlp, settings) -> dict[str, Score]:
    scores = {f: Score() for f in [*FIELDS, "title"]}
    for label in pages:
        name = Path(label["file"]).name
        cleaned = source.clean(name)
        score_page(scores, label, extraction(cleaned, nlp, settings), name[:60])
        title = cleaned.title if cleaned.is_article else None
        right = " ".join((label["title"] or "").split()) == " ".join((title or "").split())
        scores["title"].pages += 1
        scores["title"].correct_pages += right
        if not right:
            scores["title"].errors.append(f"{name[:60]}: gold {label['title']!r} cleaned {title!r}")
    return scores


def copies(source: Source, count: int, rng: random.Random, settings) -> tuple[dict[str, list[bool]], list[str]]:
    """Per kind, whether each copy joined its release; and the pairs of distinct releases merged (their titles,
    and the kinds of copies in their story)."""
    from crosswire.clean import clean_document, learn_boilerplate
    from crosswire.dedupe import assign_stories, exact_key, tokens
    from crosswire.store import Store

    releases, seen = [], set()
    for name, c in source.articles.items():
        keys = (key(c.title or ""), exact_key(tokens(c.text)))
        if c.title and not seen & set(keys):
            seen |= set(keys)
            releases.append(Release(source.pages[name], c.title, c.text, c.published_at and c.published_at.date()))
    rng.shuffle(releases)
    releases = releases[:max(count * 4, 40)]  # distinct releases of one office: their neighbours to tell apart
    dated: dict[str, list[bool]] = defaultdict(list)
    made = {kind: [(n, *make(release, rng)) for n, release in enumerate(releases[:count])] for kind, make in KINDS.items()}
    rows = [(n, None, release.text, release.title) for n, release in enumerate(releases)]
    for kind, copies_ in made.items():  # each kind a channel of its own, its template learned from its copies
        template = learn_boilerplate((raw for _, raw, content_type, _ in copies_ if "html" not in content_type), settings)
        for n, raw, content_type, hints in copies_:
            cleaned = clean_document(raw, content_type, boilerplate=template, hints=hints, settings=settings)
            rows.append((n, kind, *((cleaned.text, cleaned.title) if cleaned.is_article else (None, None))))
            if kind in DATED and releases[n].published:
                day = cleaned.published_at and cleaned.published_at.date()
                dated[kind].append(day == releases[n].published)
    docs = pd.DataFrame([{"doc_id": f"d{i}", "text": text, "title": title, "language": "en", "junk_ratio": 0.0,
                          "published_at": pd.NaT, "word_count": len(text.split()),
                          "ingested_at": pd.Timestamp("2024-01-01", tz="UTC"), "source_uri": f"/copies/{i}"}
                         for i, (_, _, text, title) in enumerate(rows) if text is not None])
    stories = assign_stories(docs, pd.DataFrame(columns=[*docs.columns, "article_id"]), Store("/none").arrow("signatures"),
                             "r1", settings).assignments.set_index("doc_id")["article_id"]
    story_of = {i: stories.get(f"d{i}") for i in range(len(rows))}
    joined: dict[str, list[bool]] = defaultdict(list)
    original = {n: i for i, (n, kind, _, _) in enumerate(rows) if kind is None}
    for i, (n, kind, text, title) in enumerate(rows):
        if kind is not None:
            joined[kind].append(text is not None and story_of[i] == story_of[original[n]])
            if kind in TITLED:
                joined[f"{kind} title"].append(key(title or "") == key(releases[n].title))
    joined |= {f"{kind} date": hits for kind, hits in dated.items()}
    false = [f"{rows[a][3]!r} + {rows[b][3]!r} (copies in the story: "
             f"{sorted({kind for i, (_, kind, _, _) in enumerate(rows) if kind and story_of[i] == story_of[a]})})"
             for a, b in combinations(original.values(), 2) if story_of[a] == story_of[b]]
    return joined, false


def labelled_scores(model: str) -> dict[str, list[float | None]]:
    """Set ("dev", "held-out") -> title, published, dateline, organizations, people, locations, speakers
    (see `cells`) over its labelled pages, each office's template learned from its own pages: the figures
    the quality gate (tests/test_quality_gate.py) holds."""
    from crosswire.extract import load_nlp
    from crosswire.settings import Settings

    settings = Settings(extract={"model": model})
    nlp, _ = load_nlp(model)
    by_office = defaultdict(list)
    for label in labels():
        if label["file"].startswith("corpora/"):
            by_office[Path(label["file"]).parent.name].append(label)
    totals = {"dev": defaultdict(Score), "held-out": defaultdict(Score)}
    for office, pages in sorted(by_office.items()):
        source = Source(CORPUS / office, settings)
        for name, total in totals.items():
            for field, score in score_labels([g for g in pages if g["set"] == name], source, nlp, settings).items():
                merge(total[field], score)
    return {name: cells(scores) for name, scores in totals.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="auto", help="spaCy model, or 'rules' (default: auto)")
    parser.add_argument("--copies", type=int, default=30, help="releases per source copied by every kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--verbose", "-v", action="store_true", help="every error of the labelled pages")
    args = parser.parse_args(argv)
    require_shared()
    from crosswire.extract import load_nlp
    from crosswire.settings import Settings

    settings = Settings(extract={"model": args.model})
    nlp, mode = load_nlp(args.model)
    gold = labels()
    by_office = defaultdict(list)
    for label in gold:
        if label["file"].startswith("corpora/"):
            by_office[Path(label["file"]).parent.name].append(label)
    rng = random.Random(args.seed)
    rows, totals, kinds = {}, {"dev": defaultdict(Score), "held-out": defaultdict(Score)}, defaultdict(list)
    false_total = 0
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        source = Source(folder, settings)
        scores = defaultdict(Score)
        for name, total in totals.items():  # each page extracted once, counted in its set and its source
            part = score_labels([g for g in by_office[source.name] if g["set"] == name], source, nlp, settings)
            for field, score in part.items():
                merge(total[field], score)
                merge(scores[field], score)
        titles = [c.title for c in source.articles.values() if c.title]
        named = site_names().get(source.name, [])
        joined, false = copies(source, args.copies, rng, settings)
        false_total += len(false)
        for kind, hits in joined.items():
            kinds[kind] += hits
        every = [hit for kind, hits in joined.items() if kind in KINDS for hit in hits]
        title, published, dateline, orgs, people, places, speakers = cells(scores)
        rows[source.name] = {
            "pages": len(source.pages), "kept": len(source.articles) / len(source.pages),
            **dict(zip(("1-line", "1-line F1"), source.one_line(settings))),
            "no site": 1 - sum(names_site(t, named) for t in titles) / max(1, len(titles)),
            "title": title, "published": published,
            "dated": sum(c.published_at is not None for c in source.articles.values()) / max(1, len(source.articles)),
            "dateline": dateline, "orgs": orgs, "people": people, "places": places, "speakers": speakers,
            "copies": sum(every) / max(1, len(every)), "false": len(false)}
        for pair in false:
            print(f"[{source.name}] false merge: {pair}")
        if args.verbose:
            for field, score in scores.items():
                for error in score.errors:
                    print(f"[{source.name}] {field}: {error}")
    print(f"extract mode: {mode}; labelled pages: {sum(len(v) for v in by_office.values())} "
          f"({sum(g['set'] == 'held-out' for g in gold)} held out); copies: {args.copies} releases a source x "
          f"{len(KINDS)} kinds")
    print_table(rows)
    print("\nlabelled pages, by set (title, published and dateline exact; entities F1; speakers right)")
    for name, scores in totals.items():
        summary = cells(scores)
        print(f"  {name:<9} " + "  ".join(f"{field} {cell(value)}" for field, value in zip(
            ["title", "published", "dateline", "orgs", "people", "places", "speakers"], summary)))
    print(f"\ncopies joined to their release, by kind (all sources; 'KIND title' / 'KIND date': the copy's "
          f"title / date is the release's); false merges of distinct releases: {false_total}")
    for kind, hits in sorted(kinds.items(), key=lambda item: sum(item[1]) / len(item[1])):
        print(f"  {kind:<12} {sum(hits) / len(hits):.3f}  ({sum(hits)}/{len(hits)})")
    every = [hit for kind, hits in kinds.items() if kind in KINDS for hit in hits]
    print(f"  {'all':<12} {sum(every) / len(every):.3f}")
    main_text()
    return 0


def merge(total: Score, part: Score) -> None:
    for name in ("tp", "predicted", "gold", "correct_pages", "pages"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.errors += part.errors


def cells(scores: dict[str, Score]) -> list[float | None]:
    """title, published, dateline (page accuracy), organizations, people, locations (F1), speakers (right);
    None where the labels hold nothing to score."""
    accuracy = [scores[f].correct_pages / scores[f].pages if scores[f].pages else None
                for f in ("title", "published", "dateline")]
    f1 = [scores[f].prf()[2] if scores[f].gold else None for f in ("organizations", "people", "locations")]
    speakers = scores["quote speakers"]
    return [*accuracy, *f1, speakers.tp / speakers.gold if speakers.gold else None]


def print_table(rows: dict[str, dict]) -> None:
    print(f"{'source':<15}" + "".join(f"{c:>9}" for c in COLUMNS))
    for name, values in rows.items():
        print(f"{name:<15}" + "".join(f"{cell(values[c]):>9}" for c in COLUMNS))


def cell(value) -> str:
    return "-" if value is None else str(value) if isinstance(value, int) else f"{value:.3f}"


def main_text() -> None:
    """The article-extraction benchmark through the clean stage, beside trafilatura's defaults."""
    from clean_aeb import BENCH, extractors, load_pages, score

    if not BENCH.is_dir():
        return
    pages, truths = load_pages()
    results = {name: score(truths, {page: extract(html) or "" for page, html in pages.items()})
               for name, extract in extractors().items()}
    print("\nmain text, article-extraction benchmark (F1): " + ", ".join(
        f"{name} {result['f1']:.3f}" for name, result in results.items()))


if __name__ == "__main__":
    sys.exit(main())
