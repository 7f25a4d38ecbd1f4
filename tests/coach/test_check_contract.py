"""The library contract: one Finding type, Report.to_dict() is the JSON of DESIGN.md,
offsets point at the words, suggestions are filled from the caller's options."""

from __future__ import annotations

import dataclasses

import pytest

from frontliner.coach import Finding, Options, Severity, check

COMPLAINT = "My parcel is two weeks late and nobody answers. Really disappointed."


def test_report_json_has_exactly_the_contract_shape() -> None:
    data = check("We can't refund that.", customer=COMPLAINT).to_dict()
    assert set(data) == {"findings", "score"}
    assert isinstance(data["score"], int) and 0 <= data["score"] <= 100
    for finding in data["findings"]:
        assert set(finding) == {"rule", "start", "end", "severity", "message", "suggestion"}
        assert finding["severity"] in {"error", "warning", "info"}
        assert isinstance(finding["start"], int) and isinstance(finding["end"], int)
        assert finding["suggestion"] is None or isinstance(finding["suggestion"], str)


def test_offsets_point_at_the_flagged_words() -> None:
    draft = "Hello Kim. Sadly we cannot replace the lamp. Thanks for writing."
    finding = next(f for f in check(draft).findings if f.rule == "cant")
    assert draft[finding.start : finding.end] == "we cannot replace"


def test_missing_element_rules_span_the_whole_draft() -> None:
    draft = "We value you as a customer."
    rules = {f.rule: f for f in check(draft, customer=COMPLAINT).findings}
    for rule in ("no-apology", "no-thanks", "no-next-step"):
        assert (rules[rule].start, rules[rule].end) == (0, len(draft))


def test_apology_and_thanks_rules_wait_for_a_complaint() -> None:
    draft = "We value you as a customer."
    assert not {"no-apology", "no-thanks"} & check(draft).rules()
    assert not {"no-apology", "no-thanks"} & check(draft, customer="What are your hours?").rules()


def test_cant_help_also_counts_as_cant() -> None:
    rules = check("I'm afraid I can't help you.").rules()
    assert {"cant-help", "cant"} <= rules


def test_refusal_suggestion_offers_the_agents_remedies_and_articles() -> None:
    options = Options(
        remedies=("a replacement", "a 10 EUR credit"), articles=("Fixing a leaky kettle",)
    )
    finding = next(f for f in check("We can't refund this.", options=options).findings)
    assert finding.suggestion is not None
    assert "but what I can do is offer you a replacement or a 10 EUR credit" in finding.suggestion
    assert '"Fixing a leaky kettle"' in finding.suggestion


def test_refusal_suggestion_without_options_is_generic_but_in_the_same_form() -> None:
    finding = next(f for f in check("We can't refund this.").findings if f.rule == "cant")
    assert finding.suggestion is not None
    assert "can't be done, but what I can do is [" in finding.suggestion


def test_a_clean_reply_scores_100_and_a_bad_one_less() -> None:
    good = "I'm sorry the parcel is late, and thank you for telling us. I've sent a new one today."
    bad = "As I already said, we can't refund. Calm down."
    assert check(good, customer=COMPLAINT).score == 100
    assert check(bad, customer=COMPLAINT).score < 50


def test_finding_is_one_frozen_type() -> None:
    finding = check("We can't refund this.").findings[0]
    assert isinstance(finding, Finding)
    assert finding.severity is Severity.ERROR
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.rule = "other"  # type: ignore[misc]


def test_findings_come_in_draft_order() -> None:
    draft = "Don't worry. As I said before, we can't do it."
    starts = [f.start for f in check(draft).findings]
    assert starts == sorted(starts)
