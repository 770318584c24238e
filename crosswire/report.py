"""`DIR/report.html`: one page over every table in an output directory, all runs together, counted by
DuckDB over the files of the last run's table versions (see crosswire.store.sql), so that building it holds
no table and a run committing meanwhile does not mix into it.

The charts are drawn by matplotlib and inlined as SVG, text kept as text: the page needs no network and
no JavaScript, opens from disk, a mail or a CI artifact as it is, and weighs tens of kilobytes. Plotly
and Bokeh would have to inline megabytes of JavaScript to work offline, and Altair's Vega charts load
their JavaScript from a CDN or need a separate renderer to become images.
"""

from __future__ import annotations

import html
import io

import pandas as pd

from crosswire.store import Store, files, sql

REPORT = "report.html"
TOP = 15  # names shown in the organization and people charts
STAGES = ["ingest", "clean", "dedupe", "extract", "load"]
LIST_COLUMNS = ("organizations", "people", "locations", "topics")  # of articles, that top_names counts in


def build_report(out: str) -> str:
    """Write DIR/report.html from the committed tables and return its location."""
    store = Store(out)
    with sql.connection() as connection:
        views(connection, store)
        timeline, unit = stories_over_time(connection)
        charts = [
            (f"Stories per {unit}", "by publication date", timeline_chart(timeline, unit)),
            ("Top organizations", "stories naming each; an acronym that stories define as one name counts as it",
             bar_chart(top_names(connection, "organizations"))),
            ("Top people", "stories naming each", bar_chart(top_names(connection, "people"))),
            ("Copies per story", "stories by number of copies", bar_chart(copies_per_story(connection), horizontal=False)),
            ("Quarantine reasons", "documents kept out of the stories", bar_chart(quarantine_reasons(connection))),
        ]
        tables = [("Newest stories", "by publication date", newest_stories(connection)),
                  ("Quarantined documents", "a few of each reason", quarantine_examples(connection))]
        figures = headline(connection)
    path = files.join(store.root, REPORT)
    files.write_text(page(store.root, figures, charts, tables), path)  # a reader never sees half a page
    return path


def views(connection, store: Store) -> None:
    """The tables the report counts, as the last run left them, as DuckDB views over their data files:
    counted by DuckDB, never held, so that the report's memory does not grow with the tables."""
    sql.committed(connection, store, ["articles", "documents", "quarantine", "mentions", "quotes", "runs"],
                  store.versions())


def headline(connection) -> dict[str, str]:
    (stories, documents, ok, quarantined, mentions, quotes, runs, first, last), = connection.sql("""
        SELECT (SELECT count(*) FROM articles), count(*), count(*) FILTER (WHERE status = 'ok'),
               count(*) FILTER (WHERE status = 'quarantined'), (SELECT count(*) FROM mentions),
               (SELECT count(*) FROM quotes), (SELECT count(*) FROM runs),
               (SELECT min(published_at AT TIME ZONE 'UTC') FROM articles),
               (SELECT max(published_at AT TIME ZONE 'UTC') FROM articles)
        FROM documents""").fetchall()
    totals = {"stories": stories, "documents": documents, "copies merged": ok - stories, "quarantined": quarantined,
              "mentions": mentions, "quotes": quotes, "runs": runs}
    figures = {label: f"{n:,}" for label, n in totals.items()}
    if first is not None:
        figures["published"] = f"{first:%Y-%m-%d} to {last:%Y-%m-%d}"
    latest = connection.sql("SELECT started_at AT TIME ZONE 'UTC', outcome FROM runs "
                            "ORDER BY started_at DESC LIMIT 1").fetchall()
    if latest:
        started, outcome = latest[0]
        figures["latest run"] = f"{started:%Y-%m-%d %H:%M} UTC, {outcome}"
    return figures


def counts(connection, query: str) -> pd.Series:
    """A query's (label, count) rows as a Series of counts by label."""
    rows = connection.sql(query).fetchall()
    return pd.Series([n for _, n in rows], index=[label for label, _ in rows], dtype="int64")


# Bins of the stories timeline, finest first, with their length in days and pandas' frequency: the finest
# that draws at most MAX_BARS bars over the stories' span is used.
BINS = (("day", 1, "D"), ("week", 7, "7D"), ("month", 30.44, "MS"), ("quarter", 91.31, "QS"), ("year", 365.25, "YS"))
MAX_BARS = 120


