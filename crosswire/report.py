"""`DIR/report.html`: one page over every table in an output directory, all runs together.

The charts are drawn by matplotlib and inlined as SVG, text kept as text: the page needs no network and
no JavaScript, opens from disk, a mail or a CI artifact as it is, and weighs tens of kilobytes. Plotly
and Bokeh would have to inline megabytes of JavaScript to work offline, and Altair's Vega charts load
their JavaScript from a CDN or need a separate renderer to become images.
"""

from __future__ import annotations

import html
import io

import pandas as pd

from crosswire import files
from crosswire.store import Store

REPORT = "report.html"
TOP = 15  # names shown in the organization and people charts
STAGES = ["ingest", "clean", "dedupe", "extract", "load"]


def build_report(out: str) -> str:
    """Write DIR/report.html from the committed tables and return its location."""
    store = Store(out)
    articles = store.read("articles", ["published_at", "n_copies", "organizations", "people"])
    quarantine = store.read("quarantine", ["reason"])
    charts = [
        ("Stories per week", "by publication date", weekly_chart(stories_per_week(articles))),
        ("Top organizations", "stories naming each", bar_chart(top_names(articles["organizations"]))),
        ("Top people", "stories naming each", bar_chart(top_names(articles["people"]))),
        ("Copies per story", "stories by number of copies", bar_chart(copies_per_story(articles), horizontal=False)),
        ("Quarantine reasons", "documents kept out of the stories", bar_chart(quarantine["reason"].value_counts())),
    ]
    path = files.join(store.root, REPORT)
    files.write_text(page(store.root, headline(store, articles), charts), path)  # a reader never sees half a page
    return path


def headline(store: Store, articles: pd.DataFrame) -> dict[str, str]:
    documents = store.read("documents", ["status"])
    runs = store.read("runs", ["started_at", "outcome"])
    dated = articles["published_at"].dropna()
    ok = int((documents["status"] == "ok").sum())
    counts = {
        "stories": len(articles),
        "documents": len(documents),
        "copies merged": ok - len(articles),
        "quarantined": int((documents["status"] == "quarantined").sum()),
        "mentions": len(store.read("mentions", ["article_id"])),
        "quotes": len(store.read("quotes", ["article_id"])),
        "runs": len(runs),
    }
    figures = {label: f"{n:,}" for label, n in counts.items()}
    if len(dated):
        figures["published"] = f"{dated.min():%Y-%m-%d} to {dated.max():%Y-%m-%d}"
    if len(runs):
        last = runs.sort_values("started_at").iloc[-1]
        figures["latest run"] = f"{last['started_at']:%Y-%m-%d %H:%M} UTC, {last['outcome']}"
    return figures


def stories_per_week(articles: pd.DataFrame) -> pd.Series:
    """Stories per calendar week (Monday first), every week of the span included, empty ones as 0."""
    dated = articles["published_at"].dropna()
    if dated.empty:
        return pd.Series(dtype="int64")
    weeks = pd.Series(1, index=dated.dt.tz_convert(None).values)
    return weeks.resample("W-MON", label="left", closed="left").sum()


def top_names(lists: pd.Series, n: int = TOP) -> pd.Series:
    """How many stories name each entry of a list column, most named first."""
    names = lists.dropna().map(set).explode().dropna()
    return names.value_counts().head(n)


def copies_per_story(articles: pd.DataFrame, cap: int = 10) -> pd.Series:
    """Stories by number of copies, with `cap` and more in one last bar."""
    copies = articles["n_copies"].dropna().astype(int).clip(upper=cap)
    counts = copies.value_counts().sort_index()
    return counts.rename(index=lambda n: f"{n}+" if n == cap else str(n))


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


def weekly_chart(weekly: pd.Series) -> str | None:
    if weekly.empty:
        return None
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9.6, 3.2))
    ax = figure.add_subplot()
    ax.bar(weekly.index, weekly.to_numpy(), width=6, align="edge", color="#3a6ea5")
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


def page(root: str, figures: dict[str, str], charts: list[tuple[str, str, str | None]]) -> str:
    cells = "".join(f"<div><b>{html.escape(value)}</b><span>{html.escape(label)}</span></div>"
                    for label, value in figures.items())
    sections = "".join(
        f"<section><h2>{html.escape(title)}</h2><p>{html.escape(note)}</p>"
        f"{chart or '<p class=none>None yet.</p>'}</section>"
        for title, note, chart in charts
    )
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
</style></head>
<body><h1>crosswire: {html.escape(root)}</h1>
<div class="figures">{cells}</div>
{data_docs_links(root)}{sections}
</body></html>
"""


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
