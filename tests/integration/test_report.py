"""report.html over every run's tables, `crosswire report DIR`, and the run's GX Data Docs."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from crosswire.cli import main
from crosswire.report import (
    build_report,
    copies_per_story,
    stories_over_time,
    top_names,
    views,
)
from crosswire.schema import TABLES
from crosswire.store import Store, sql, to_arrow
from expectations.runner import build_data_docs, validate

UTC = "UTC"


def articles(run_id: str, rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"article_id": f"{run_id}-{n}", "canonical_doc_id": f"{run_id}-doc-{n}", "title": title,
          "published_at": pd.Timestamp(published, tz=UTC) if published else pd.NaT, "n_copies": copies,
          "organizations": orgs, "people": people, "locations": [], "topics": [],
          "source_uris": [f"{run_id}/{n}-{copy}.txt" for copy in range(copies)], "updated_run_id": run_id}
         for n, (title, published, copies, orgs, people) in enumerate(rows)]
    )


@pytest.fixture
def two_runs(tmp_path):
    """An output directory after two runs, written through the store as a run writes it."""
    store = Store(tmp_path / "out")
    first = articles("r1", [
        ("INTERPOL dialogue on cybercrime", "2021-10-28", 2, ["INTERPOL", "AFRIPOL", "INTERPOL"], ["Jürgen Stock"]),
        ("Europol takes down a botnet", "2021-11-02", 1, ["Europol"], []),
    ])
    second = articles("r2", [
        ("Man sentenced for fraud", "2021-11-24", 12, ["Lakeside County District Attorney's Office"], ["Elena Ruiz"]),
        ("Undated notice", None, 1, [], ["Elena Ruiz"]),
    ])
    documents = pd.DataFrame({"doc_id": [f"d{n}" for n in range(19)], "source_uri": "x", "raw_sha256": "0" * 64,
                              "ingested_at": pd.Timestamp("2026-01-01", tz=UTC), "run_id": "r1",
                              "status": ["ok"] * 16 + ["quarantined"] * 3})
    quarantine = pd.DataFrame({"run_id": ["r1", "r2", "r2"], "stage": "clean", "doc_id": ["d16", "d17", "d18"],
                               "reason": ["bot-wall", "bot-wall", "too-short"]})
    started = [pd.Timestamp("2026-01-01", tz=UTC), pd.Timestamp("2026-01-02 08:30", tz=UTC)]
    runs = pd.DataFrame({"run_id": ["r1", "r2"], "outcome": ["success", "success"], "started_at": started,
                         "finished_at": started})
    tables = {"articles": pd.concat([first, second]), "documents": documents, "quarantine": quarantine}
    with store.lock():
        store.commit("r1", runs.iloc[:1], {name: table(frame, name) for name, frame in tables.items()})
        store.commit("r2", runs.iloc[1:])
    return Path(store.root)


def table(frame: pd.DataFrame, name: str):
    """The frame as the table contract's Arrow table, columns it does not set left null."""
    unset = {column: None for column in TABLES[name].names if column not in frame}
    return to_arrow(frame.assign(**unset), name)


