"""Metadata the clean stage recovers, scored on the hand labels, and the seed pair.

    .venv/bin/python benchmarks/clean_gold.py

Prints, over the articles of `../shared/gold/dev.jsonl` (two seeds and 28 corpus pages): title accuracy
(exact string), published-date accuracy (the calendar day) and the article verdicts, with every miss;
then the character similarity of the cleaned scraped seed `001_…` to the cleaned published seed `000_…`
and any page chrome left in it. Each corpus page is cleaned with its office's template, learned from the
line statistics of all that office's pages, as the pipeline learns it per source.
"""

from __future__ import annotations

import json
import re
import sys
from difflib import SequenceMatcher
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GOLD = SHARED / "gold" / "dev.jsonl"
sys.path.insert(0, str(REPO))

# Chrome the scraped seed carried, and what any page could leave behind: none of it may survive.
CHROME = re.compile(
    r"^(?:Skip to (?:main )?content|Scroll to top|Latest Posts|Recent Posts|Latest News|Related Posts|Share"
    r"|Read more|Print|Email|Name\*|Email\*|Are You a Human\?.*|Tagged with:.*|# # #|###|\d+ /|\d+ / \d+|/)$",
    re.M,
)


def templates(offices: set[str]) -> dict[str, frozenset[str]]:
    from crosswire.clean import boilerplate_from_stats, line_stats
    from crosswire.ingest import decode

    corpus = SHARED / "corpora" / "prosecutor-press-releases"
    texts = {o: [decode(p.read_bytes())[0] for p in sorted((corpus / o).glob("*.txt"))] for o in offices}
    stats = line_stats(texts)
    return {office: boilerplate_from_stats(stats, office) for office in offices}


def main() -> int:
    if not GOLD.is_file():
        print(f"{GOLD} is absent: this benchmark needs ../shared beside the repository", file=sys.stderr)
        return 2
    from crosswire.clean import clean_document
    from crosswire.ingest import decode
    from crosswire.settings import Settings

    settings = Settings()
    labels = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    offices = {Path(x["file"]).parent.name for x in labels if x["file"].startswith("corpora/")}
    template = templates(offices)
    hits = {"title": 0, "published": 0, "verdict": 0}
    misses = []
    articles = 0
    for label in labels:
        path = Path(label["file"])
        raw = decode((SHARED / path).read_bytes())[0]
        cleaned = clean_document(raw, "text/plain", boilerplate=template.get(path.parent.name, frozenset()),
                                 settings=settings)
        hits["verdict"] += cleaned.is_article == label["is_article"]
        if cleaned.is_article != label["is_article"]:
            misses.append(f"verdict    {path.name}: {cleaned.is_article} ({cleaned.reason}), labelled {label['is_article']}")
        if not label["is_article"]:
            continue
        articles += 1
        published = cleaned.published_at.date().isoformat() if cleaned.published_at else None
        for field, got in (("title", cleaned.title), ("published", published)):
            hits[field] += got == label[field]
            if got != label[field]:
                misses.append(f"{field:<10} {path.name}: {got!r}, labelled {label[field]!r}")
    print(f"gold pages {len(labels)}, of them articles {articles}")
    print(f"title accuracy      {hits['title'] / articles:.3f} ({hits['title']}/{articles} articles)")
    print(f"published accuracy  {hits['published'] / articles:.3f} ({hits['published']}/{articles} articles)")
    print(f"article verdicts    {hits['verdict']}/{len(labels)} pages")
    for miss in misses:
        print(f"  miss: {miss}")

    seeds = {p.name[:3]: p.read_text(encoding="utf-8") for p in (SHARED / "seeds").glob("*.txt")}
    published, scraped = clean_document(seeds["000"]), clean_document(seeds["001"])
    similarity = SequenceMatcher(None, published.text, scraped.text, autojunk=False).ratio()
    chrome = CHROME.findall(scraped.text)
    print(f"\nseed 001 cleaned vs seed 000 cleaned: character similarity {similarity:.4f}, "
          f"chrome lines left {len(chrome)}{' ' + repr(chrome) if chrome else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
