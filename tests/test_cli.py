"""The CLI tells the truth: every mistake in what a user asks `crosswire run` gives a few lines naming the file
and the field, exit 2, no traceback, and nothing written; a run that reads nothing, or loses a source, says so
in its exit code; a normal run is quiet."""

from __future__ import annotations

import os
import shutil

import pytest

from crosswire.cli import EXIT_NOTHING, EXIT_PARTIAL, EXIT_USAGE, main
from tests.conftest import SAMPLE, crosswire


def refused(capsys, *argv: str) -> str:
    """stderr of a run refused as a usage mistake (at most 5 lines, no traceback)."""
    assert main(["run", *argv]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert 0 < len(err.strip().splitlines()) <= 5 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("content, named", [
    ('{"batch_size": 10,}', "line 1, column 19"),
    ('{"batch_sise": 10}', "did you mean 'batch_size'"),
    ('{"batch_size": "abc"}', "batch_size: Input should be a valid integer"),
    ('{"dedupe": {"treshold": 0.4}}', "did you mean 'threshold'"),
])
def test_a_config_mistake_names_the_file_and_the_field(tmp_path, capsys, content, named):
    config = tmp_path / "config.json"
    config.write_text(content)
    err = refused(capsys, str(SAMPLE), "--out", str(tmp_path / "out"), "--config", str(config))
    assert str(config) in err and named in err
    assert not (tmp_path / "out").exists()


def test_a_missing_config_is_named(tmp_path, capsys):
    err = refused(capsys, str(SAMPLE), "--out", str(tmp_path / "out"), "--config", str(tmp_path / "nope.json"))
    assert "nope.json: no such file" in err


@pytest.mark.parametrize("content, named", [
    ('[[source]]\nlocaton = "sample"\n', "unknown key 'locaton'; did you mean 'location'"),
    ('[[source]]\nlocation = "sample"\nkind = "feeed"\n', "source 1: kind"),
    ('[[source]]\nlocation = "sample\n', "not valid TOML"),
    ('[[sources]]\nlocation = "sample"\n', "no [[source]] tables (found [sources])"),
])
def test_a_sources_file_mistake_names_the_file_and_the_entry(tmp_path, capsys, content, named):
    sources = tmp_path / "sources.toml"
    sources.write_text(content)
    err = refused(capsys, "--sources", str(sources), "--out", str(tmp_path / "out"))
    assert str(sources) in err and named in err


def test_an_output_that_is_a_file_or_cannot_be_written_is_refused(tmp_path, capsys):
    afile = tmp_path / "a-file"
    afile.write_text("x")
    assert "is a file" in refused(capsys, str(SAMPLE), "--out", str(afile))
    assert "cannot be written" in refused(capsys, str(SAMPLE), "--out", str(afile / "out"))
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.access(locked, os.W_OK):  # root may write anywhere
        pytest.skip("running as root: every folder is writable")
    assert "cannot be written" in refused(capsys, str(SAMPLE), "--out", str(locked / "out"))


def test_a_missing_source_is_named_before_anything_runs(tmp_path, capsys):
    err = refused(capsys, str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert "nowhere: no such file or folder" in err
    assert not (tmp_path / "out").exists()  # no lock, no staging


def test_debug_shows_the_traceback(tmp_path):
    done = crosswire("--debug", "run", str(SAMPLE), "--out", str(tmp_path / "out"), "--config", str(tmp_path / "x"))
    assert done.returncode != 0 and "Traceback" in done.stderr and "UsageError" in done.stderr


def test_a_run_that_reads_nothing_or_loses_a_source_says_so(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.md").write_text("# not a release")
    (empty / "scan.pdf").write_bytes(b"%PDF-1.4")
    (empty / "more.md").write_text("# not one either")
    done = crosswire("run", str(empty), "--out", str(tmp_path / "out"), "--model", "rules")
    assert done.returncode == EXIT_NOTHING, done.stderr[-2000:]
    assert "nothing was read" in done.stderr and "3 of types not read: .md 2, .pdf 1" in done.stderr
    assert "files skipped  3 of types not read" in done.stdout

    good = tmp_path / "good"
    shutil.copytree(SAMPLE, good)
    refused_url = "http://127.0.0.1:9/release.html"  # a private address: refused without a request
    done = crosswire("run", "-q", str(good), refused_url, "--out", str(tmp_path / "out2"), "--model", "rules")
    assert done.returncode == EXIT_PARTIAL, done.stderr[-2000:]
    assert "1 source(s) failed" in done.stderr and refused_url in done.stderr
    assert done.stdout == ""  # -q: no summary


def test_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"crosswire {version('crosswire')}"


def test_a_normal_run_is_quiet(sample_run):
    """No warning, and no link to the temporary Prefect server, which has no UI and is gone after the run."""
    _, done = sample_run
    assert done.stderr.strip() == "", done.stderr[-2000:]


def test_verbose_logs_each_stage_in_documents(tmp_path):
    done = crosswire("run", "-v", str(SAMPLE), "--out", str(tmp_path / "out"), "--model", "rules")
    assert done.returncode == 0, done.stderr[-2000:]
    for stage, count in (("ingest", "8 documents"), ("clean", "8 documents"), ("extract", "5 stories")):
        assert f"{stage}: {count} in " in done.stderr, stage


def test_check_lists_what_a_run_would_read_without_running(tmp_path, capsys):
    folder = tmp_path / "mixed"
    shutil.copytree(SAMPLE / "county", folder)
    (folder / "notes.md").write_text("# not a release")
    assert main(["check", str(folder), "https://example.org/feed.xml", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{folder}: a folder, 3 files to read (.txt 3), 1 of types not read (.md 1)",
                   "https://example.org/feed.xml: a web page, feed or sitemap (auto), fetched when a run reads it"]
    assert not (tmp_path / "out").exists()  # nothing run, nothing written
    (folder / "notes.md").rename(folder / "notes.pdf")
    for name in ("2025-06-02-burglary-ring-charged.txt", "2025-06-09-scam-warning.txt", "blocked-page.txt"):
        (folder / name).unlink()
    assert main(["check", str(folder)]) == EXIT_NOTHING
    assert capsys.readouterr().out.strip() == f"{folder}: a folder, 0 files to read, 1 of types not read (.pdf 1)"
