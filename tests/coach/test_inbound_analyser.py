"""The inbound analyser: complaints direct and indirect, frustration, urgency, and abuse
kept apart from frustration."""

from __future__ import annotations

import pytest
import yaml

from frontliner.coach import read
from frontliner.coach.analyser import LEXICONS


def test_reading_json_has_exactly_the_contract_shape() -> None:
    data = read("My order never came.").to_dict()
    assert set(data) == {"complaint", "indirect", "frustration", "abuse", "abuse_kinds", "urgency",
                         "confirms_solved", "not_solved"}  # the last two added later
    assert 0.0 <= data["frustration"] <= 1.0
    assert data["urgency"] in {"low", "normal", "high"}
    assert isinstance(data["abuse_kinds"], list)


@pytest.mark.parametrize(
    "message",
    [
        "The blender I bought last week stopped working.",
        "I was charged twice for the same booking.",
        "Still no reply to my three emails about the missing parcel.",
        "Really disappointed with how this was handled.",
    ],
)
def test_a_reported_problem_is_a_complaint(message: str) -> None:
    assert read(message).complaint


@pytest.mark.parametrize(
    "message",
    ["What time does the shop open on Sunday?", "I forgot my password, how do I reset it?"],
)
def test_a_neutral_question_is_not_a_complaint(message: str) -> None:
    assert not read(message).complaint


def test_sarcasm_that_asks_for_nothing_is_an_indirect_complaint() -> None:
    reading = read("Great job losing my parcel again. Way to go.")
    assert reading.complaint and reading.indirect


def test_a_direct_request_is_not_indirect() -> None:
    reading = read("My parcel is lost again, can you please resend it?")
    assert reading.complaint and not reading.indirect


@pytest.mark.parametrize(
    "message",
    [
        "This damn router is broken AGAIN, what the hell",
        "Your service is a joke. I'm cancelling and telling everyone to avoid you.",
        "If this isn't fixed by Friday I will sue and go to the press.",
        "Worst company ever, absolutely useless support.",
    ],
)
def test_anger_at_the_situation_is_frustration_never_abuse(message: str) -> None:
    reading = read(message)
    assert not reading.abuse and reading.abuse_kinds == ()
    assert reading.frustration >= 0.3


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("Your agent Dan is a useless idiot.", "insult"),
        ("I know where you live and I will hurt you.", "threat"),
        ("Go kill yourself.", "harassment"),
        ("Here's his home address, everyone go visit him.", "doxxing"),
    ],
)
def test_attacks_on_people_are_abuse_by_kind(message: str, kind: str) -> None:
    reading = read(message)
    assert reading.abuse and kind in reading.abuse_kinds


def test_frustration_grows_with_the_signals() -> None:
    calm = read("The lamp I bought does not turn on.")
    angry = read("The lamp STILL does not turn on!!! Third time I write. Ridiculous, fed up.")
    assert angry.frustration > calm.frustration


def test_urgency_reads_deadlines_and_lockouts() -> None:
    assert read("Urgent: I'm locked out of my account and payroll runs today").urgency == "high"
    assert read("Just wondering, any plans for a dark mode? No rush.").urgency == "low"
    assert read("My kettle leaks a bit.").urgency == "normal"


def _lexicon_examples(which: str) -> list[str]:
    data = yaml.safe_load((LEXICONS / "inbound.yml").read_text("utf-8"))
    examples: list[str] = data["examples"][which]
    return examples


@pytest.mark.parametrize("message", _lexicon_examples("complaint"))
def test_lexicon_complaint_examples_are_read_as_complaints(message: str) -> None:
    assert read(message).complaint, message


@pytest.mark.parametrize("message", _lexicon_examples("not_complaint"))
def test_lexicon_neutral_examples_are_not_complaints(message: str) -> None:
    assert not read(message).complaint, message


def _lexicon_abuse_examples() -> list[tuple[str, str]]:
    data = yaml.safe_load((LEXICONS / "inbound.yml").read_text("utf-8"))
    return [(str(message), str(kind)) for message, kind in data["examples"]["abuse"]]


@pytest.mark.parametrize(("message", "kind"), _lexicon_abuse_examples())
def test_lexicon_abuse_examples_are_read_as_their_kind(message: str, kind: str) -> None:
    assert kind in read(message).abuse_kinds, message


@pytest.mark.parametrize("message", _lexicon_examples("not_abuse"))
def test_hard_words_that_attack_no_one_are_not_abuse(message: str) -> None:
    reading = read(message)
    assert not reading.abuse and reading.abuse_kinds == (), message
