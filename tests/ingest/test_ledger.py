import pandas as pd

from crosswire.ingest import ledger as ledger_module
from crosswire.ingest.ledger import Ledger


def rows(*places, run="r1", when="2026-01-01"):
    return pd.DataFrame([{"source_uri": uri, "kind": "page", "doc_id": doc, "raw_sha256": f"sha-{doc}",
                          "checked_at": pd.Timestamp(when, tz="UTC"), "run_id": run} for uri, doc in places])


def test_later_rows_win_and_the_table_keeps_one_row_per_place(tmp_path):
    ledger = Ledger(rows(("a", "d1"), ("b", "d2")), {"d0"})
    ledger.update(rows(("b", "d3"), ("c", "d4"), run="r2", when="2026-02-01"))
    assert ledger.get("b")["doc_id"] == "d3" and ledger.get("a")["doc_id"] == "d1"
    assert ledger.get("b")["checked_at"] == pd.Timestamp("2026-02-01", tz="UTC")
    assert ledger.get("z") is None
    assert ledger.doc_ids == {"d0", "d1", "d2", "d3", "d4"}
    written = pd.read_parquet(ledger.write(str(tmp_path / "ledger.parquet")))
    assert list(written["source_uri"]) == ["a", "b", "c"] and list(written["doc_id"]) == ["d1", "d3", "d4"]


def test_replaced_rows_are_dropped_and_every_place_still_found():
    ledger = Ledger(rows(*[(f"p{n}", f"d{n}") for n in range(5)]))
    for version in range(1, 4):  # every place read again: the replaced rows are compacted away
        ledger.update(rows(*[(f"p{n}", f"d{n}v{version}") for n in range(5)]))
    assert sum(len(part) for part in ledger.parts) <= 2 * 5  # 20 rows were added
    assert [ledger.get(f"p{n}")["doc_id"] for n in range(5)] == [f"d{n}v3" for n in range(5)]


def test_two_places_with_one_key_do_not_answer_for_each_other(monkeypatch):
    monkeypatch.setattr(ledger_module, "place_key", lambda uri: 7)
    ledger = Ledger(rows(("a", "d1")))
    assert ledger.get("a")["doc_id"] == "d1" and ledger.get("b") is None  # "b" is read as new
    ledger.update(rows(("b", "d2")))
    assert ledger.get("b")["doc_id"] == "d2" and ledger.get("a") is None