def svgs(page: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", page, flags=re.S)


def visible_text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_report_covers_every_run_in_one_offline_page(two_runs):
    path = build_report(two_runs)
    assert path == str(two_runs / "report.html")
    page = Path(path).read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?https?:""", page), "the page must need no network"
    charts = svgs(page)
    assert len(charts) == 5
    week, organizations, people, copies, reasons = charts
    assert "INTERPOL" in organizations and "Lakeside County District Attorney" in organizations  # both runs
    assert "Elena Ruiz" in people and "Jürgen Stock" in people
    assert "10+" in copies
    assert "bot-wall" in reasons and "too-short" in reasons
    figures = {label: value for value, label in re.findall(r"<b>([^<]+)</b><span>([^<]+)</span>", page)}
    assert figures | {"published": "", "latest run": ""} == {
        "stories": "4", "documents": "19", "copies merged": "12", "quarantined": "3", "mentions": "0",
        "quotes": "0", "runs": "2", "published": "", "latest run": ""}
    assert figures["published"] == "2021-10-28 to 2021-11-24"
    assert figures["latest run"] == "2026-01-02 08:30 UTC, success"


def test_timeline_bins_are_contiguous_and_stories_count_once_per_name(two_runs):
    with sql.connection() as connection:
        views(connection, Store(two_runs))
        daily, unit = stories_over_time(connection)  # 28 days of stories: a bar a day
        assert unit == "day" and len(daily) == 28 and daily.sum() == 3
        assert daily.index[0] == pd.Timestamp("2021-10-28") and daily.iloc[0] == 1 and daily.iloc[1] == 0
        assert top_names(connection, "organizations")["INTERPOL"] == 1  # named twice in one story
        assert top_names(connection, "people").to_dict() == {"Elena Ruiz": 2, "Jürgen Stock": 1}
        assert copies_per_story(connection).to_dict() == {"1": 2, "2": 1, "10+": 1}


def test_empty_charts_say_so(tmp_path):
    started = [pd.Timestamp("2026-01-01", tz=UTC)]
    runs = pd.DataFrame({"run_id": ["r1"], "started_at": started, "finished_at": started, "outcome": ["failed"]})
    with Store(tmp_path).lock() as store:
        store.commit("r1", runs)
    page = Path(build_report(tmp_path)).read_text(encoding="utf-8")
    assert not svgs(page) and page.count("None yet.") == 7  # five charts, two tables


def test_cli_rebuilds_the_report(two_runs, tmp_path, capsys):
    assert main(["report", str(two_runs)]) == 0
    assert capsys.readouterr().out.strip() == str(two_runs / "report.html")
    assert svgs((two_runs / "report.html").read_text(encoding="utf-8"))
    assert main(["report", str(tmp_path / "nothing")]) == 2


def test_data_docs_show_the_validations_of_the_run(tmp_path):
    frame = pd.DataFrame({"doc_id": ["a", "b"], "status": ["ok", "ok"], "reason": [None, None],
                          "text": ["one", "two"], "word_count": [1, 1], "junk_ratio": [0.0, 0.0]})
    validate("clean", frame, "doc_id")  # before the run: not shown
    since = datetime.now(timezone.utc)
    validate("clean", frame, "doc_id")
    validate("load", frame.assign(listed=1, expected=True, accounted=True), "doc_id")
    index = build_data_docs(tmp_path, since, "run-1")
    assert index == str(tmp_path / "data_docs" / "index.html") and Path(index).exists()
    pages = sorted(p.relative_to(tmp_path / "data_docs" / "validations").parts[:2]
                   for p in (tmp_path / "data_docs" / "validations").rglob("*.html"))
    assert pages == [("clean", "run-1"), ("load", "run-1")]  # named by the run, not GX's "__none__"
    load_page = visible_text(next((tmp_path / "data_docs" / "validations" / "load").rglob("*.html")).read_text())
    assert "Status: Succeeded" in load_page and "Data asset: load batch 1" in load_page
    listed = visible_text(Path(index).read_text())
    assert "crosswire run run-1" in listed and "clean-batch-00000" in listed and "load-batch-00001" in listed
    assert "http" not in Path(index).read_text().split("<body>")[0]  # no remote style or script
    build_data_docs(tmp_path / "next", datetime.now(timezone.utc), "run-2")  # results are dropped once rendered
    assert not list((tmp_path / "next" / "data_docs" / "validations").rglob("*.html"))


def test_long_spans_get_coarser_bins_and_acronyms_count_as_their_names(tmp_path):
    store = Store(tmp_path)
    stories = articles("r1", [
        ("Police seize drugs", "2003-01-15", 1, ["Chicago Police Department"], []),
        ("CPD arrests two", "2026-06-30", 1, ["CPD"], []),
        ("CPD again", "2026-07-01", 1, ["CPD", "INTERPOL"], []),
    ])
    mentions = pd.DataFrame({"article_id": ["r1-0", "r1-0"], "kind": "organization",
                             "text": ["Chicago Police Department", "CPD"],
                             "normalized": ["Chicago Police Department", "Chicago Police Department"]})
    quarantine = pd.DataFrame({"run_id": "r1", "stage": "clean", "doc_id": ["d1", "d2"],
                               "source_uri": ["feeds/a.html", "feeds/b.html"], "reason": "bot-wall",
                               "detail": "Pardon Our Interruption"})
    tables = {"articles": stories, "mentions": mentions, "quarantine": quarantine}
    started = [pd.Timestamp("2026-07-02", tz=UTC)]
    runs = pd.DataFrame({"run_id": ["r1"], "outcome": ["success"], "started_at": started, "finished_at": started})
    with store.lock():
        store.commit("r1", runs, {name: table(frame, name) for name, frame in tables.items()})
    with sql.connection() as connection:
        views(connection, store)
        binned, unit = stories_over_time(connection)  # 23 years: 94 quarters
        assert unit == "quarter" and len(binned) == 95 and binned.sum() == 3
        assert top_names(connection, "organizations").to_dict() == {"Chicago Police Department": 3, "INTERPOL": 1}
    page = visible_text(Path(build_report(tmp_path)).read_text(encoding="utf-8"))
    assert "Stories per quarter" in page
    assert "Newest stories" in page and page.index("CPD again") < page.index("CPD arrests two")
    assert "bot-wall feeds/a.html Pardon Our Interruption" in page
