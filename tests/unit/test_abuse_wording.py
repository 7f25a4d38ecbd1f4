"""The prepared boundary reply passes the reply coach with no error, for every kind of
abuse and every channel, answering real abusive complaints: an agent who sends it as it
is never has to explain a coach error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontliner import coach
from frontliner.coach.engine import default_coach
from frontliner.desk import abuse
from frontliner.desk.model import Case, Channel

CUSTOMER = {
    "insult": "You are a useless idiot. My kettle is still broken and nobody answers me.",
    "threat": "I know where you live and I will hurt you if this kettle is not replaced.",
    "harassment": "Answer me or I will keep messaging you every hour until you quit.",
    "doxxing": "I found your home address and I will post it online, fix my refund.",
    "slur": "Fix my order, you moron.",  # no slur written here: the reply is the same
}


def _case(channel: Channel) -> Case:
    return Case(ref="FL-7Q2K-9XJ4", customer_id=1, nature="kettle broken", channel=channel,
                opened_at=datetime(2026, 3, 2, tzinfo=UTC), contact_value="ann@example.com")


@pytest.mark.parametrize("channel", [Channel.CHAT, Channel.EMAIL, Channel.WEB])
@pytest.mark.parametrize("kind", abuse.KINDS)
def test_boundary_reply_passes_the_coach_without_errors(kind: str, channel: Channel) -> None:
    draft = abuse.boundary_reply(_case(channel), [kind])
    report = default_coach().check(draft, CUSTOMER[kind])
    errors = [f.rule for f in report.findings if f.severity == coach.Severity.ERROR]
    assert errors == [], (draft, errors)


def test_boundary_reply_names_the_behaviour_what_we_keep_doing_and_what_follows() -> None:
    draft = abuse.boundary_reply(_case(Channel.CHAT), ["threat", "insult"])
    assert "insults aimed at people and threats of harm" in draft
    assert "keep working on it" in draft and "end this chat" in draft
    assert "FL-7Q2K-9XJ4" in draft


def test_ending_notice_says_how_to_reach_us_and_that_the_case_stays_open() -> None:
    notice = abuse.ending_notice(_case(Channel.EMAIL), ["doxxing"], "help@desk.example")
    assert "FL-7Q2K-9XJ4 stays open" in notice and "help@desk.example" in notice
    assert "ann@example.com" in notice and "sharing people's private details" in notice
