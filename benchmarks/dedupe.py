"""Dedupe benchmark: noisy copies of real press releases, with known answers.

Quality mode (default) takes distinct releases from ../shared/corpora/prosecutor-press-releases, makes
1-3 damaged copies of half of them (the other half stay singletons), cleans every document with the
clean stage, runs the real dedupe, and prints pairwise precision / recall / F1, the adjusted Rand index,
false merges of distinct releases, docs/s, and whether running the documents in two runs gives the same
stories as one run.

Scale mode (--scale) builds 10k and 100k documents of distinct stories (see StoryMaker: real sentences
and paragraphs of one office recombined, every name, place and number replaced, so stories share no more
text as their number grows) with noisy copies of every 4th story, and prints for each size, measured in a
fresh process: dedupe wall and CPU time, docs/s, peak RSS, stories found against the true ones, and the
LSH candidate pairs and text verifications per document (flat when the work is linear).

    .venv/bin/python benchmarks/dedupe.py [--originals 1500] [--seed 7]
    .venv/bin/python benchmarks/dedupe.py --scale
"""

from __future__ import annotations

import argparse
import html
import random
import re
import resource
import subprocess
import sys
import textwrap
import time
from collections import Counter
from itertools import combinations
from math import comb
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpora" / "prosecutor-press-releases"

from crosswire.clean import clean_document, learn_boilerplate  # noqa: E402
from crosswire.dedupe import assign_stories, exact_key, tokens  # noqa: E402
from crosswire.settings import Settings  # noqa: E402
from crosswire.store import Store  # noqa: E402

UI_JUNK = ["1 / 8", "Share", "Print", "Email", "   \t  ", "Read more", "Skip to content"]
NUMBER = re.compile(r"\b\d+\b")


# --- originals ------------------------------------------------------------------------------------------

def originals(limit: int, rng: random.Random) -> list[dict]:
    """Cleaned, distinct releases: one per title and per text, so the answers are known."""
    releases, titles, texts = [], set(), set()
    for office in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        raw = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(office.glob("*.txt"))]
        template = learn_boilerplate(raw)
        for text in raw:
            cleaned = clean_document(text, boilerplate=template)
            title_key = " ".join(tokens(cleaned.title or ""))
            text_key = exact_key(tokens(cleaned.text))
            if cleaned.is_article and cleaned.title and title_key not in titles and text_key not in texts:
                titles.add(title_key)
                texts.add(text_key)
                releases.append({"title": cleaned.title, "text": cleaned.text, "office": office.name})
    rng.shuffle(releases)
    return releases[:limit]


# --- damage: the copies users meet ------------------------------------------------------------------------

def seed_damage(text: str, rng: random.Random) -> str:
    """Lost spaces between sentences and paragraphs, injected UI lines and whitespace runs."""
    glued = re.sub(r"([.!?”])\s+(?=[“A-Z])", r"\1", text) if rng.random() < 0.5 else text
    lines = glued.split("\n")
    for _ in range(rng.randint(1, 3)):
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(UI_JUNK) + "\n" + " " * rng.randint(0, 40))
    return "\n".join(lines)


def teaser(text: str, rng: random.Random) -> str:
    paragraphs = text.split("\n\n")
    keep = max(1, round(len(paragraphs) * rng.uniform(0.5, 0.7)))
    return "\n\n".join(paragraphs[:keep]) + "\n\nRead more"


def update(text: str, rng: random.Random) -> str:
    numbers = list(NUMBER.finditer(text))
    if numbers:
        hit = rng.choice(numbers)
        text = f"{text[:hit.start()]}{int(hit[0]) + rng.randint(1, 9)}{text[hit.end():]}"
    return f"UPDATE: this release has been updated with new information.\n\n{text}"


def digest(text: str, rng: random.Random) -> str:
    wrapped = "\n\n".join(textwrap.fill(p, 70) for p in text.split("\n\n"))
    return f"Daily press digest\nIn this issue: 1 item\n\n{wrapped}\n\nYou are receiving this e-mail because you subscribed."


def mojibake(text: str, rng: random.Random) -> str:
    return text.encode("utf-8").decode("latin-1")


def html_repost(text: str, title: str, rng: random.Random) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    return (f"<html><head><title>{html.escape(title)} | Regional News Network</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/crime'>Crime</a> <a href='/about'>About us</a></nav>"
            f"<main><article><h1>{html.escape(title)}</h1>{body}</article></main>"
            f"<aside><h3>Most read</h3><ul><li>Council approves budget</li><li>Storm closes schools</li></ul></aside>"
            f"<footer>© Regional News Network. All rights reserved.</footer></body></html>")


