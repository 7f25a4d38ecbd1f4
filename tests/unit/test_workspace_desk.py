"""The desk facts the agent workspace shows: since when the customer has waited for us,
when the problem happened, a logged phone call and a walk-in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontliner.desk.errors import Forbidden, Invalid
from frontliner.desk.interactions import add_note, log_call, record_inbound, record_outbound
from frontliner.desk.model import AuditEntry, Channel, Direction, Interaction
from tests.unit.conftest import MONDAY, Desk


def test_a_new_case_waits_for_us_from_the_moment_it_opens(desk: Desk) -> None:
    case = desk.open(message="The kettle stopped.")
    assert case.waiting_since == MONDAY


def test_our_reply_ends_the_wait_and_the_customers_next_word_starts_a_new_one(
    desk: Desk,
) -> None:
    case = desk.open()
    record_outbound(desk.uow, desk.agent, case.id, "Sorry; a new kettle is on its way.",
                    now=desk.later(hours=1))
    assert case.waiting_since is None
    first = desk.later(hours=5)
    record_inbound(desk.uow, desk.ann_login, case.id, "It has not come.", now=first)
    record_inbound(desk.uow, desk.ann_login, case.id, "Hello?", now=desk.later(hours=1))
    assert case.waiting_since == first  # the wait runs from their first unanswered word


def test_an_internal_note_neither_starts_nor_ends_the_wait(desk: Desk) -> None:
    case = desk.open()
    add_note(desk.uow, desk.agent, case.id, "Checked the stock.", now=desk.later(hours=1))
    assert case.waiting_since == MONDAY
    record_outbound(desk.uow, desk.agent, case.id, "On its way.", now=desk.later(hours=1))
    add_note(desk.uow, desk.agent, case.id, "Courier booked.", now=desk.later(hours=1))
    assert case.waiting_since is None


def test_when_the_problem_happened_is_kept_apart_from_when_the_case_opened(
    desk: Desk,
) -> None:
    happened = MONDAY - timedelta(days=3, hours=2)
    case = desk.open(problem_at=happened, channel=Channel.WALK_IN)
    assert case.problem_at == happened and case.opened_at == MONDAY
    assert case.channel == Channel.WALK_IN
    opened = desk.uow.find(AuditEntry, case_id=case.id, action="opened")[0]
    assert opened.detail["problem_at"] == happened.isoformat()


def test_a_problem_in_the_future_or_without_a_time_zone_is_refused(desk: Desk) -> None:
    with pytest.raises(Invalid) as future:
        desk.open(problem_at=MONDAY + timedelta(hours=2))
    assert future.value.fields == {"problem_at": "not later than now"}
    with pytest.raises(Invalid) as naive:
        desk.open(problem_at=MONDAY.replace(tzinfo=None))
    assert "problem_at" in naive.value.fields
    desk.open(problem_at=MONDAY + timedelta(minutes=4))  # a clock a little ahead is fine


def test_a_logged_call_is_the_customers_message_on_the_phone_with_the_summary_as_a_note(
    desk: Desk,
) -> None:
    case = desk.open()
    said = log_call(desk.uow, desk.agent, case.id, "It is still broken, I am fed up!",
                    summary="Promised a call back by Friday", now=desk.later(hours=1))
    assert (said.direction, said.channel, said.author_id) == (
        Direction.INBOUND, Channel.PHONE, desk.agent.id)
    assert said.analysis is not None and said.analysis["complaint"]
    notes = desk.uow.find(Interaction, case_id=case.id, direction=Direction.NOTE)
    assert [n.body for n in notes] == ["Call summary: Promised a call back by Friday"]


def test_a_call_without_a_summary_adds_no_note_and_a_customer_cannot_log_one(
    desk: Desk,
) -> None:
    case = desk.open()
    log_call(desk.uow, desk.agent, case.id, "Just checking in.", now=desk.later(hours=1))
    assert desk.uow.find(Interaction, case_id=case.id, direction=Direction.NOTE) == []
    with pytest.raises(Forbidden):
        log_call(desk.uow, desk.ann_login, case.id, "I called", now=desk.later(hours=1))
    with pytest.raises(Invalid):
        log_call(desk.uow, desk.agent, case.id, "   ", now=desk.later(hours=1))
