from __future__ import annotations

from datetime import timedelta

import pytest

from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.escalation import complete_follow_up, escalate, hand_back
from frontliner.desk.model import AuditEntry, CaseStatus, FollowUp
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


def test_handed_back_case_shows_no_handler_and_the_escalation_keeps_who_handled_it(
    desk: Desk,
) -> None:
    case = desk.open()
    escalation = escalate(desk.uow, desk.agent, case.id, reason="refund above my limit",
                          details="kettle failed twice", now=MONDAY)
    assert case.handler_id == desk.lead.id
    handed = hand_back(desk.uow, desk.lead, case.id, note="Refund of 80.00 approved",
                       now=MONDAY + timedelta(hours=2))
    assert handed is escalation
    assert case.handler_id is None
    assert case.owner_id == desk.agent.id and case.status == CaseStatus.OPEN
    assert escalation.handler_id == desk.lead.id
    assert escalation.resolved_at == MONDAY + timedelta(hours=2)


def test_hand_back_note_and_the_handler_are_kept_in_the_audit_for_the_owner(
    desk: Desk,
) -> None:
    case = desk.open()
    escalate(desk.uow, desk.agent, case.id, reason="r", details="d", now=MONDAY)
    hand_back(desk.uow, desk.lead, case.id, note="  Replacement posted today  ", now=MONDAY)
    [entry] = [e for e in desk.uow.all(AuditEntry) if e.action == "handed_back"]
    assert entry.actor_id == desk.lead.id and entry.case_id == case.id
    assert entry.detail["note"] == "Replacement posted today"
    assert entry.detail["handler_id"] == desk.lead.id
    assert entry.detail["owner_id"] == desk.agent.id


def test_a_refused_hand_back_leaves_the_handler_in_place(desk: Desk) -> None:
    case = desk.open()
    escalate(desk.uow, desk.agent, case.id, reason="r", details="d", now=MONDAY)
    with pytest.raises(Invalid):
        hand_back(desk.uow, desk.lead, case.id, note="   ", now=MONDAY)
    with pytest.raises(Forbidden):
        hand_back(desk.uow, desk.other_agent, case.id, note="done", now=MONDAY)
    assert case.handler_id == desk.lead.id and case.status == CaseStatus.ESCALATED


def test_a_case_handed_back_can_be_escalated_again_to_a_new_handler(desk: Desk) -> None:
    case = desk.open(required_skill="electrical")
    escalate(desk.uow, desk.agent, case.id, reason="wiring", details="sparks",
             people_involved=PEOPLE, now=MONDAY)
    hand_back(desk.uow, desk.specialist, case.id, note="Checked the wiring", now=MONDAY)
    assert case.handler_id is None
    again = escalate(desk.uow, desk.agent, case.id, reason="still sparks", details="again",
                     handler_id=desk.lead.id, now=MONDAY)
    assert case.handler_id == again.handler_id == desk.lead.id
    assert case.status == CaseStatus.ESCALATED
