from __future__ import annotations

import importlib

import pytest

from frontliner.desk.closing import close_case, confirm_fixed
from frontliner.desk.errors import Forbidden, Invalid, NotFound
from frontliner.desk.interactions import (
    CoachErrors,
    add_note,
    parse_coach_errors,
    record_inbound,
    record_outbound,
)
from frontliner.desk.model import AuditEntry, CaseStatus, Channel, Direction, Interaction
from frontliner.desk.ownership import acknowledge
from frontliner.desk.users import deactivate_user
from tests.unit.conftest import MONDAY, Desk


def test_inbound_message_reopens_resolved_case(desk: Desk) -> None:
    case = desk.open()
    confirm_fixed(desk.uow, desk.ann_login, case.id, now=MONDAY)
    record_inbound(desk.uow, desk.ann_login, case.id, "It broke again this morning.",
                   now=desk.later(days=2))
    assert case.status == CaseStatus.OPEN
    assert not case.confirmed_by_customer and case.resolved_at is None
    assert case.owner_id == desk.agent.id
    assert desk.uow.find(AuditEntry, case_id=case.id, action="reopened")


def test_inbound_message_reopens_closed_case_from_a_channel(desk: Desk) -> None:
    case = desk.open()
    confirm_fixed(desk.uow, desk.ann_login, case.id, now=MONDAY)
    close_case(desk.uow, desk.agent, case.id, now=MONDAY)
    record_inbound(desk.uow, None, case.id, "Still broken", channel=Channel.EMAIL, now=MONDAY)
    assert case.status == CaseStatus.OPEN and case.closed_at is None


def test_reopened_case_of_a_departed_owner_gets_a_new_owner(desk: Desk) -> None:
    desk.present(desk.other_agent)
    case = desk.open()
    confirm_fixed(desk.uow, desk.ann_login, case.id, now=MONDAY)
    deactivate_user(desk.uow, desk.admin, desk.agent.id)
    record_inbound(desk.uow, desk.ann_login, case.id, "Again!", now=MONDAY)
    assert case.owner_id == desk.other_agent.id  # the one present agent
    assert case.returned_from_id is None


def test_reopened_case_of_a_departed_owner_goes_to_a_lead_when_no_agent_is_present(
    desk: Desk,
) -> None:
    desk.lead.password_hash = "set"  # the lead can sign in; no agent is available
    case = desk.open()
    confirm_fixed(desk.uow, desk.ann_login, case.id, now=MONDAY)
    deactivate_user(desk.uow, desk.admin, desk.agent.id)
    record_inbound(desk.uow, desk.ann_login, case.id, "Again!", now=MONDAY)
    assert case.owner_id == desk.lead.id
    assert case.returned_from_id == desk.agent.id  # listed for leads "to reassign"


def test_reply_to_a_case_waiting_on_the_customer_reopens_it(desk: Desk) -> None:
    case = desk.open()
    record_outbound(desk.uow, desk.agent, case.id, "Could you send a photo of the label?",
                    wait_for_reply=True, now=MONDAY)
    assert case.status == CaseStatus.WAITING_ON_CUSTOMER
    record_inbound(desk.uow, desk.ann_login, case.id, "Here it is", now=MONDAY)
    assert case.status == CaseStatus.OPEN


def test_owners_first_reply_acknowledges_the_case(desk: Desk) -> None:
    case = desk.open()
    record_outbound(desk.uow, desk.agent, case.id, "Thank you for telling us.", now=MONDAY)
    assert case.status == CaseStatus.OPEN


def test_customers_cannot_post_replies_or_notes(desk: Desk) -> None:
    case = desk.open()
    with pytest.raises(Forbidden):
        record_outbound(desk.uow, desk.ann_login, case.id, "hi", now=MONDAY)
    with pytest.raises(Forbidden):
        add_note(desk.uow, desk.ann_login, case.id, "hi", now=MONDAY)
    with pytest.raises(NotFound):
        record_inbound(desk.uow, desk.bob_login, case.id, "hi", now=MONDAY)


