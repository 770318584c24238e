"""crosswire: raw news and press releases in, clean deduplicated story tables out."""

from crosswire.memory import use_jemalloc

use_jemalloc()  # for the whole process, workers included: every entry point imports crosswire


def tables(out: str, run: str | None = None):
    """A DuckDB connection with one view per table of the output location `out`, every view as the run `run`
    (a run_id; the last run by default) committed it, so that a query never mixes two runs' tables:
    `crosswire.tables("out").sql("SELECT count(*) FROM articles")`."""
    from crosswire.store.sql import pinned

    return pinned(out, run)
