"""Discovery: the SOURCE arguments as sources, planned lazily into batches of units of about a batch's size."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from crosswire.ingest.fetch import Fetcher
from crosswire.ingest.ledger import Ledger
from crosswire.ingest.sources import plan, resolve
from crosswire.ingest.units import Source, Unit, load_sources
from crosswire.settings import Settings
from crosswire.store import files


def discover(sources: list[str]) -> list[Source]:
    """The sources SOURCE arguments name: paths, URLs, and the entries of `.toml` source lists."""
    found = []
    for location in sources:
        if location.lower().endswith(".toml") and Path(location).is_file():
            found.extend(load_sources(location))
        else:
            found.append(resolve(location))
    return found


class Units:
    """A batch of units as the ingest task takes it. A plain class on purpose: Prefect walks a list, and
    each dataclass in it, several times per task run (about 40 ms a walk for a thousand units)."""

    def __init__(self, units: list[Unit]):
        self.units = units

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def __repr__(self) -> str:  # what the task's cache key reads
        return repr(self.units)


class Discovery:
    """The units of `sources` in batches of about `batch_size` items, planned lazily. Counts the listed
    pages that need no request (`unchanged`), names the sources that failed whole (`failed`) and those that
    settings.ingest's bounds left partly unread (`cut`: pages per source, URLs per sitemap, sitemaps and
    their depth). A place listed twice (by a feed and a sitemap, say) is read once. The `output` folder
    (the run's DIR, when local) is never read: a source folder holding it is read without it."""

    def __init__(self, sources: list[Source], ledger: Ledger, settings: Settings, output: str | None = None):
        self.sources, self.ledger, self.settings = sources, ledger, settings
        self.output = Path(files.location(output)) if output is not None and files.is_local(output) else None
        self.unchanged = 0
        self.failed: dict[str, str] = {}
        self.cut: dict[str, str] = {}  # sources a bound of settings.ingest left partly unread, and what it left
        self.skipped: Counter = Counter()  # files of the source folders of types ingest does not read, by suffix

    def holding_output(self) -> list[str]:
        """The folder sources whose tree holds the output folder (or is it), which they are read without."""
        if self.output is None:
            return []
        folders = [Path(source.location) for source in self.sources if not source.is_url]
        return [str(folder) for folder in folders
                if folder.is_dir() and (folder == self.output or folder in self.output.parents)]

    def batches(self) -> Iterator[Units]:
        batch, size, planned = [], 0, set()
        limits = self.settings.ingest
        with Fetcher(self.settings.fetch) as fetcher:
            for source in self.sources:
                produced, failure, pages, label = 0, None, 0, source.name or source.location
                for unit in plan(source, fetcher, self.ledger, self.settings.batch_size, self.output, self.skipped,
                                 limits):
                    if unit.kind == "cut":
                        self.cut[label] = "; ".join(filter(None, (self.cut.get(label), unit.detail)))
                        continue
                    if unit.kind == "unchanged":
                        self.unchanged += 1
                        produced += 1
                        continue
                    if unit.kind == "failed":
                        failure = failure or f"{unit.reason}: {unit.detail}"
                    else:
                        produced += 1
                    key = (unit.kind, unit.location, unit.start, unit.offsets[:1])
                    if key in planned:
                        continue
                    if source.is_url and pages == limits.max_urls_per_source:
                        # the source's planning stops here: no further sitemap of it is fetched
                        self.cut[label] = (f"more than {pages} pages to fetch: the first {pages} read, the others "
                                           "left for later runs (ingest.max_urls_per_source)")
                        break
                    pages += 1  # a failed one too (a refused link, a sitemap gone): each is a quarantine row
                    planned.add(key)
                    batch.append(unit)
                    size += unit.count
                    if size >= self.settings.batch_size:
                        yield Units(batch)
                        batch, size = [], 0
                if failure and not produced:
                    self.failed[label] = failure
        if batch or not planned:  # an empty run still has one (empty) batch, so every stage sees it
            yield Units(batch)
