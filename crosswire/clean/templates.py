"""Each source's template, learned from line statistics: which lines recur in how many of its pages. The
statistics are kept across runs (the `line_stats` table), so that a small run knows the template of the
pages seen before; a line held by at least `CleanSettings.template_min_share` of a source's documents (and
by `template_min_docs` of them) is part of its template (navigation, footers, contact blocks)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crosswire.clean.affixes import affix_lines
from crosswire.clean.lines import split_lines
from crosswire.schema import LINE_STATS
from crosswire.settings import DEFAULTS, Settings
from crosswire.store import files, sql

# pandas dtypes of the line_stats columns: strings and int64 counts
_STATS_TYPES = {f.name: "string" if pa.types.is_string(f.type) else str(f.type) for f in LINE_STATS}


def line_stats(texts_by_source: Mapping[str, Iterable[str]], prior: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per source, each distinct line and the number of its documents that hold it (`docs`), beside the
    number of documents seen from that source (`source_docs`); added to `prior`, so that statistics kept
    from earlier runs let a small later run recognise the site's template. Lines are compared stripped
    and whitespace-collapsed, as clean_document compares them; the candidate title affixes of each page
    are counted with them (crosswire.clean.affixes)."""
    frames = [] if prior is None else [prior]
    for source, texts in texts_by_source.items():
        counts: Counter[str] = Counter()
        n = 0
        for text in texts:
            if isinstance(text, str):
                n += 1
                lines = split_lines(text)
                counts.update({line for line in lines if line} | affix_lines(lines))
        frames.append(pd.DataFrame({"source": source, "line": list(counts), "docs": list(counts.values()),
                                    "source_docs": n}))
    return add_line_stats(frames)


def add_line_stats(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """The sum of line statistics counted over disjoint sets of documents (batches, runs)."""
    frames = [f[LINE_STATS.names] for f in frames if f is not None and not f.empty]
    if not frames:
        return pd.DataFrame(columns=LINE_STATS.names).astype(_STATS_TYPES)
    # each frame repeats its source's total on every row: one per frame, then summed over the frames
    totals = pd.concat([f.groupby("source")["source_docs"].first() for f in frames]).groupby(level=0).sum()
    merged = pd.concat(frames, ignore_index=True).groupby(["source", "line"], as_index=False)["docs"].sum()
    merged["source_docs"] = merged["source"].map(totals)
    return merged.astype(_STATS_TYPES)


def template_lines(stats: pd.DataFrame | None, settings: Settings = DEFAULTS) -> pd.DataFrame:
    """The (source, line) rows of `stats` that recur in at least `template_min_share` of their source's
    documents (and in `template_min_docs` of them): each site's template (navigation, footers, contact blocks)."""
    if stats is None or stats.empty:
        return pd.DataFrame({"source": pd.Series(dtype="string"), "line": pd.Series(dtype="string")})
    threshold = (settings.clean.template_min_share * stats["source_docs"]).clip(lower=settings.clean.template_min_docs)
    return stats.loc[stats["docs"] >= threshold, ["source", "line"]].reset_index(drop=True)


def sum_line_stats(paths: list[str], stats_path: str, templates_path: str, settings: Settings = DEFAULTS) -> None:
    """add_line_stats, then template_lines, over files of line statistics (a run's batches and the
    committed table), writing both results as Parquet files. The statistics hold a row per line ever
    seen, so they are summed out of core: DuckDB spills its aggregation and sort to disk past
    `settings.runner.sql_memory_limit`, and the rows stream from the files to the outputs, so that memory
    stays the same however many lines the sources have shown."""
    min_docs, min_share = settings.clean.template_min_docs, settings.clean.template_min_share
    template_schema = pa.schema([LINE_STATS.field("source"), LINE_STATS.field("line")])
    if not paths:
        files.write_batches([], LINE_STATS, stats_path)
        files.write_batches([], template_schema, templates_path)
        return
    # each file repeats a source's document count on every row: once per file, summed over the files
    totals = pd.concat([files.read_table(p, columns=["source", "source_docs"]).to_pandas()
                        .groupby("source")["source_docs"].first() for p in paths]).groupby(level=0).sum()
    totals = pa.table({"source": pa.array(totals.index, pa.string()), "source_docs": pa.array(totals, pa.int64())})
    with sql.connection(settings.runner.sql_memory_limit) as connection:
        connection.register("totals", totals)
        sql.view(connection, "stats", paths, LINE_STATS)
        rows = connection.sql(
            "SELECT source, line, sum(docs)::BIGINT AS docs, any_value(t.source_docs) AS source_docs "
            "FROM stats JOIN totals t USING (source) GROUP BY source, line ORDER BY source, line"
        ).to_arrow_reader()
        templates: list[pa.RecordBatch] = []

        def passing():
            for batch in rows:
                batch = pa.RecordBatch.from_arrays(batch.columns, schema=LINE_STATS)
                floor = pc.max_element_wise(pc.multiply(batch["source_docs"].cast(pa.float64()), min_share),
                                            float(min_docs))
                templates.append(batch.filter(pc.greater_equal(batch["docs"], floor)).select(["source", "line"]))
                yield batch

        files.write_batches(passing(), LINE_STATS, stats_path)
    files.write_batches(templates, template_schema, templates_path)


def templates_by_source(lines: pd.DataFrame) -> dict[str, frozenset[str]]:
    """Source -> its template, from template_lines."""
    return {source: frozenset(group) for source, group in lines.groupby("source")["line"]}


def boilerplate_from_stats(stats: pd.DataFrame | None, source: str, settings: Settings = DEFAULTS) -> frozenset[str]:
    """The template of `source` (see template_lines)."""
    return templates_by_source(template_lines(stats, settings)).get(source, frozenset())


def templates_from_stats(stats: pd.DataFrame | None, settings: Settings = DEFAULTS) -> dict[str, frozenset[str]]:
    """Every source's template (see template_lines)."""
    return templates_by_source(template_lines(stats, settings))


def learn_boilerplate(texts: Iterable[str], settings: Settings = DEFAULTS) -> frozenset[str]:
    """The template of one source's documents (see boilerplate_from_stats)."""
    return boilerplate_from_stats(line_stats({"": texts}), "", settings)
