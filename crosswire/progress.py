"""Progress of a run in documents: a Prefect progress artifact for the UI, a line per stage in the run's log
(a deployment's, or the CLI's with -v) and, when the CLI runs in a terminal, a bar per stage with the
documents done out of the stage's total, their rate and the time left."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.futures import PrefectFuture, as_completed
from prefect.logging import get_run_logger

STAGES = ("ingest", "clean", "dedupe", "extract", "load")
show_bars = False  # set by the CLI: bars on the terminal it runs in


class Progress:
    """The share of the run's stages done, each stage counting for one fifth, each of its batches for its
    share of the stage's documents."""

    def __init__(self, run_id: str):
        self.done = 0.0
        self.artifact = create_progress_artifact(0.0, key="crosswire-progress",
                                                 description=f"crosswire run {run_id}: stages done, batch by batch")
        self.bars = _bars() if show_bars else None

    def wait(self, stage: str, futures: list[PrefectFuture], counts: list[int] | None = None,
             unit: str = "documents") -> list:
        """The futures' results, in submission order, advancing the stage by each one's count of `unit` (by
        one batch each without counts) as it completes."""
        size = dict(zip((f.task_run_id for f in futures), counts or [1] * len(futures)))
        results = {}
        for future in self.track(stage, as_completed(futures), size, unit if counts else "batches"):
            results[future.task_run_id] = future.result()
        return [results[f.task_run_id] for f in futures]

    def step(self, stage: str) -> None:
        """A stage with a single step (dedupe, load) is done."""
        list(self.track(stage, [None], {None: 1}, None))

    def track(self, stage: str, items: Iterable, size: dict, unit: str) -> Iterator:
        total, done, started = sum(size.values()), 0, time.monotonic()
        bar = self.bars.add_task(stage, total=total) if self.bars else None
        for item in items:
            yield item
            step = size.get(getattr(item, "task_run_id", None), 1)
            done += step
            self.done += step / (len(STAGES) * max(total, 1))
            update_progress_artifact(self.artifact, progress=round(100 * min(self.done, 1.0), 1))
            if bar is not None:
                self.bars.advance(bar, step)
        if total == 0:
            self.done += 1 / len(STAGES)
        seconds = time.monotonic() - started
        if unit:  # a single step is timed by the run's summary
            rate = f", {done / seconds:.1f}/s" if seconds > 0 else ""
            get_run_logger().info("%s: %d %s in %.1f s%s", stage, done, unit, seconds, rate)

    def close(self) -> None:
        if self.bars:
            self.bars.stop()


def _bars():
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bars
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:,.1f}/s" if task.speed else "")

    bars = Bars(TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(), Rate(), TimeElapsedColumn(),
                TextColumn("left"), TimeRemainingColumn())
    bars.start()
    return bars
