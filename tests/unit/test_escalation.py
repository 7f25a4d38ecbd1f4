from __future__ import annotations

from datetime import timedelta

import pytest

from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.escalation import complete_follow_up, escalate, hand_back
from frontliner.desk.model import CaseStatus, FollowUp
from tests.unit.conftest import MONDAY, Desk

PEOPLE = [{"name": "Installer Ida", "contact": "ida@example.com"}]


def test_escalation_names_a_handler_and_the_owner_stays_owner(desk: Desk) -> None:
    case = desk.open()
    escalation = escalate(desk.uow, desk.agent, case.id, reason="refund above my limit",
                          details="kettle failed twice", now=MONDAY)
    assert case.status == CaseStatus.ESCALATED
    assert case.owner_id == desk.agent.id
    assert case.handler_id == escalation.handler_id == desk.lead.id
    assert escalation.facts["opened_at"] == MONDAY.isoformat()
    assert escalation.facts["customer_contact"] == "ann@example.com"


def test_escalation_goes_to_a_colleague_with_the_needed_skill(desk: Desk) -> None:
    case = desk.open(required_skill="electrical")
    escalate(desk.uow, desk.agent, case.id, reason="wiring", details="sparks",
             people_involved=PEOPLE, now=MONDAY)
    assert case.handler_id == desk.specialist.id


def test_big_case_needs_the_people_involved_before_escalation(desk: Desk) -> None:
    case = desk.open(nature="The heater caught fire in the kitchen")
    with pytest.raises(Invalid) as err:
        escalate(desk.uow, desk.agent, case.id, reason="safety", details="", now=MONDAY)
    assert set(err.value.fields) == {"details", "people_involved"}
    assert case.status == CaseStatus.NEW
    escalate(desk.uow, desk.agent, case.id, reason="safety", details="smoke, no injury",
             people_involved=PEOPLE, now=MONDAY)
    assert case.status == CaseStatus.ESCALATED and case.people_involved == PEOPLE


def test_handler_without_authority_or_skill_is_refused(desk: Desk) -> None:
    case = desk.open(required_skill="electrical")
    with pytest.raises(Invalid) as err:
        escalate(desk.uow, desk.agent, case.id, reason="r", details="d",
                 handler_id=desk.other_agent.id, people_involved=PEOPLE, now=MONDAY)
    assert list(err.value.fields) == ["handler_id"]
    assert "'electrical'" in err.value.message


def test_owner_follows_up_next_working_day_then_every_two(desk: Desk) -> None:
    friday = MONDAY + timedelta(days=4)
    desk.now = friday
    case = desk.open()
    escalate(desk.uow, desk.agent, case.id, reason="r", details="d", now=friday)
    [first] = desk.uow.open_follow_ups(case.id)
    assert first.owner_id == desk.agent.id
    assert first.due_at == friday + timedelta(days=3)  # Monday, not Saturday
    complete_follow_up(desk.uow, desk.agent, first.id, note="handler on it", now=first.due_at)
    [second] = desk.uow.open_follow_ups(case.id)
    assert second.due_at == first.due_at + timedelta(days=2)


def test_only_the_owner_completes_follow_ups(desk: Desk) -> None:
    case = desk.open()
    escalate(desk.uow, desk.agent, case.id, reason="r", details="d", now=MONDAY)
    [follow_up] = desk.uow.open_follow_ups(case.id)
    with pytest.raises(Forbidden):
        complete_follow_up(desk.uow, desk.lead, follow_up.id, now=MONDAY)


def test_handler_hands_back_and_follow_ups_continue(desk: Desk) -> None:
    case = desk.open()
    escalate(desk.uow, desk.agent, case.id, reason="r", details="d", now=MONDAY)
    with pytest.raises(Forbidden):
        hand_back(desk.uow, desk.other_agent, case.id, note="done", now=MONDAY)
    hand_back(desk.uow, desk.lead, case.id, note="refund approved", now=MONDAY)
    assert case.status == CaseStatus.OPEN and case.owner_id == desk.agent.id
    assert len(desk.uow.open_follow_ups(case.id)) == 1
    with pytest.raises(Conflict):
        hand_back(desk.uow, desk.lead, case.id, note="again", now=MONDAY)


def test_only_the_owner_escalates(desk: Desk) -> None:
    case = desk.open()
    with pytest.raises(Forbidden):
        escalate(desk.uow, desk.other_agent, case.id, reason="r", details="d", now=MONDAY)
    assert desk.uow.all(FollowUp) == []


def test_refused_escalation_changes_nothing(desk: Desk) -> None:
    case = desk.open(nature="The heater caught fire in the kitchen")
    with pytest.raises(Invalid):
        escalate(desk.uow, desk.agent, case.id, reason="", details="d",
                 people_involved=PEOPLE, now=MONDAY)
    assert case.people_involved == [] and case.status == CaseStatus.NEW
