"""The real flow, end to end, in Prefect's ephemeral mode: sample in, Parquet tables out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
from deltalake import DeltaTable
from pyarrow.fs import LocalFileSystem, SubTreeFileSystem

from crosswire import tables as crosswire_tables
from crosswire.load import listed
from crosswire.store import Store
from tests.conftest import REPO, SAMPLE, crosswire

TABLES = ["documents", "raw", "articles", "mentions", "quotes", "quarantine", "runs", "signatures", "line_stats"]


def seed_story(out) -> pd.Series:
    articles = Store(out).read("articles")
    documents = Store(out).read("documents")
    seed_ids = documents.loc[documents["source_uri"].str.contains("310e22f54dfcc9c5|e4cf28275dc72b17"), "article_id"]
    assert seed_ids.nunique() == 1, "the two seed copies must be one story"
    return articles.set_index("article_id").loc[seed_ids.iloc[0]]


def test_summary_names_every_stage(sample_run):
    out, done = sample_run
    for label in ("ingested", "quarantined", "articles", "copies merged", "mentions", "quotes", "validation",
                  "output"):
        assert label in done.stdout
    assert str(out) in done.stdout and "success" in done.stdout
    time_line = next(line for line in done.stdout.splitlines() if line.startswith("time"))
    parts = [part.rsplit(" ", 1)[0] for part in time_line.removeprefix("time").strip().split(", ")]
    assert parts == ["start-up", "ingest", "clean", "dedupe", "extract", "load", "validation", "data docs", "report",
                     "total"]


def test_seed_copies_become_one_story_with_the_best_metadata(sample_run):
    out, _ = sample_run
    story = seed_story(out)
    assert story["n_copies"] == 2
    assert story["title"] == "Increasing cybercrime threats focus of INTERPOL’s regional policing dialogue"
    assert story["published_at"] == pd.Timestamp("2021-10-28", tz="UTC")
    assert story["dateline"] == "TUNIS, Tunisia"
    for org in ("INTERPOL", "AFRIPOL", "AMERIPOL", "ASEANAPOL", "Europol", "FRONTEX", "UNODC"):
        assert org in story["organizations"], org
    assert "Arab Interior Ministers’ Council" in story["organizations"]
    assert "Gulf Cooperation Council-POL" in story["organizations"]
    assert "Shanghai Cooperation Organization Regional Anti-Terrorist Structure" in story["organizations"]
    assert "Jürgen Stock" in story["people"] and "Mohammed Ben Ali Koman" in story["people"]
    assert "cybercrime" in story["topics"]


def test_seed_people_have_roles_and_quotes_have_speakers(sample_run):
    out, _ = sample_run
    story_id = seed_story(out).name
    people = Store(out).read("mentions").query("article_id == @story_id and kind == 'person'")
    roles = people.dropna(subset=["role"]).groupby("normalized")["role"].first()
    assert roles["Jürgen Stock"] == "Secretary General"
    assert roles["Mohammed Ben Ali Koman"] == "Secretary General"
    quotes = Store(out).read("quotes").query("article_id == @story_id")
    speaker_of = {q.quote[:30]: q.speaker for q in quotes.itertuples()}
    assert speaker_of["We are here to determine what t"[:30]] == "Jürgen Stock"
    assert speaker_of["Over the past 18 months we have"[:30]] == "Jürgen Stock"
    assert speaker_of["The repercussions of globalizat"[:30]] == "Mohammed Ben Ali Koman"


def test_a_storys_day_does_not_move_with_the_session_time_zone_and_its_first_date_is_the_earliest(sample_run):
    out, _ = sample_run
    connection = crosswire_tables(str(out))
    connection.sql("SET TimeZone = 'America/Chicago'")
    rows = connection.sql("SELECT published_at::DATE, published_date, first_published_at <= published_at, title "
                          "FROM articles WHERE published_at IS NOT NULL").fetchall()
    assert rows and all(moved < day and earliest for moved, day, earliest, _ in rows)  # midnight UTC: the day before
    assert seed_story(out)["published_date"] == pd.Timestamp("2021-10-28").date()
    europol = next(title for *_, title in rows if title.startswith("Nine arrested"))
    story = Store(out).read("articles").set_index("title").loc[europol]
    assert story["first_published_at"] < story["published_at"]  # the release, earlier than its re-post's date


def test_every_document_is_accounted_for(sample_run):
    out, _ = sample_run
    documents = Store(out).read("documents")
    quarantine = Store(out).read("quarantine")
    articles = Store(out).read("articles")
    ok = documents[documents["status"] == "ok"]
    assert ok["article_id"].isin(articles["article_id"]).all()
    assert set(documents.loc[documents["status"] == "quarantined", "doc_id"]) == set(quarantine["doc_id"])
    assert articles["n_copies"].sum() == len(ok)
    blocked = quarantine[quarantine["source_uri"].str.endswith("blocked-page.txt")]
    assert list(blocked["reason"]) == ["bot-wall"]
    assert len(Store(out).read("raw")) == len(documents)


def test_tables_read_with_pandas_pyarrow_duckdb_and_polars_through_the_delta_log(sample_run):
    out, _ = sample_run
    pinned = crosswire_tables(str(out))
    for table in TABLES:
        frame = Store(out).read(table)
        where = str(out / table)
        local = SubTreeFileSystem(where, LocalFileSystem())  # not deltalake's own: see the README's readers
        assert len(DeltaTable(where).to_pandas(filesystem=local)) == len(frame)
        dataset = DeltaTable(where).to_pyarrow_dataset(filesystem=local)
        assert dataset.count_rows() == len(frame)
        assert duckdb.connect().sql("SELECT count(*) FROM dataset").fetchall()[0][0] == len(frame)
        assert pinned.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0] == len(frame)
        assert pl.read_delta(where).height == len(frame)
    assert str(Store(out).read("articles")["published_at"].dtype).endswith("UTC]")


def test_offsets_slice_the_article_text(sample_run):
    out, _ = sample_run
    text = Store(out).read("articles").set_index("article_id")["text"]
    mentions = Store(out).read("mentions")
    quotes = Store(out).read("quotes")
    assert len(mentions) and len(quotes)
    for row in mentions.itertuples():
        assert text[row.article_id][row.start:row.end] == row.text
    for row in quotes.itertuples():
        assert text[row.article_id][row.start:row.end] == row.quote


def test_second_run_ingests_nothing_and_changes_no_table(sample_run, tmp_path):
    out, _ = sample_run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    before = {t: Store(copy).read(t) for t in TABLES if t != "runs"}
    done = crosswire("run", str(SAMPLE), "--out", str(copy))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "0 new documents" in done.stdout
    for table, frame in before.items():
        pd.testing.assert_frame_equal(Store(copy).read(table), frame, obj=table)
    runs = Store(copy).read("runs")
    assert len(runs) == 2 and list(runs["outcome"]) == ["success", "success"]
    assert json.loads(runs["suites"].iloc[-1])["load"] == "passed"


def test_a_new_copy_in_a_later_run_joins_the_earlier_story(tmp_path):
    """The later run rewrites the data files holding the story it changed and leaves the others alone."""
    out = tmp_path / "out"
    other = SAMPLE / "county" / "2025-06-09-scam-warning.txt"
    first_run = crosswire("run", str(SAMPLE / "001_e4cf28275dc72b17.txt"), str(other), "--out", str(out),
                          "--batch-size", "1")
    assert first_run.returncode == 0, first_run.stderr[-3000:]
    first_articles = Store(out).read("articles")
    first = first_articles.set_index("canonical_doc_id")
    docs = Store(out).read("documents").set_index("source_uri")["doc_id"]
    seed = first.loc[docs[str(SAMPLE / "001_e4cf28275dc72b17.txt")]]
    assert pd.isna(seed["title"])
    parts = {table: part_files(out / table) for table in ("documents", "articles")}
    assert all(len(files) == 2 for files in parts.values()), "one part per batch"

    assert crosswire("run", str(SAMPLE / "000_310e22f54dfcc9c5.txt"), "--out", str(out)).returncode == 0
    second = Store(out).read("articles").set_index("article_id").loc[seed["article_id"]]
    assert second["n_copies"] == 2 and second["title"].startswith("Increasing cybercrime threats")
    for table, before in parts.items():
        after = part_files(out / table)
        unchanged = [name for name, data in before.items() if after.get(name) == data]
        assert len(unchanged) == 1, f"{table}: only the part holding the other story is left as it was"
    assert len(part_files(out / "documents")) == 3, "the new copy's part is added"

    # time travel: the articles as the first run left them, by each reader
    first_run = Store(out).read("runs")["run_id"].iloc[0]
    version = Store(out).versions(first_run)["articles"]
    pd.testing.assert_frame_equal(Store(out).read("articles", version=version), first_articles)
    pinned = crosswire_tables(str(out), first_run).sql("SELECT article_id, n_copies FROM articles ORDER BY 1").df()
    assert pinned["n_copies"].tolist() == first_articles["n_copies"].tolist()
    assert pl.read_delta(str(out / "articles"), version=version).height == len(first_articles)


def part_files(folder) -> dict[str, bytes]:
    """The table's data files as its latest version lists them, by name."""
    return {Path(p).name: Path(p).read_bytes() for p in Store(folder.parent).parts(folder.name)}


