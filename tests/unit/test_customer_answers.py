"""The customer's answer to "is it solved?" through a link or the chat (no login): the
desk's side, on the in-memory unit of work."""

from __future__ import annotations

import pytest

from frontliner.desk.closing import request_confirmation
from frontliner.desk.confirmation_question import CHAT_QUESTION
from frontliner.desk.customer_answers import (
    AnswerVia,
    customer_confirms,
    customer_not_fixed,
    customer_rates,
)
from frontliner.desk.errors import Conflict, Invalid, NotFound
from frontliner.desk.model import (
    AuditEntry,
    Case,
    CaseStatus,
    Channel,
    Direction,
    Interaction,
    SatisfactionRating,
)
from frontliner.desk.ownership import acknowledge
from tests.unit.conftest import Desk


def _awaiting(desk: Desk, channel: Channel = Channel.EMAIL) -> Case:
    case = desk.open(channel=channel)
    acknowledge(desk.uow, desk.agent, case.id, now=desk.now)
    request_confirmation(desk.uow, desk.agent, case.id, now=desk.later(hours=1))
    desk.uow.commit()
    assert case.status == CaseStatus.AWAITING_CONFIRMATION
    return case


def _last_entry(desk: Desk, case: Case, action: str) -> AuditEntry:
    return [e for e in desk.uow.find(AuditEntry, limit=100, case_id=case.id)
            if e.action == action][-1]


def test_customer_confirming_through_a_link_resolves_the_case_as_confirmed_by_them(
    desk: Desk,
) -> None:
    case = _awaiting(desk)
    customer_confirms(desk.uow, case.id, case.customer_id, AnswerVia.EMAIL_LINK,
                      now=desk.later(hours=2))
    assert case.status == CaseStatus.RESOLVED and case.confirmed_by_customer
    assert case.confirmed_via == "email_link" and case.confirmation_recorded_by_id is None
    entry = _last_entry(desk, case, "confirmed_by_customer")
    assert entry.actor_id is None
    assert entry.detail["via"] == "email_link" and entry.detail["by_customer"] is True


def test_a_second_yes_changes_nothing(desk: Desk) -> None:
    case = _awaiting(desk)
    customer_confirms(desk.uow, case.id, case.customer_id, "chat", now=desk.later(hours=2))
    resolved_at, entries = case.resolved_at, len(desk.uow.find(AuditEntry, case_id=case.id))
    customer_confirms(desk.uow, case.id, case.customer_id, "chat", now=desk.later(hours=3))
    assert case.resolved_at == resolved_at
    assert len(desk.uow.find(AuditEntry, case_id=case.id)) == entries


def test_yes_is_refused_when_the_case_is_not_waiting_for_the_customer(desk: Desk) -> None:
    case = desk.open()
    with pytest.raises(Conflict):
        customer_confirms(desk.uow, case.id, case.customer_id, "email_link")
    assert case.status == CaseStatus.NEW and not case.confirmed_by_customer


def test_a_link_for_another_customer_is_not_found_and_changes_nothing(desk: Desk) -> None:
    case = _awaiting(desk)
    assert desk.bob.id is not None
    for answer in (
        lambda: customer_confirms(desk.uow, case.id, desk.bob.id, "email_link"),
        lambda: customer_not_fixed(desk.uow, case.id, desk.bob.id, "still bad", "email_link"),
        lambda: customer_rates(desk.uow, case.id, desk.bob.id, 5, "", "email_link"),
        lambda: customer_confirms(desk.uow, 99_999, case.customer_id, "email_link"),
    ):
        with pytest.raises(NotFound):
            answer()
    assert case.status == CaseStatus.AWAITING_CONFIRMATION


def test_not_yet_reopens_the_case_for_its_owner_and_keeps_the_customers_words(
    desk: Desk,
) -> None:
    case = _awaiting(desk)
    message = customer_not_fixed(desk.uow, case.id, case.customer_id,
                                 "The kettle still switches itself off.", "email_link",
                                 now=desk.later(hours=2))
    assert case.status == CaseStatus.OPEN and case.owner_id == desk.agent.id
    assert message is not None and message.direction == Direction.INBOUND
    assert message.author_id is None and message.channel == Channel.WEB
    assert message.body == "The kettle still switches itself off."
    assert _last_entry(desk, case, "not_fixed").detail["via"] == "email_link"


def test_not_yet_without_words_reopens_and_a_second_one_changes_nothing(desk: Desk) -> None:
    case = _awaiting(desk)
    assert customer_not_fixed(desk.uow, case.id, case.customer_id, " ", "chat") is None
    assert case.status == CaseStatus.OPEN
    before = len(desk.uow.find(AuditEntry, case_id=case.id))
    assert customer_not_fixed(desk.uow, case.id, case.customer_id, "", "chat") is None
    assert len(desk.uow.find(AuditEntry, case_id=case.id)) == before


def test_not_yet_on_a_resolved_case_with_words_reopens_it(desk: Desk) -> None:
    case = _awaiting(desk)
    customer_confirms(desk.uow, case.id, case.customer_id, "email_link")
    customer_not_fixed(desk.uow, case.id, case.customer_id, "It broke again.", "email_link")
    assert case.status == CaseStatus.OPEN and not case.confirmed_by_customer


def test_rating_through_a_link_once_after_resolution(desk: Desk) -> None:
    case = _awaiting(desk)
    with pytest.raises(Conflict):
        customer_rates(desk.uow, case.id, case.customer_id, 5, "", "email_link")
    customer_confirms(desk.uow, case.id, case.customer_id, "email_link")
    with pytest.raises(Invalid):
        customer_rates(desk.uow, case.id, case.customer_id, 6, "", "email_link")
    rating = customer_rates(desk.uow, case.id, case.customer_id, 4, " Quick and kind. ",
                            "email_link")
    assert (rating.score, rating.comment, rating.customer_id) == (4, "Quick and kind.",
                                                                 case.customer_id)
    with pytest.raises(Conflict):
        customer_rates(desk.uow, case.id, case.customer_id, 1, "", "email_link")
    assert len(desk.uow.find(SatisfactionRating, case_id=case.id)) == 1
    assert _last_entry(desk, case, "rated").actor_id is None


def test_a_chat_customer_is_asked_in_the_conversation(desk: Desk) -> None:
    case = _awaiting(desk, Channel.CHAT)
    asked = [m for m in desk.uow.find(Interaction, case_id=case.id)
             if m.direction == Direction.OUTBOUND]
    assert [(m.body, m.channel, m.author_id) for m in asked] == [
        (CHAT_QUESTION, Channel.CHAT, desk.agent.id)]


def test_an_email_customer_is_not_asked_in_the_conversation(desk: Desk) -> None:
    case = _awaiting(desk, Channel.EMAIL)
    assert not [m for m in desk.uow.find(Interaction, case_id=case.id)
                if m.direction == Direction.OUTBOUND]
