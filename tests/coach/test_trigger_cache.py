"""The shipped trigger analysis is current, and the coach reads the same without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontliner.coach import analyser, engine, packs, solved, triggers
from frontliner.coach.trigger_cache import render


def _fresh() -> None:
    for cached in (
        engine.base_specs,
        engine.default_coach,
        packs.macros,
        analyser.lexicon,
        solved.lexicon,
        triggers.shipped,
    ):
        cached.cache_clear()


def test_committed_trigger_analysis_matches_the_rule_files() -> None:
    assert triggers.SHIPPED.read_text(encoding="utf-8") == render(), (
        "src/frontliner/coach/triggers.json is stale: "
        "run `python -m frontliner.coach.trigger_cache`"
    )


def test_every_shipped_entry_equals_a_fresh_analysis() -> None:
    for part, found in triggers.shipped().items():
        assert found == triggers.analyse(part), part


DRAFTS = [
    ("We can't refund it due to our policy. Hopefully it arrives soon.", "It's late again!"),
    ("I completely understand. The courier lost it, contact them.", None),
    ("Sorry about that, and thanks for telling us: a new one ships today.", "Broken on arrival"),
]


def test_findings_are_the_same_with_and_without_the_shipped_analysis(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fresh()
    with_table = [engine.Coach().check(d, c) for d, c in DRAFTS]
    monkeypatch.setattr(triggers, "SHIPPED", tmp_path / "missing.json")
    _fresh()
    without = [engine.Coach().check(d, c) for d, c in DRAFTS]
    monkeypatch.undo()
    _fresh()
    assert with_table == without
    assert any(report.findings for report in with_table)
