"""docs/rules.md is generated from the rule files; the committed page must be current."""

from __future__ import annotations

from pathlib import Path

from frontliner.coach.docs import render

RULES_MD = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_committed_rules_page_matches_the_rule_files() -> None:
    assert RULES_MD.read_text(encoding="utf-8") == render(), (
        "docs/rules.md is stale: run `python -m frontliner.coach.docs > docs/rules.md`"
    )