def test_failed_expectation_quarantines_the_row_and_names_it(tmp_path):
    suites = tmp_path / "suites"
    shutil.copytree(REPO / "expectations", suites, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    suite = json.loads((suites / "clean.json").read_text())
    suite["expectations"].append({"type": "expect_column_values_to_be_between",
                                  "kwargs": {"column": "word_count", "min_value": 200},
                                  "meta": {"on_failure": "quarantine"}})
    (suites / "clean.json").write_text(json.dumps(suite))
    out = tmp_path / "out"
    done = crosswire("run", str(SAMPLE / "county"), "--out", str(out), "--suites", str(suites))
    assert done.returncode == 0, done.stderr[-3000:]
    quarantine = Store(out).read("quarantine")
    failed = quarantine[quarantine["reason"] == "gx: expect_column_values_to_be_between(word_count)"]
    assert len(failed) >= 1 and set(failed["stage"]) == {"clean"}
    documents = Store(out).read("documents").set_index("doc_id")
    assert (documents.loc[failed["doc_id"], "status"] == "quarantined").all()
    assert documents.loc[failed["doc_id"], "article_id"].isna().all()


def test_failing_suite_fails_the_run_with_exit_code_1(tmp_path):
    suites = tmp_path / "suites"
    shutil.copytree(REPO / "expectations", suites, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    suite = json.loads((suites / "dedupe.json").read_text())
    suite["expectations"].append({"type": "expect_column_values_to_be_between",
                                  "kwargs": {"column": "n_copies", "min_value": 5}})
    (suites / "dedupe.json").write_text(json.dumps(suite))
    out = tmp_path / "out"
    done = crosswire("run", str(SAMPLE), "--out", str(out), "--suites", str(suites))
    assert done.returncode == 1
    assert "n_copies" in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 5 and "Traceback" not in done.stderr, done.stderr
    runs = Store(out).read("runs")
    assert list(runs["outcome"]) == ["failed"]
    assert Store(out).read("articles").empty


def test_missing_source_exits_2(tmp_path):
    done = crosswire("run", str(tmp_path / "missing"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "no such file or folder" in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 5 and not (tmp_path / "out").exists()


def test_run_leaves_its_artifacts_in_prefect(sample_run):
    """The summary, the new stories, the progress and the links to the report and Data Docs, on the run."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    out, _ = sample_run
    run_id = Store(out).read("runs")["flow_run_id"].iloc[0]

    async def artifacts():
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))

    by_key = {a.key: a for a in asyncio.run(artifacts())}
    assert set(by_key) == {"crosswire-run-summary", "crosswire-new-stories", "crosswire-progress",
                           "crosswire-report", "crosswire-data-docs"}
    assert by_key["crosswire-progress"].data == 100
    stories = json.loads(by_key["crosswire-new-stories"].data)
    assert len(stories) == len(Store(out).read("articles")) and all(s["title"] for s in stories)
    assert (out / "report.html").as_uri() in by_key["crosswire-report"].data


def test_flow_parameters_give_the_ui_a_typed_form():
    """The schema the Prefect UI builds its "Run" form from: every field typed, described, with a default."""
    from prefect.utilities.callables import parameter_schema

    from flows.etl import etl

    schema = parameter_schema(etl.fn).model_dump()
    assert schema["required"] == ["sources"]
    assert schema["properties"]["sources"]["type"] == "array"
    assert all(schema["properties"][name].get("description") for name in ("sources", "out", "settings"))
    definitions = schema["definitions"]
    fields = definitions["Settings"]["properties"]
    assert {"batch_size", "clean", "dedupe", "extract", "fetch", "runner"} <= set(fields)
    every = {f"{model}.{name}": field for model, definition in definitions.items()
             for name, field in definition["properties"].items()}
    assert all(field.get("description") and "default" in field for field in every.values()), [
        name for name, field in every.items() if not field.get("description")]
    assert {"ExtractSettings.model", "DedupeSettings.window_days", "RunnerSettings.dask_address"} <= set(every)
    assert every["RunnerSettings.kind"]["enum"] == ["local", "dask"]
    assert fields["batch_size"]["type"] == "integer" and fields["batch_size"]["minimum"] == 1


def test_load_finds_which_of_a_runs_ids_are_listed_whatever_their_chunks(sample_run):
    out, _ = sample_run
    store = Store(str(out))
    stored = store.read("documents", ["doc_id"])["doc_id"].tolist()
    asked = pa.chunked_array([stored[:2], ["not-a-document"], [], stored[2:]], pa.string())
    assert sorted(listed(store, asked)) == sorted(set(stored)) and len(stored) > 2