def stories_over_time(connection) -> tuple[pd.Series, str]:
    """Stories per day, week (Monday first), month, quarter or year (in UTC), binned to the span of their
    dates, every bin of the span included (empty ones as 0); and the bin's name."""
    first, last = connection.sql("SELECT min(published_at AT TIME ZONE 'UTC'), max(published_at AT TIME ZONE 'UTC') "
                                 "FROM articles").fetchall()[0]
    if first is None:
        return pd.Series(dtype="int64"), "week"
    days = (last - first).days
    unit, _, freq = next((b for b in BINS if days / b[1] + 1 <= MAX_BARS), BINS[-1])
    binned = counts(connection, f"SELECT date_trunc('{unit}', published_at AT TIME ZONE 'UTC') AS bin, count(*) "
                                "FROM articles WHERE published_at IS NOT NULL GROUP BY bin ORDER BY bin")
    binned.index = pd.DatetimeIndex(binned.index)
    return binned.reindex(pd.date_range(binned.index[0], binned.index[-1], freq=freq), fill_value=0), unit


def newest_stories(connection, n: int = 15) -> list[tuple]:
    """The `n` newest stories: (day, title, copies, its first organizations)."""
    rows = connection.sql(f"""
        SELECT strftime(published_at AT TIME ZONE 'UTC', '%Y-%m-%d'), coalesce(title, '(no title)'), n_copies,
               array_to_string(organizations[1:3], ', ')
        FROM articles WHERE published_at IS NOT NULL ORDER BY published_at DESC, article_id LIMIT {int(n)}""").fetchall()
    return [("published", "title", "copies", "organizations"), *rows]


def quarantine_examples(connection, per_reason: int = 3) -> list[tuple]:
    """Up to `per_reason` quarantined documents of each reason: (reason, where it came from, why)."""
    rows = connection.sql(f"""
        SELECT reason, coalesce(source_uri, doc_id), coalesce(detail, '') FROM (
            SELECT *, row_number() OVER (PARTITION BY reason ORDER BY run_id DESC, doc_id) AS n FROM quarantine)
        WHERE n <= {int(per_reason)} ORDER BY reason, n""").fetchall()
    return [("reason", "document", "detail"), *rows]


def top_names(connection, column: str, n: int = TOP) -> pd.Series:
    """How many stories name each entry of the list column `column` of articles, most named first."""
    if column not in LIST_COLUMNS:  # put into the query as a name: never a value from elsewhere
        raise ValueError(f"not a list column of articles: {column!r}")
    # an acronym a story left unresolved counts as the one name other stories define it as ("CPD")
    defined = ("SELECT text AS acronym, any_value(normalized) AS full_name FROM mentions WHERE kind = 'organization' "
               "AND text = upper(text) AND normalized <> text GROUP BY text HAVING count(DISTINCT normalized) = 1"
               if column == "organizations" else "SELECT NULL AS acronym, NULL AS full_name WHERE false")
    return counts(connection, f"""
        WITH defined AS ({defined}),
             named AS (SELECT DISTINCT article_id, coalesce(full_name, name) AS name
                       FROM (SELECT article_id, unnest({column}) AS name FROM articles)
                       LEFT JOIN defined ON acronym = name)
        SELECT name, count(*) AS stories FROM named GROUP BY name ORDER BY stories DESC, name LIMIT {int(n)}""")


def copies_per_story(connection, cap: int = 10) -> pd.Series:
    """Stories by number of copies, with `cap` and more in one last bar."""
    copies = counts(connection, f"SELECT least(n_copies, {int(cap)}) AS copies, count(*) FROM articles "
                                "WHERE n_copies IS NOT NULL GROUP BY copies ORDER BY copies")
    return copies.rename(index=lambda n: f"{n}+" if n == cap else str(n))


def quarantine_reasons(connection) -> pd.Series:
    return counts(connection, "SELECT reason, count(*) AS n FROM quarantine WHERE reason IS NOT NULL "
                              "GROUP BY reason ORDER BY n DESC, reason")


