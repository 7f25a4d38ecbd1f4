"""The reply model (coach/learned/sentences.py): it decides the meaning rules sentence by
sentence, combined with the rule packs so every finding keeps a span and a suggestion."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from frontliner.coach import Coach, CoachConfig, ConfigError, check
from frontliner.coach.config import RULES_ALONE
from frontliner.coach.learned.linear import Model
from frontliner.coach.learned.reply_training import (
    DEFAULT_ALONE,
    DEFAULT_WITH_RULE,
    choose_thresholds,
    review_rows,
    rule_example_rows,
)
from frontliner.coach.learned.sentences import (
    LET_OFF,
    MATCHED,
    SENTENCE_RULES,
    Judge,
    sentence_inputs,
)
from frontliner.coach.text import prepare

REPO = Path(__file__).resolve().parents[2]
WRITTEN = REPO / "bench" / "labels" / "written" / "reply-sentences.jsonl"


@pytest.fixture(scope="module")
def judge() -> Judge:
    return Judge.load()


def _flagged(draft: str, rule: str) -> list[str]:
    return [draft[f.start : f.end] for f in check(draft).findings if f.rule == rule]


def test_the_shipped_model_decides_every_sentence_rule(judge: Judge) -> None:
    assert judge.rules == SENTENCE_RULES


def test_one_pass_scores_equal_the_models_own_probabilities(judge: Judge) -> None:
    sentence = "Our policy says refunds can only go to the original card, sorry."
    marks = (MATCHED + "policy",)
    fast = judge.probabilities(sentence, marks)
    slow = judge.model.probabilities(sentence, marks)
    assert fast.keys() <= slow.keys()
    for rule, p in fast.items():
        assert p == pytest.approx(slow[rule], abs=1e-6)


@pytest.mark.parametrize(
    ("rule", "draft"),
    [
        # Sentences written for this test, in none of the training files: meaning the
        # rule phrases do not spell out.
        ("policy", "Legislation obliges us to keep the hold on for another week."),
        ("blame", "Your provider is the one throttling your speed."),
        ("blame", "That's something the store you bought it from handles."),
        ("hollow-empathy", "Oh, we totally know that feeling."),
        ("argue", "As our earlier tweet explained, the store closes at 9."),
    ],
)
def test_the_model_flags_meaning_the_phrases_miss(rule: str, draft: str) -> None:
    assert _flagged(draft, rule), f"{rule} missed: {draft!r}"
    rules_alone = CoachConfig(reply_model=RULES_ALONE)
    assert not [f for f in Coach(rules_alone).check(draft).findings if f.rule == rule], (
        "pick an example the phrases alone miss"
    )


def test_a_finding_without_a_phrase_spans_its_sentence_and_has_the_rules_suggestion() -> None:
    draft = "Thanks for waiting. Legislation obliges us to keep the hold on for another week."
    report = check(draft)
    policy = [f for f in report.findings if f.rule == "policy"]
    assert policy
    assert draft[policy[0].start : policy[0].end] == (
        "Legislation obliges us to keep the hold on for another week."
    )
    assert policy[0].suggestion


def test_a_matched_phrase_keeps_its_own_span() -> None:
    draft = "Sorry about that. As per our policy, refunds take 10 days."
    flagged = _flagged(draft, "policy")
    assert flagged and all(
        len(span) < len("As per our policy, refunds take 10 days.") for span in flagged
    )


def test_plain_courtesy_is_left_alone() -> None:
    for draft in (
        "Hope this helps!",
        "No worries, happy to help.",
        "Sorry to hear that, let's get it fixed.",
        "Our billing team handles refunds; I've passed your case to them today.",
        "Thanks for reaching out, we're happy to help.",
        "Please send us a DM with your order number.",
    ):
        report = check(draft)
        assert not [f.rule for f in report.findings if f.rule in SENTENCE_RULES], draft


def test_sentence_inputs_mark_matched_phrases_and_refusals_let_off() -> None:
    draft = prepare("We can't refund it. I've sent a replacement today instead.")
    inputs = sentence_inputs(draft, {"policy": [(3, 8)]}, {"cant": [(0, 8)]})
    assert [s.text for s in inputs] == [
        "We can't refund it.",
        "I've sent a replacement today instead.",
    ]
    assert inputs[0].marks == (MATCHED + "policy", LET_OFF + "cant")
    assert inputs[1].marks == ()


def test_coach_reads_sentences_with_the_phrases_it_found() -> None:
    coach = Coach(CoachConfig(reply_model=RULES_ALONE))
    inputs = coach.sentences("We can't refund it. Per our policy it is final sale.")
    assert MATCHED + "policy" in inputs[1].marks


def test_config_can_run_the_rules_alone_or_a_model_file(tmp_path: Path) -> None:
    assert Coach(CoachConfig(reply_model=RULES_ALONE)).judge is None
    config = CoachConfig.from_dict({"reply_model": "none"})
    assert config.reply_model == RULES_ALONE
    (tmp_path / "coach.yml").write_text("reply_model: missing.model.gz\n")
    with pytest.raises(ConfigError, match="reply_model"):
        Coach(CoachConfig.from_file(tmp_path / "coach.yml"))


def test_a_disabled_rule_is_not_flagged_by_the_model() -> None:
    draft = "Legislation obliges us to keep the hold on for another week."
    config = CoachConfig(disabled=frozenset({"policy"}))
    assert not [f for f in Coach(config).check(draft).findings if f.rule == "policy"]


def test_written_training_text_is_marked_and_uses_known_rules() -> None:
    files = sorted(WRITTEN.parent.glob("reply-sentences*.jsonl"))
    assert len(files) >= 3  # the first pass, and issue 11's positives and hard negatives
    lines = [json.loads(line) for f in files for line in f.read_text().splitlines() if line]
    ids = [line["id"] for line in lines]
    assert len(ids) == len(set(ids))
    for line in lines:
        assert line["written_here"] is True
        assert set(line["sentence_rules"]) <= set(SENTENCE_RULES)
    # Hard negatives are at least as many as the positives they were written against.
    negatives = [line for f in files if f.stem.endswith("-2b") for line in _jsonl(f)]
    positives = [line for f in files if f.stem.endswith("-2a") for line in _jsonl(f)]
    assert positives and all(line["sentence_rules"] for line in positives)
    assert len(negatives) >= len(positives)
    assert not any(line["sentence_rules"] for line in negatives)


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_cross_validation_may_keep_every_phrase_the_model_doubts() -> None:
    # Six true phrase findings the model scores low, no false ones: overruling any of
    # them loses recall for nothing, so the threshold with the phrase is 0.
    rows = [(0.03, True, True)] * 6 + [(0.2, False, False)] * 20 + [(0.9, False, True)]
    alone, with_rule = choose_thresholds({"policy": rows})
    assert with_rule["policy"] == 0.0
    assert alone["policy"] >= 0.5


def test_a_model_saved_and_loaded_decides_the_same(tmp_path: Path, judge: Judge) -> None:
    path = tmp_path / "reply.model.gz"
    judge.model.save(path)
    again = Judge(Model.load(path))
    sentence = "We're not allowed to change the date once it's booked."
    assert again.decide(sentence) == judge.decide(sentence)


def test_thresholds_are_chosen_for_precision_first() -> None:
    # (probability, phrase matched, gold): a low cut would catch the last positive only
    # by flagging three negatives.
    rows = [
        (0.9, False, True),
        (0.85, True, True),
        (0.8, False, True),
        (0.75, False, True),
        (0.6, False, False),
        (0.55, False, False),
        (0.5, False, False),
        (0.45, False, True),
        (0.1, False, False),
    ]
    alone, with_rule = choose_thresholds({"policy": rows})
    assert 0.6 < alone["policy"] <= 0.75
    assert with_rule["policy"] <= alone["policy"]


def test_a_rule_with_too_few_real_examples_gets_the_default_thresholds() -> None:
    alone, with_rule = choose_thresholds({"argue": [(0.4, False, True), (0.3, False, False)]})
    assert (alone["argue"], with_rule["argue"]) == (DEFAULT_ALONE, DEFAULT_WITH_RULE)


def test_rule_examples_become_training_sentences() -> None:
    coach = Coach(CoachConfig(reply_model=RULES_ALONE))
    rows = list(rule_example_rows(coach))
    blame = [r for r in rows if r.group.startswith("rule:blame:fail")]
    assert blame and all(r.labels == {"blame": True} for r in blame)
    assert any(r.labels == {"guess": False} for r in rows)


def _reviews(path: Path) -> None:
    """Reviewed replies as `frontliner coach export-reviews` writes them."""
    lines = []
    policy = "Our policy doesn't allow refunds after 30 days."
    fine = "I've refunded the order today, it shows in 3 days."
    for n in range(12):
        text = f"{policy} Sorry about that." if n % 2 else f"{fine} Thanks for waiting."
        kept = ["policy"] if n % 2 else []
        spans = [{"rule": "policy", "start": 0, "end": len(policy)}] if n % 2 else []
        lines.append(
            {
                "id": f"reply-{n}",
                "reply": kept,
                "text": text,
                "customer_text": None,
                "spans": spans,
                "coach": kept,
            }
        )
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


def test_review_rows_mark_the_sentence_holding_a_kept_rules_span() -> None:
    coach = Coach(CoachConfig(reply_model=RULES_ALONE))
    label = {
        "id": "reply-1",
        "reply": ["policy"],
        "text": "Per our policy, no. Thanks!",
        "spans": [{"rule": "policy", "start": 0, "end": 14}],
    }
    rows = list(review_rows([("x", label)], coach))
    assert [r.labels["policy"] for r in rows] == [True, False]
    assert all(r.labels["guess"] is False for r in rows)


def test_train_command_makes_a_reply_model_from_reviews(tmp_path: Path) -> None:
    _reviews(tmp_path / "reviews.jsonl")
    out = tmp_path / "reply.model.gz"
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("frontliner")),
            "coach",
            "train",
            "--model",
            "reply",
            "--labels",
            str(tmp_path / "reviews.jsonl"),
            "--labels",
            str(WRITTEN.parent),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "120"},
    )
    assert result.returncode == 0, result.stderr
    assert "held-out scores" in result.stdout
    configured = Coach(CoachConfig(reply_model=str(out)))
    draft = "Our policy doesn't allow refunds after 30 days."
    assert "policy" in {f.rule for f in configured.check(draft).findings}
