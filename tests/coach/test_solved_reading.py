"""The rules' reading of whether the customer says the problem is solved
(`confirms_solved`) or that it is not (`not_solved`): the lexicon's own examples, a larger
set written apart from it, and the grammar around the words (negation, questions,
hypotheticals, contrast). The learned model that decides with the rules is tested in
test_solved_model.py, against these same messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from frontliner import coach
from frontliner.coach.analyser import rule_reading
from frontliner.coach.solved import LEXICON

EXPECTED = {"confirms_solved": (True, False), "not_solved": (False, True),
            "neither": (False, False)}
MESSAGES = Path(__file__).with_name("solved_messages.yml")


def _lexicon() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(LEXICON.read_text("utf-8"))
    return data


def _cases(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(message), kind) for kind in EXPECTED for message in data[kind]]


def _reading(message: str) -> tuple[bool, bool]:
    found = rule_reading(message)[0]
    return found.confirms_solved, found.not_solved


@pytest.mark.parametrize(("message", "kind"), _cases(_lexicon()["examples"]))
def test_lexicon_examples_read_as_labelled(message: str, kind: str) -> None:
    assert _reading(message) == EXPECTED[kind]


@pytest.mark.parametrize(("message", "kind"),
                         _cases(yaml.safe_load(MESSAGES.read_text("utf-8"))))
def test_messages_written_apart_from_the_lexicon_read_as_labelled(message: str, kind: str) -> None:
    assert _reading(message) == EXPECTED[kind]


def test_the_lexicon_carries_enough_examples_of_each_kind() -> None:
    examples = _lexicon()["examples"]
    assert set(examples) == set(EXPECTED)
    assert all(len(examples[kind]) >= 20 for kind in EXPECTED)
    total = sum(len(v) for v in examples.values()) + sum(
        len(v) for v in yaml.safe_load(MESSAGES.read_text("utf-8")).values())
    assert total >= 200


@pytest.mark.parametrize(("solved", "negated"), [
    ("that fixed it", "I don't think that fixed it"),
    ("It's working again.", "It's not working again."),
    ("Sorted, thanks.", "Not sorted, thanks."),
])
def test_a_negation_turns_solved_into_not_solved(solved: str, negated: str) -> None:
    assert _reading(solved) == (True, False)
    assert _reading(negated) == (False, True)


@pytest.mark.parametrize("message", [
    "Is it fixed yet?", "Is it working again now?", "Has the refund arrived?",
    "So it's sorted then?",
])
def test_a_question_says_nothing(message: str) -> None:
    assert _reading(message) == (False, False)


def test_a_why_question_presumes_the_fault() -> None:
    assert _reading("Why does it still not work?") == (False, True)
    assert _reading("Why is it fixed on my laptop but not my phone?") == (False, False)


@pytest.mark.parametrize("message", [
    "Let me know when it's fixed.", "You said it was sorted last week.",
    "If it stays fixed I'll be happy.", "Hopefully that's done the trick.",
    "I'll tell you if it happens again.",
    "I want the problem resolved.", "We need this sorted today.",
    "Please answer so I can play again.",
    "I checked the status page and it said everything was up and running.",
])
def test_hypothetical_or_reported_words_say_nothing(message: str) -> None:
    assert _reading(message) == (False, False)


def test_the_last_clause_that_says_anything_decides() -> None:
    assert _reading("It was still broken yesterday, but it works now.") == (True, False)
    assert _reading("It works now, but the lid still leaks.") == (False, True)
    assert _reading("Thanks, but it still fails.") == (False, True)


def test_a_message_says_at_most_one_of_the_two() -> None:
    for message, _ in _cases(_lexicon()["examples"]):
        assert _reading(message) != (True, True)


def test_the_fields_are_added_to_the_reading_after_the_fixed_ones() -> None:
    data = coach.read("Yes that fixed it, thanks").to_dict()
    assert list(data)[:6] == ["complaint", "indirect", "frustration", "abuse",
                              "abuse_kinds", "urgency"]
    assert list(data)[6:] == ["confirms_solved", "not_solved"]
    assert data["confirms_solved"] is True and data["not_solved"] is False