def bar_chart(counts: pd.Series, horizontal: bool = True) -> str | None:
    if counts.empty:
        return None
    from matplotlib.figure import Figure

    labels = [str(label) for label in counts.index]
    if horizontal:  # long names read best down the side, the largest on top
        figure = Figure(figsize=(6.4, 0.6 + 0.28 * len(counts)))
        ax = figure.add_subplot()
        ax.barh(labels[::-1], counts.to_numpy()[::-1], color="#3a6ea5")
        ax.xaxis.get_major_locator().set_params(integer=True)
    else:
        figure = Figure(figsize=(6.4, 3.2))
        ax = figure.add_subplot()
        ax.bar(labels, counts.to_numpy(), color="#3a6ea5")
        ax.yaxis.get_major_locator().set_params(integer=True)
    return svg(figure, ax)


def timeline_chart(binned: pd.Series, unit: str) -> str | None:
    if binned.empty:
        return None
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9.6, 3.2))
    ax = figure.add_subplot()
    width = {"day": 0.8, "week": 6, "month": 27, "quarter": 85, "year": 340}[unit]  # in days, a gap between bars
    ax.bar(binned.index, binned.to_numpy(), width=width, align="edge", color="#3a6ea5")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return svg(figure, ax)


def svg(figure, ax) -> str:
    """The figure as an inline <svg> element: text stays text (searchable, small), no file header."""
    import matplotlib

    ax.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "crosswire"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def page(root: str, figures: dict[str, str], charts: list[tuple[str, str, str | None]],
         tables: list[tuple[str, str, list[tuple]]] = ()) -> str:
    cells = "".join(f"<div><b>{html.escape(value)}</b><span>{html.escape(label)}</span></div>"
                    for label, value in figures.items())
    sections = "".join(
        f"<section><h2>{html.escape(title)}</h2><p>{html.escape(note)}</p>"
        f"{chart or '<p class=none>None yet.</p>'}</section>"
        for title, note, chart in charts
    ) + "".join(f"<section><h2>{html.escape(title)}</h2><p>{html.escape(note)}</p>{html_table(rows)}</section>"
                for title, note, rows in tables)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>crosswire report: {html.escape(files.name(root))}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }}
.figures {{ display: flex; flex-wrap: wrap; gap: 1rem; }}
.figures div {{ border: 1px solid #ddd; border-radius: 6px; padding: .6rem 1rem; }}
.figures b {{ display: block; font-size: 1.4rem; }}
.figures span, section p {{ color: #666; }}
section {{ margin-top: 2rem; }}
svg {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; }} td, th {{ padding: .25rem .7rem; border-bottom: 1px solid #eee; text-align: left; }}
</style></head>
<body><h1>crosswire: {html.escape(root)}</h1>
<div class="figures">{cells}</div>
{data_docs_links(root)}{sections}
</body></html>
"""


def html_table(rows: list[tuple]) -> str:
    """A header row and its rows as an HTML table ("None yet." without rows)."""
    if len(rows) < 2:
        return "<p class=none>None yet.</p>"
    def cells(row: tuple, tag: str) -> str:
        return "".join(f"<{tag}>{html.escape(str(value))}</{tag}>" for value in row)

    return ("<table><tr>" + cells(rows[0], "th") + "</tr>"
            + "".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows[1:]) + "</table>")


def data_docs_links(root: str) -> str:
    """Links to the latest run's GX Data Docs; the validation pages read offline, the index needs a CDN."""
    docs = files.join(root, "data_docs")
    if not files.exists(files.join(docs, "index.html")):
        return ""
    by_suite: dict[str, list[str]] = {}
    for path in files.glob(files.join(docs, "validations", "*", "*", "*", "*.html")):
        link = path[len(root) + 1:]  # data_docs/validations/<suite>/...
        by_suite.setdefault(link.split("/")[2], []).append(link)
    items = "".join(
        f"<li>{html.escape(suite)}: "
        + " ".join(f'<a href="{html.escape(link)}">batch {n}</a>' for n, link in enumerate(links, 1))
        + "</li>"
        for suite, links in sorted(by_suite.items(), key=lambda item: STAGES.index(item[0].split("-")[0]))
    )
    return (f'<section><h2>Validation</h2><p><a href="data_docs/index.html">GX Data Docs</a> of the latest run; '
            f"its validation results:</p><ul>{items}</ul></section>")
