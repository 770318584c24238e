import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa

from crosswire.ingest import ledger as ledger_module
from crosswire.ingest.contents import EMPTY_SHA256, Contents
from crosswire.ingest.ledger import Ledger


def sha(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


def rows(*places, run="r1", when="2026-01-01"):
    """Ledger rows of (place, document) pairs, each document's bytes its own name."""
    return pd.DataFrame([{"source_uri": uri, "kind": "page", "doc_id": doc, "raw_sha256": sha(doc),
                          "checked_at": pd.Timestamp(when, tz="UTC"), "run_id": run} for uri, doc in places])


def test_later_rows_win_and_the_table_keeps_one_row_per_place(tmp_path):
    documents = pa.table({"doc_id": ["d0"], "raw_sha256": [sha("d0")]})
    ledger = Ledger(rows(("a", "d1"), ("b", "d2")), [documents])
    ledger.update(rows(("b", "d3"), ("c", "d4"), run="r2", when="2026-02-01"))
    assert ledger.get("b")["doc_id"] == "d3" and ledger.get("a")["doc_id"] == "d1"
    assert ledger.get("b")["checked_at"] == pd.Timestamp("2026-02-01", tz="UTC")
    assert ledger.get("z") is None
    # every content is known, those no place holds now included
    assert [ledger.document(sha(doc)) for doc in ("d0", "d1", "d2", "d3", "d4")] == ["d0", "d1", "d2", "d3", "d4"]
    assert ledger.document(sha("d5")) is None
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


def test_content_found_again_keeps_its_first_document():
    contents = Contents()
    contents.add(["d1", "d2", "d3"], [sha("x"), sha("y"), sha("x")])
    contents.add(["d4", "d5", None], [sha("y"), sha("z"), sha("w")])
    assert [contents.find(sha(c)) for c in "xyzw"] == ["d1", "d2", "d5", None]
    assert len(contents) == 3 and np.all(contents.keys[:-1] <= contents.keys[1:])


def test_no_bytes_are_no_content():
    """Items read as nothing (a failed fetch, a file too large) are never copies of one another."""
    contents = Contents()
    contents.add(["d1"], [EMPTY_SHA256])
    assert contents.find(EMPTY_SHA256) is None and len(contents) == 0


def test_two_contents_sharing_their_first_64_bits_are_told_apart():
    first, second = sha("a"), sha("a")[:16] + sha("b")[16:]
    contents = Contents()
    contents.add(["d1"], [first])
    contents.add(["d2"], [second])
    contents.add(["d3", "d4"], [second, first])  # known already, behind or before the other
    assert contents.find(first) == "d1" and contents.find(second) == "d2" and len(contents) == 2
    assert contents.find(sha("a")[:16] + sha("c")[16:]) is None
