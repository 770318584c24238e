"""The time budget per document: work done in a forked child, stopped when one item takes too long."""

from __future__ import annotations

import os
import time

import pytest

from crosswire.clean.budget import each_within


def late(item):
    return ("late", item)


def test_an_item_over_budget_is_stopped_and_the_items_after_it_go_on():
    start = time.monotonic()
    results = each_within([0.0, 30.0, 0.0, 0.01], time.sleep, 0.5, late)
    assert results == [None, ("late", 30.0), None, None]
    assert time.monotonic() - start < 10  # the sleeper was killed, not waited for


def test_the_work_runs_in_another_process_and_its_results_come_back_in_order():
    pids = each_within(list(range(5)), lambda item: (item, os.getpid()), 5.0, late)
    assert [item for item, _ in pids] == list(range(5))
    assert {pid for _, pid in pids} != {os.getpid()}


def test_an_error_in_the_work_is_raised_with_its_traceback():
    def fail(item):
        raise ValueError(f"bad item {item}")

    with pytest.raises(RuntimeError, match="ValueError: bad item 1"):
        each_within([1], fail, 5.0, late)
