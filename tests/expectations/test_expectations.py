"""The GX runner: quarantine-level failures name rows, other failures fail the suite."""

from __future__ import annotations

import json

import pandas as pd

from expectations.runner import SUITES_DIR, load_suite, validate


def test_every_stage_has_a_readable_suite():
    for stage in ("ingest", "clean", "dedupe", "extract", "load"):
        suite = load_suite(stage)
        assert suite["name"] == stage and suite["expectations"], stage


def test_row_failures_are_quarantined_by_id_and_suite_failures_fail():
    frame = pd.DataFrame({"doc_id": ["a", "b", "c"], "status": ["ok", "ok", "quarantined"],
                          "reason": [None, None, "empty"], "text": ["x", None, None],
                          "word_count": [1, 0, 0], "junk_ratio": [0.1, 0.2, 0.0]})
    outcome = validate("clean", frame, "doc_id")
    assert outcome.success and set(outcome.quarantined) == {"b"}
    assert any("word_count" in name for name in outcome.quarantined["b"])
    duplicated = pd.concat([frame, frame.iloc[:1]])
    failed = validate("clean", duplicated, "doc_id")
    assert not failed.success and failed.failures[0]["expectation"].startswith("expect_column_values_to_be_unique")


def test_row_accounting_suite_wants_every_document_listed_once_expected_and_accounted_for():
    frame = pd.DataFrame({"doc_id": ["a", "b"], "status": ["ok", "quarantined"], "listed": [1, 1],
                          "expected": [True, True], "accounted": [True, True]})
    assert validate("load", frame, "doc_id").success
    for column, values in (("listed", [1, 0]), ("listed", [2, 1]), ("expected", [True, False]),
                           ("accounted", [True, False])):
        assert not validate("load", frame.assign(**{column: values}), "doc_id").success, (column, values)


def test_a_user_edited_suite_is_used(tmp_path):
    suite = json.loads((SUITES_DIR / "clean.json").read_text())
    suite["expectations"].append({"type": "expect_column_values_to_be_between",
                                  "kwargs": {"column": "word_count", "min_value": 5},
                                  "meta": {"on_failure": "quarantine"}})
    (tmp_path / "clean.json").write_text(json.dumps(suite))
    frame = pd.DataFrame({"doc_id": ["a"], "status": ["ok"], "reason": [None], "text": ["short"],
                          "word_count": [1], "junk_ratio": [0.0]})
    assert validate("clean", frame, "doc_id").quarantined == {}
    assert set(validate("clean", frame, "doc_id", suites_dir=tmp_path).quarantined) == {"a"}
