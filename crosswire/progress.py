"""Progress of a run, batch by batch: a Prefect progress artifact for the UI and, when the CLI asks for it,
a progress bar per stage in the terminal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.futures import PrefectFuture, as_completed

STAGES = ("ingest", "clean", "dedupe", "extract", "load")
show_bars = False  # set by the CLI: bars on the terminal it runs in


class Progress:
    """The share of the run's stages done, each stage counting for one fifth, each of its batches for its
    share of the stage."""

    def __init__(self, run_id: str):
        self.done = 0.0
        self.artifact = create_progress_artifact(0.0, key="crosswire-progress",
                                                 description=f"crosswire run {run_id}: stages done, batch by batch")
        self.bars = _bars() if show_bars else None

    def wait(self, stage: str, futures: list[PrefectFuture]) -> list:
        """The futures' results, in submission order, advancing the stage as each completes."""
        results = {}
        for future in self.track(stage, as_completed(futures), len(futures)):
            results[future.task_run_id] = future.result()
        return [results[f.task_run_id] for f in futures]

    def step(self, stage: str) -> None:
        """A stage with a single step (dedupe, load) is done."""
        list(self.track(stage, [None], 1))

    def track(self, stage: str, items: Iterable, total: int) -> Iterator:
        bar = self.bars.add_task(stage, total=total) if self.bars else None
        for item in items:
            yield item
            self.done += 1 / (len(STAGES) * max(total, 1))
            update_progress_artifact(self.artifact, progress=round(100 * min(self.done, 1.0), 1))
            if bar is not None:
                self.bars.advance(bar)
        if total == 0:
            self.done += 1 / len(STAGES)

    def close(self) -> None:
        if self.bars:
            self.bars.stop()


def _bars():
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import Progress as Bars

    bars = Bars(TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    bars.start()
    return bars
