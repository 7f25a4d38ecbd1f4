"""The accuracy bench judges each target only on enough examples, with an interval."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest
from tests.coach.bench_scripts import bench_module


@pytest.fixture
def targets() -> Iterator[ModuleType]:
    with bench_module("accuracy_targets") as module:
        yield module


def row(tp: int, fp: int, fn: int) -> dict[str, float | int | None]:
    return {
        "support": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None,
    }


def test_wilson_interval_matches_the_textbook_value(targets: ModuleType) -> None:
    # 8 of 10: the 95% Wilson interval is 0.490 to 0.943.
    low, high = targets.wilson(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    assert targets.wilson(0, 0) is None
    low, high = targets.wilson(10, 10)
    assert high == pytest.approx(1.0) and 0.69 < low < 0.73


def test_interval_narrows_as_examples_grow(targets: ModuleType) -> None:
    small = targets.wilson(9, 10)
    large = targets.wilson(900, 1000)
    assert small[1] - small[0] > 5 * (large[1] - large[0])


def test_rule_target_met_only_when_precision_and_recall_both_reach_it(
    targets: ModuleType,
) -> None:
    goal = targets.RULE_TARGET
    assert targets.verdict(row(tp=95, fp=4, fn=5), goal) == "met"
    assert targets.verdict(row(tp=95, fp=10, fn=5), goal) == "missed P"
    assert targets.verdict(row(tp=80, fp=10, fn=20), goal) == "missed P+R"


def test_too_few_examples_are_not_judged(targets: ModuleType) -> None:
    few = row(tp=5, fp=0, fn=0)
    assert targets.verdict(few, targets.RULE_TARGET) == "too few (5)"
    assert targets.verdict(row(tp=0, fp=3, fn=0), targets.RULE_TARGET) == "too few (0)"


def test_complaint_is_judged_on_f1_and_a_row_without_target_gets_no_verdict(
    targets: ModuleType,
) -> None:
    complaint = targets.INBOUND_TARGETS["complaint"]
    assert targets.verdict(row(tp=94, fp=7, fn=7), complaint) == "met"  # F1 0.93
    assert targets.verdict(row(tp=90, fp=12, fn=8), complaint) == "missed F1"  # F1 0.90
    assert targets.verdict(row(tp=70, fp=10, fn=30), complaint) == "missed F1"
    assert targets.verdict(row(tp=70, fp=10, fn=30), None) == ""


def test_intervals_cover_precision_and_recall(targets: ModuleType) -> None:
    cis = targets.intervals(row(tp=8, fp=2, fn=0))
    assert cis["precision_ci"] == targets.wilson(8, 10)
    assert cis["recall_ci"] == targets.wilson(8, 8)