def test_empty_message_is_refused(desk: Desk) -> None:
    case = desk.open()
    with pytest.raises(Invalid) as err:
        record_inbound(desk.uow, desk.ann_login, case.id, "   ", now=MONDAY)
    assert list(err.value.fields) == ["body"]


def test_note_is_internal(desk: Desk) -> None:
    case = desk.open()
    acknowledge(desk.uow, desk.agent, case.id, now=MONDAY)
    note = add_note(desk.uow, desk.other_agent, case.id, "Customer is a long-time client",
                    now=MONDAY)
    assert note.direction == Direction.NOTE


def test_inbound_message_carries_the_coachs_reading_when_the_coach_reads(desk: Desk) -> None:
    case = desk.open()
    message = record_inbound(desk.uow, desk.ann_login, case.id, "This is the third time!!",
                             now=MONDAY)
    read = getattr(importlib.import_module("frontliner.coach"), "read", None)
    if read is None:
        assert message.analysis is None
    else:
        assert message.analysis == read("This is the third time!!").to_dict()
        assert set(message.analysis) >= {"complaint", "frustration", "urgency"}


def test_a_coach_failure_never_loses_the_customers_message(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach = importlib.import_module("frontliner.coach")

    def broken(body: str) -> object:
        raise RuntimeError("rule pack missing")

    monkeypatch.setattr(coach, "read", broken, raising=False)
    case = desk.open()
    message = record_inbound(desk.uow, desk.ann_login, case.id, "Hello?", now=MONDAY)
    assert message.body == "Hello?" and message.analysis is None


def test_customer_never_sees_internal_notes(desk: Desk) -> None:
    from frontliner.desk.access import can_see_interaction

    case = desk.open()
    note = add_note(desk.uow, desk.agent, case.id, "VIP, be quick", now=MONDAY)
    reply = record_outbound(desk.uow, desk.agent, case.id, "On it.", now=MONDAY)
    assert not can_see_interaction(desk.ann_login, note, case)
    assert can_see_interaction(desk.ann_login, reply, case)
    assert can_see_interaction(desk.other_agent, note, case)
    assert not can_see_interaction(desk.bob_login, reply, case)


def test_reply_with_coach_errors_needs_a_reason_and_keeps_it_in_the_audit(desk: Desk) -> None:
    case = desk.open()
    with pytest.raises(Invalid) as refused:
        record_outbound(desk.uow, desk.agent, case.id, "We can't refund that.",
                        coach_errors=["cant"], now=MONDAY)
    assert "override_reason" in refused.value.details["fields"]
    assert not desk.uow.find(Interaction, case_id=case.id, direction=Direction.OUTBOUND)

    record_outbound(desk.uow, desk.agent, case.id, "We can't refund that.",
                    coach_errors=["cant", "cant"], override_reason="  customer asked for a\n"
                    "plain answer ", now=MONDAY)
    sent = desk.uow.find(AuditEntry, case_id=case.id, action="reply_sent")
    assert sent[-1].detail["coach_errors"] == ["cant"]
    assert sent[-1].detail["override_reason"] == "customer asked for a plain answer"


def test_reply_with_coach_errors_is_refused_when_the_desk_blocks_them(desk: Desk) -> None:
    case = desk.open()
    with pytest.raises(Invalid) as refused:
        record_outbound(desk.uow, desk.agent, case.id, "We can't refund that.",
                        coach_errors=["cant"], override_reason="I mean it",
                        on_coach_errors=CoachErrors.BLOCK, now=MONDAY)
    assert "fix them first" in refused.value.message
    assert not desk.uow.find(Interaction, case_id=case.id, direction=Direction.OUTBOUND)


def test_reply_without_coach_errors_records_no_override(desk: Desk) -> None:
    case = desk.open()
    record_outbound(desk.uow, desk.agent, case.id, "Sorry about this; a new one ships today.",
                    on_coach_errors="block", now=MONDAY)
    sent = desk.uow.find(AuditEntry, case_id=case.id, action="reply_sent")
    assert "override_reason" not in sent[-1].detail


def test_unknown_coach_errors_setting_is_a_clear_error() -> None:
    with pytest.raises(Invalid) as refused:
        parse_coach_errors("ignore")
    assert "coach_errors" in refused.value.details["fields"]
