"""Every rule file runs its own examples, and the pack itself is well formed (the
proselint / sqlfluff meta-tests): a rule without examples or with an id that does not
match its file fails here, not silently in production."""

from __future__ import annotations

import pytest

from frontliner.coach import check
from frontliner.coach.kinds import KINDS
from frontliner.coach.packs import RULES_DIR, SEEDS, Example, RuleSpec, load_base

SPECS = load_base()
DESIGN_IDS = {
    "cant", "cant-help", "bare-no", "policy", "blame", "hollow-empathy", "feelings",
    "guess", "argue", "no-apology", "no-thanks", "no-next-step", "too-long",
}


def _cases(kind: str) -> list[tuple[RuleSpec, Example]]:
    return [(s, e) for s in SPECS for e in (s.fails if kind == "fail" else s.passes)]


def _id(case: tuple[RuleSpec, Example]) -> str:
    spec, example = case
    return f"{spec.id}:{example.draft[:40]}"


@pytest.mark.parametrize("case", _cases("fail"), ids=_id)
def test_rule_flags_its_fail_examples(case: tuple[RuleSpec, Example]) -> None:
    spec, example = case
    report = check(example.draft, customer=example.customer)
    flagged = [f for f in report.findings if f.rule == spec.id]
    assert flagged, f"{spec.id} missed: {example.draft!r}"
    if example.flags is not None:
        assert example.flags in [example.draft[f.start : f.end] for f in flagged]


@pytest.mark.parametrize("case", _cases("pass"), ids=_id)
def test_rule_leaves_its_pass_examples_alone(case: tuple[RuleSpec, Example]) -> None:
    spec, example = case
    report = check(example.draft, customer=example.customer)
    flagged = [example.draft[f.start : f.end] for f in report.findings if f.rule == spec.id]
    assert not flagged, f"{spec.id} wrongly flagged {flagged} in {example.draft!r}"


def test_every_design_rule_id_has_a_rule_file() -> None:
    assert {s.id for s in SPECS} >= DESIGN_IDS


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_rule_file_is_complete(spec: RuleSpec) -> None:
    assert spec.path is not None
    assert spec.path.stem == spec.id, "a rule's id must be its file name"
    assert spec.path.parent.parent == RULES_DIR, "rules live in rules/<family>/<id>.yml"
    assert spec.fails and spec.passes, "every rule needs fail: and pass: examples"
    assert spec.source in SEEDS, "every rule names the seed article it comes from"
    assert spec.kind in KINDS
    assert spec.message and spec.suggestion
