"""Documents are identified by their bytes, not by where they sit, and the output is never read as input:
real runs of the CLI over copied and moved input, and over a folder that holds its own DIR."""

from __future__ import annotations

import shutil

import pandas as pd

from crosswire.store import Store

from tests.conftest import SAMPLE, crosswire


def test_the_sample_copied_elsewhere_into_the_same_dir_ingests_nothing_new(sample_run, tmp_path):
    out, _ = sample_run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    before = {table: Store(copy).read(table) for table in ("documents", "articles")}
    moved = tmp_path / "moved" / "sample"
    shutil.copytree(SAMPLE, moved)
    done = crosswire("run", str(moved), "--out", str(copy))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "0 new documents: ingested nothing (8 already seen, skipped)" in done.stdout
    for table, frame in before.items():
        pd.testing.assert_frame_equal(Store(copy).read(table), frame, obj=table)
    assert list(Store(copy).read("articles")["n_copies"]) == list(before["articles"]["n_copies"])
    # the new places are listed, each pointing at the document of the file it copies
    ledger = Store(copy).read("ledger").set_index("source_uri")["doc_id"]
    files = [path.relative_to(moved) for path in sorted(moved.rglob("*.*")) if path.suffix != ".jsonl"]
    assert len(files) == 6
    assert [ledger[str(moved / name)] for name in files] == [ledger[str(SAMPLE / name)] for name in files]


def test_the_same_bytes_at_two_paths_of_one_run_are_one_document(tmp_path):
    """Each file its own batch: the copy is found in an earlier batch of the run, not by its own task."""
    source = tmp_path / "source"
    for folder, seed in (("office", "000_310e22f54dfcc9c5.txt"), ("mirror", "000_310e22f54dfcc9c5.txt"),
                         ("mirror", "001_e4cf28275dc72b17.txt")):
        (source / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLE / seed, source / folder / seed)
    out = tmp_path / "out"
    done = crosswire("run", str(source), "--out", str(out), "--batch-size", "1")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 new documents (1 already seen, skipped)" in done.stdout
    documents = Store(out).read("documents")
    assert len(documents) == 2 and documents["raw_sha256"].is_unique
    ledger = Store(out).read("ledger").set_index("source_uri")["doc_id"]
    published = [str(source / folder / "000_310e22f54dfcc9c5.txt") for folder in ("mirror", "office")]
    assert ledger[published[0]] == ledger[published[1]] and ledger[published[0]] in set(documents["doc_id"])
    articles = Store(out).read("articles")
    assert list(articles["n_copies"]) == [2], "the published release and its scraped copy, not the copy of a file"


def test_an_output_inside_its_source_folder_is_never_read(sample_run, tmp_path):
    """DIR inside the source folder as a first run left it (tables, Data Docs, report): the next run
    reads the folder without it, and says so."""
    out, _ = sample_run
    source = tmp_path / "mix"
    shutil.copytree(SAMPLE, source)
    shutil.copytree(out, source / "out")
    done = crosswire("run", str(source), "--out", str(source / "out"))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "0 new documents: ingested nothing" in done.stdout
    said = f"skipping {source / 'out'} inside source {source}: it is this run's output, never read as input"
    assert (done.stdout + done.stderr).count(said) == 1
    ledger = Store(source / "out").read("ledger")
    assert not ledger["source_uri"].str.startswith(str(source / "out")).any()