def copy_of(release: dict, rng: random.Random) -> tuple[str, str, dict]:
    """(raw, content type, hints) of one damaged copy: a random mix of the kinds above."""
    text, title = release["text"], release["title"]
    kinds = rng.sample(["seed", "teaser", "update", "digest", "mojibake", "html"], rng.randint(1, 2))
    for kind in kinds:
        if kind == "teaser":
            text = teaser(text, rng)
        elif kind == "update":
            text = update(text, rng)
    if "html" in kinds:
        return html_repost(text, title, rng), "text/html", {}
    if "digest" in kinds:
        text = digest(text, rng)
    if "seed" in kinds:
        text = seed_damage(text, rng)
    if "mojibake" in kinds:
        text = mojibake(text, rng)
    return text, "text/plain", {"title": title} if "seed" not in kinds else {}


def labelled_documents(releases: list[dict], rng: random.Random) -> pd.DataFrame:
    rows = []
    for n, release in enumerate(releases):
        rows.append((release["text"], "text/plain", {"title": release["title"]}, n))
        if n % 2 == 0:
            rows += [(*copy_of(release, rng), n) for _ in range(rng.randint(1, 3))]
    documents = []
    for i, (raw, content_type, hints, label) in enumerate(rows):
        cleaned = clean_document(raw, content_type, hints=hints)
        if not cleaned.is_article:
            continue
        documents.append({
            "doc_id": f"d{i:06d}", "label": label, "text": cleaned.text, "title": cleaned.title,
            "published_at": pd.NaT, "language": cleaned.language, "junk_ratio": cleaned.junk_ratio,
            "word_count": cleaned.word_count, "source_uri": f"bench://{i}",
            "ingested_at": pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(seconds=rng.randint(0, 10**6)),
        })
    return pd.DataFrame(documents)


# --- scoring --------------------------------------------------------------------------------------------

def pairs(groups: pd.Series) -> set[tuple[str, str]]:
    return {p for members in groups.groupby(groups).groups.values() for p in combinations(sorted(members), 2)}


def adjusted_rand(truth: pd.Series, predicted: pd.Series) -> float:
    table = pd.crosstab(truth, predicted)
    index = sum(comb(int(n), 2) for n in table.to_numpy().ravel())
    rows, cols = (sum(comb(int(n), 2) for n in table.sum(axis=a)) for a in (1, 0))
    expected = rows * cols / comb(len(truth), 2)
    return (index - expected) / ((rows + cols) / 2 - expected)


def run_dedupe(docs: pd.DataFrame, prior: pd.DataFrame | None = None, signatures=None,
               run_id: str = "r1"):
    prior = prior if prior is not None else pd.DataFrame(columns=list(docs.columns) + ["article_id"])
    signatures = signatures if signatures is not None else Store("/nonexistent").arrow("signatures")
    return assign_stories(docs, prior, signatures, run_id, Settings())


def quality(originals_count: int, seed: int) -> None:
    rng = random.Random(seed)
    start = time.perf_counter()
    releases = originals(originals_count, rng)
    docs = labelled_documents(releases, rng)
    built = time.perf_counter() - start
    start = time.perf_counter()
    stories = run_dedupe(docs)
    docs = docs.set_index("doc_id", drop=False)
    seconds = time.perf_counter() - start
    predicted = stories.assignments.set_index("doc_id")["article_id"].reindex(docs.index)
    truth = docs["label"]
    true_pairs, found_pairs = pairs(truth.astype(str)), pairs(predicted)
    hit = len(true_pairs & found_pairs)
    precision, recall = hit / max(len(found_pairs), 1), hit / max(len(true_pairs), 1)
    false_merges = [(a, b) for a, b in found_pairs - true_pairs]
    print(f"documents {len(docs)} from {len(releases)} releases ({Counter(truth.value_counts() > 1)[True]} with copies)"
          f"; built and cleaned in {built:.1f}s")
    print(f"pairwise precision {precision:.4f}  recall {recall:.4f}  F1 {2 * precision * recall / max(precision + recall, 1e-9):.4f}")
    print(f"adjusted Rand index {adjusted_rand(truth, predicted):.4f}")
    print(f"false merges of distinct releases {len(false_merges)}")
    for a, b in false_merges[:5]:
        print(f"  {docs.at[a, 'title']!r} ~ {docs.at[b, 'title']!r}")
    missed = true_pairs - found_pairs
    print(f"missed copy pairs {len(missed)}")
    for a, b in list(missed)[:5]:
        print(f"  {docs.at[a, 'text'][:70]!r} ~ {docs.at[b, 'text'][:70]!r}")
    print(f"dedupe {len(docs) / seconds:.0f} docs/s ({seconds:.2f}s)")
    incremental(docs, predicted, rng)


