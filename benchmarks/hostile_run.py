"""Hostile run: 200 real releases served on 127.0.0.1 among hostile input, run twice through the CLI, beside
the same releases alone.

Serves `tests/website.py`'s hostile mix: --pages releases of ../shared/corpora/prosecutor-press-releases
(taken in turn from every office) listed by a sitemap index that lists itself, a sitemap of 100,000 URLs and
indexes nested three deep, beside pages that trickle, expand to 20 MB, fail, redirect to a private address,
to file:// or in a loop, hold binary, nothing or 200,000 words, a release in UTF-16, and a file:// link.
The baseline, in the same run and from the same server, is a sitemap of the releases alone. Each is run
twice into its own DIR (`crosswire run URL --out DIR --config FILE`, rules mode, `fetch.deadline`
--deadline). Prints each run's summary, wall seconds, docs/s and peak RSS and the hostile run's ratio to
the baseline's; checks that every page listed is a story copy or a quarantine row with the reason
expected, and that the second hostile run ingests and quarantines nothing, counting its repeated failures.

    .venv/bin/python benchmarks/hostile_run.py [--pages 200] [--deadline 10]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.feed_run import crosswire
from crosswire.store import Store
from tests.website import Site, corpus_releases, serve_hostile_mix, sitemap_document

CORPUS = REPO.parent / "shared" / "corpora" / "prosecutor-press-releases"


def verdicts(out: Path, listed: dict[str, str | None]) -> dict[str, str | None]:
    """Each page listed -> None when it is a story copy, else its quarantine reason; a page whose bytes another
    page holds is that page's document, as the ledger says."""
    store = Store(out)
    documents, articles = store.read("documents"), set(store.read("articles")["article_id"])
    reasons = store.read("quarantine").set_index("doc_id")["reason"]
    held = store.read("ledger").dropna(subset=["doc_id"]).set_index("source_uri")["doc_id"]
    doc_of = documents.set_index("source_uri")["doc_id"].combine_first(held)
    story = documents.set_index("doc_id")["article_id"]
    return {url: None if story.get(doc_of.get(url)) in articles else reasons.get(doc_of.get(url), "missing")
            for url in listed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--deadline", type=float, default=10.0, help="fetch.deadline of the runs, seconds")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"{CORPUS} is absent: this benchmark needs the shared corpus beside the repository")
        return
    site = Site()
    listed = serve_hostile_mix(site, corpus_releases(CORPUS, args.pages))
    releases = [url for url, expected in listed.items() if expected == "clean"]
    site.documents["/good.xml"] = sitemap_document("urlset", releases)
    print(f"{len(releases)} releases and {len(listed) - len(releases)} hostile pages served at {site.base}\n")
    figures, failed = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "settings.json"
        config.write_text(json.dumps({"extract": {"model": "rules"}, "ingest": {"max_urls_per_sitemap": 5_000},
                                      "fetch": {"allowed_private_hosts": ["127.0.0.1"], "deadline": args.deadline,
                                                "per_host": 8}}))
        for attempt in ("first", "second"):
            for label, path in (("releases alone", "/good.xml"), ("hostile mix", "/index.xml")):
                out = Path(tmp) / label.replace(" ", "-")
                stdout, seconds, rss = crosswire("run", site.url(path), "--out", str(out), "--config", str(config))
                print(f"== {label}, {attempt} run: crosswire run {site.url(path)}\n{stdout.strip()}\n")
                figures[label, attempt] = seconds, rss
        hostile = Store(Path(tmp) / "hostile-mix")
        found = verdicts(Path(tmp) / "hostile-mix", listed)
        alone = verdicts(Path(tmp) / "releases-alone", dict.fromkeys(releases))
        runs = hostile.read("runs").sort_values("started_at")
    for url, expected in listed.items():
        if expected == "clean" and found[url] != alone[url]:
            failed.append(f"{url}: {found[url]} among hostile input, {alone[url]} alone")
        elif expected != "clean" and found[url] != expected:
            failed.append(f"{url}: {found[url]}, expected {expected}")
    second = runs.iloc[-1]
    if second["ingested"] or second["quarantined"]:
        failed.append(f"second hostile run: {second['ingested']} ingested, {second['quarantined']} quarantined")

    print("== speed (2 shared cores; wall time of the whole CLI run, Prefect start-up included)")
    for attempt in ("first", "second"):
        base_seconds, base_rss = figures["releases alone", attempt]
        seconds, rss = figures["hostile mix", attempt]
        print(f"{attempt} run: releases alone {base_seconds:6.1f} s {len(releases) / base_seconds:6.1f} docs/s "
              f"peak RSS {base_rss} MiB; hostile mix {seconds:6.1f} s {len(listed) / seconds:6.1f} docs/s peak RSS "
              f"{rss} MiB ({seconds / base_seconds:.2f}x the time, {rss / base_rss:.2f}x the memory)")
    print(f"\nstory copies {sum(v is None for v in found.values())} of {len(listed)} pages listed "
          f"({sum(alone[url] is None for url in releases)} of the {len(releases)} releases read alone); "
          f"second hostile run failed again: {second['failed_again']}")
    print("every page accounted for as expected" if not failed else "\n".join(["MISMATCHES:", *failed]))
    site.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
