"""Readers during a run: a process reading every table in a loop while a real run commits sees one run's
tables whole, the last run's or the new one's, never a mix (crosswire.tables pins every view to the
versions the last runs row records; polars reads the versions a runs row records)."""

from __future__ import annotations

import json
import subprocess
import sys

from crosswire.schema import TABLES
from tests.conftest import REPO, SAMPLE, crosswire

READER = """
import json, sys, time
from pathlib import Path
import polars as pl
import crosswire
from crosswire.store import Store

out, stop, log = sys.argv[1], Path(sys.argv[2]), open(sys.argv[3], "w")
TABLES = json.loads(sys.argv[4])
while not stop.exists():
    try:
        tables = crosswire.tables(out)
        counts = {t: tables.sql(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}
        orphans = tables.sql("SELECT count(*) FROM documents WHERE status = 'ok' AND article_id NOT IN "
                             "(SELECT article_id FROM articles)").fetchall()[0][0]
        duplicates = tables.sql("SELECT (SELECT count(*) - count(DISTINCT doc_id) FROM documents) "
                                "+ (SELECT count(*) - count(DISTINCT article_id) FROM articles)").fetchall()[0][0]
        versions = Store(out).versions()
        polars = {t: pl.read_delta(f"{out}/{t}", version=versions[t]).height for t in ("documents", "articles")}
        print(json.dumps({"counts": counts, "orphans": orphans, "duplicates": duplicates, "polars": polars}),
              file=log, flush=True)
    except Exception as error:
        print(json.dumps({"error": repr(error)}), file=log, flush=True)
    time.sleep(0.01)
"""


def counts_of(out) -> dict[str, int]:
    import crosswire

    tables = crosswire.tables(str(out))
    return {t: tables.sql(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}


def test_a_reader_during_a_run_sees_the_old_tables_or_the_new_ones_whole(tmp_path):
    out = tmp_path / "out"
    first = crosswire("run", str(SAMPLE / "county"), "--out", str(out), "--model", "rules")
    assert first.returncode == 0, first.stderr[-3000:]
    old = counts_of(out)

    stop, log = tmp_path / "stop", tmp_path / "reads.jsonl"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(out), str(stop), str(log), json.dumps(list(TABLES))],
                              cwd=REPO)
    try:
        second = crosswire("run", str(SAMPLE), "--out", str(out), "--model", "rules")
        assert second.returncode == 0, second.stderr[-3000:]
    finally:
        stop.touch()
        reader.wait(timeout=120)
    new = counts_of(out)
    assert new["documents"] > old["documents"] and new["articles"] > old["articles"]

    reads = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(reads) >= 20, "the reader read throughout the run"
    assert [r for r in reads if "error" in r] == []
    seen = {json.dumps(r["counts"], sort_keys=True) for r in reads}
    assert seen <= {json.dumps(old, sort_keys=True), json.dumps(new, sort_keys=True)}
    assert {r["orphans"] for r in reads} == {0} and {r["duplicates"] for r in reads} == {0}
    # polars pinned to the runs row it read (a run may commit between that read and DuckDB's)
    assert {json.dumps(r["polars"], sort_keys=True) for r in reads} <= {
        json.dumps({t: counts[t] for t in ("documents", "articles")}, sort_keys=True) for counts in (old, new)}