def incremental(docs: pd.DataFrame, together: pd.Series, rng: random.Random) -> None:
    """Documents split in two runs must give the same stories as one run over all of them."""
    first = docs.sample(frac=0.5, random_state=rng.randint(0, 10**6))
    second = docs.drop(first.index)
    run_a = run_dedupe(first.reset_index(drop=True))
    prior = first.reset_index(drop=True).merge(run_a.assignments[["doc_id", "article_id"]], on="doc_id")
    run_b = run_dedupe(second.reset_index(drop=True), prior, run_a.signatures, run_id="r2")
    stories = run_b.assignments.set_index("doc_id")["article_id"].combine_first(prior.set_index("doc_id")["article_id"])
    same = pairs(stories.reindex(docs.index)) == pairs(together)
    print(f"two runs (A then B) give the same stories as one run: {same}")


# --- scale ---------------------------------------------------------------------------------------------

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“])")
WORDLIKE = re.compile(r"[A-Za-z]+|\d+")
RARE = 0.01  # a capitalized word in fewer releases of its office than this share is a name or a place
COPY_RATE = 4  # every 4th story has noisy copies


class StoryMaker:
    """Distinct stories in the style of the corpus, as many as asked, that share no more text with each
    other as their number grows than real releases of one office do.

    Real releases of one office open alike ("SANTA ANA – A man was sentenced today to ...") and then
    part. So a story's opening sentence is the start of one release's first sentence spliced to the end
    of another's; the next two sentences come from two further releases, then 2-7 paragraphs of other
    releases of the same office (their templates and stock phrases stay). Every name and place (a
    capitalized word rare in the office's releases and never written in lower case) is replaced,
    consistently within the story, by another name of the corpus, and every number by a random one (a
    year by a year, a number up to 31 by a day every month has): a sentence reused by two stories is
    about other people, places, dates and amounts. The title is the first release's, with the same
    replacements."""

    def __init__(self, releases: list[dict], rng: random.Random):
        self.rng, self.releases = rng, releases
        self.offices: dict[str, list[dict]] = {}
        self.sentences: dict[str, list[list[str]]] = {}  # each release's sentences, by office
        self.paragraphs: dict[str, list[str]] = {}  # each office's paragraphs after the lead
        for release in releases:
            office = release["office"]
            self.offices.setdefault(office, []).append(release)
            self.sentences.setdefault(office, []).append(SENTENCE.split(release["text"].replace("\n\n", " ")))
            self.paragraphs.setdefault(office, []).extend(release["text"].split("\n\n")[1:])
        lowercase = {w for r in releases for w in re.findall(r"\b[a-z]+\b", r["text"])}  # common words
        self.names: set[str] = set()
        for office in self.offices.values():
            counts = Counter(w for r in office for w in set(re.findall(r"\b[A-Z][a-z]+\b", r["text"])))
            self.names |= {w.lower() for w, n in counts.items() if n < max(RARE * len(office), 2)} - lowercase
        self.pool = sorted(self.names)

    def spliced(self, start: str, end: str) -> str:
        """The first words of `start` followed by the last words of `end`, cut in their middle thirds."""
        head, tail = start.split(), end.split()
        cut_head = self.rng.randint(len(head) // 3, max(len(head) * 2 // 3, 1))
        cut_tail = self.rng.randint(len(tail) // 3, max(len(tail) * 2 // 3, 1))
        return " ".join(head[:cut_head] + tail[cut_tail:])

    def story(self) -> tuple[str, str]:
        first = self.rng.choice(self.releases)
        office = first["office"]
        others = [self.rng.choice(self.sentences[office]) for _ in range(3)]
        lead = [self.spliced(SENTENCE.split(first["text"])[0], others[0][0]),
                *(sentences[1] for sentences in others[1:] if len(sentences) > 1)]
        body = self.rng.choices(self.paragraphs[office], k=self.rng.randint(2, 7))
        mapping: dict[str, str] = {}

        def substitute(match: re.Match) -> str:
            word = match[0]
            if word.isdigit():  # years and days of the month stay valid, so that dates still parse
                if len(word) == 4 and 1900 <= int(word) < 2100:
                    return str(self.rng.randint(2000, 2026))
                return str(self.rng.randint(1, 28 if int(word) <= 31 else 10 ** len(word)))
            if not word[0].isupper() or word.lower() not in self.names:
                return word
            new = mapping.setdefault(word.lower(), self.rng.choice(self.pool))
            return new.upper() if word.isupper() else new.capitalize()

        text = "\n\n".join([" ".join(lead), *body])
        return WORDLIKE.sub(substitute, first["title"]), WORDLIKE.sub(substitute, text)


def noisy_copy(text: str, title: str, rng: random.Random) -> tuple[str, str | None]:
    """A teaser, an update, a hard-wrapped digest or a scraper's damaged copy (which loses its title)."""
    kind = rng.choice(["teaser", "update", "digest", "seed"])
    if kind == "seed":
        return seed_damage(text, rng), None
    return {"teaser": teaser, "update": update, "digest": digest}[kind](text, rng), title


def scaled_documents(size: int, seed: int) -> pd.DataFrame:
    """`size` cleaned documents of distinct stories (`label`) made by StoryMaker from the corpus, every
    4th story with 1-2 noisy copies: the same mix at every size."""
    rng = random.Random(seed)
    maker = StoryMaker(originals(10**9, rng), rng)
    labels, texts, titles, label = [], [], [], 0
    while len(texts) < size:
        title, text = maker.story()
        versions = [(text, title)]
        if label % COPY_RATE == 0:
            versions += [noisy_copy(text, title, rng) for _ in range(rng.randint(1, 2))]
        for version, version_title in versions:
            labels.append(label)
            texts.append(version)
            titles.append(version_title)
        label += 1
    del labels[size:], texts[size:], titles[size:]
    return pd.DataFrame({
        "doc_id": [f"d{i:07d}" for i in range(size)], "label": labels, "text": texts, "title": titles,
        "published_at": pd.NaT, "language": "en", "junk_ratio": 0.0,
        "word_count": [len(t.split()) for t in texts], "source_uri": [f"bench://{i}" for i in range(size)],
        "ingested_at": pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(range(size), unit="s"),
    })


def rss_mib() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20


def scale_child(size: int, seed: int) -> None:
    docs = scaled_documents(size, seed)
    before = rss_mib()
    start, cpu = time.perf_counter(), time.process_time()
    stories = run_dedupe(docs.drop(columns="label"))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = stories.assignments.set_index("doc_id")["article_id"].reindex(docs["doc_id"]).to_numpy()
    mixed = docs.assign(found=found).groupby("found")["label"].nunique()
    split = docs.assign(found=found).groupby("label")["found"].nunique()
    print("\t".join(map(str, [size, f"{seconds:.2f}", f"{cpu:.2f}", f"{before:.0f}", f"{peak:.0f}", len(stories.articles),
                              docs["label"].nunique(), int((mixed > 1).sum()), int((split > 1).sum()),
                              f"{stories.candidates / size:.3f}", f"{stories.verifications / size:.3f}"])))


def scale(seed: int) -> None:
    """Each size in a fresh process; the ratio compares two sizes measured in this one run."""
    print("   docs  wall s  CPU s  docs/s  RSS before   peak RSS  stories (true)  mixed  split"
          "  candidates/doc  verifications/doc")
    wall, cpu = {}, {}
    for size in (10_000, 100_000):
        out = subprocess.run([sys.executable, __file__, "--scale-child", str(size), "--seed", str(seed)],
                             capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        _, seconds, cpu_seconds, before, peak, stories, true, mixed, split, candidates, verifications = out.split("\t")
        wall[size], cpu[size] = float(seconds), float(cpu_seconds)
        print(f"{size:>7}  {wall[size]:>6.1f}  {cpu[size]:>5.1f}  {size / wall[size]:>6.0f}  {before:>6} MiB"
              f"  {peak:>5} MiB  {stories:>7} ({true})  {mixed:>5}  {split:>5}  {candidates:>14}  {verifications:>17}")
    print(f"time(100k)/time(10k): wall {wall[100_000] / wall[10_000]:.1f}, CPU {cpu[100_000] / cpu[10_000]:.1f}")
    print("peak RSS: the whole process, data built in it; mixed: stories holding two true stories;"
          " split: true stories found as two or more")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--originals", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", action="store_true")
    parser.add_argument("--scale-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS} is absent: the benchmark needs the shared corpus beside the repository")
    if args.scale_child:
        scale_child(args.scale_child, args.seed)
    elif args.scale:
        scale(args.seed)
    else:
        quality(args.originals, args.seed)


if __name__ == "__main__":
    main()
