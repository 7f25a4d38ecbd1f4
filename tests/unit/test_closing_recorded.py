"""Staff recording the customer's confirmation: only the customer's cited words (a
message, or a logged call), only after the closing checklist, never on a new case."""

from __future__ import annotations

from datetime import datetime

import pytest

from frontliner.desk.closing import (
    ClosingStep,
    Via,
    close_case,
    confirm_fixed,
    mark_closing_step,
    report_not_fixed,
    request_confirmation,
    resolve,
)
from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.escalation import escalate
from frontliner.desk.interactions import add_note, record_inbound, record_outbound
from frontliner.desk.model import AuditEntry, Case, CaseStatus, Channel, Interaction
from frontliner.desk.ownership import acknowledge
from tests.unit.conftest import Desk

CHECKLIST = {"plan_shared", "permission_asked", "satisfaction_asked"}


def _worked_case(desk: Desk, checklist: bool = True) -> Case:
    """Acknowledged, the fix told to the customer, the checklist done (or not)."""
    case = desk.open()
    acknowledge(desk.uow, desk.agent, case.id, now=desk.later(minutes=5))
    record_outbound(desk.uow, desk.agent, case.id, "I have sent a new kettle.",
                    now=desk.later(minutes=5))
    if checklist:
        for step in ClosingStep:
            mark_closing_step(desk.uow, desk.agent, case.id, step, now=desk.later(minutes=1))
    desk.uow.commit()
    return case


def _customer_writes(desk: Desk, case: Case, body: str = "Yes that fixed it, thanks") -> int:
    message = record_inbound(desk.uow, None, case.id, body, channel=Channel.EMAIL,
                             now=desk.later(minutes=30))
    desk.uow.commit()
    assert message.id is not None
    return message.id


def _refusal(desk: Desk, case: Case, **kwargs: object) -> Invalid:
    with pytest.raises(Invalid) as refused:
        confirm_fixed(desk.uow, desk.agent, case.id, now=desk.later(minutes=1), **kwargs)
    desk.uow.rollback()
    assert case.status != CaseStatus.RESOLVED and not case.confirmed_by_customer
    return refused.value


def test_free_text_evidence_alone_no_longer_resolves_a_case(desk: Desk) -> None:
    case = _worked_case(desk)
    refused = _refusal(desk, case, evidence="said fine")
    assert set(refused.fields) == {"interaction_id"}


def test_a_new_case_is_never_resolved_by_a_staff_recorded_confirmation(desk: Desk) -> None:
    case = desk.open(message="My kettle stopped working")
    for step in ClosingStep:
        mark_closing_step(desk.uow, desk.agent, case.id, step, now=desk.later(minutes=1))
    message = record_inbound(desk.uow, desk.agent, case.id, "Caller: all fine now",
                             channel=Channel.PHONE, now=desk.later(minutes=1))
    for actor in (desk.agent, desk.lead, None):
        with pytest.raises(Conflict) as refused:
            confirm_fixed(desk.uow, actor, case.id, interaction_id=message.id,
                          now=desk.later(minutes=1))
        assert refused.value.details == {"status": "new"}
    assert case.status == CaseStatus.NEW and not case.confirmed_by_customer


def test_refusal_before_the_checklist_names_each_missing_step(desk: Desk) -> None:
    case = _worked_case(desk, checklist=False)
    said = _customer_writes(desk, case)
    assert set(_refusal(desk, case, interaction_id=said).fields) == CHECKLIST
    mark_closing_step(desk.uow, desk.agent, case.id, "plan_shared", now=desk.later(minutes=1))
    refused = _refusal(desk, case, interaction_id=said)
    assert set(refused.fields) == {"permission_asked", "satisfaction_asked"}
    assert "permission" in refused.message and "satisfied" in refused.message


def test_nothing_cited_and_no_checklist_names_everything_at_once(desk: Desk) -> None:
    case = _worked_case(desk, checklist=False)
    assert set(_refusal(desk, case).fields) == CHECKLIST | {"interaction_id"}


def test_owner_records_the_confirmation_from_the_customers_message(desk: Desk) -> None:
    case = _worked_case(desk)
    said = _customer_writes(desk, case, "All working now, cheers")
    confirm_fixed(desk.uow, desk.agent, case.id, interaction_id=said, evidence="by e-mail",
                  now=desk.later(minutes=2))
    assert case.status == CaseStatus.RESOLVED and case.confirmed_by_customer
    assert case.confirmed_via == Via.AGENT_RECORDED
    assert case.confirmation_recorded_by_id == desk.agent.id
    assert case.confirmation_interaction_id == said
    entry = desk.uow.find(AuditEntry, case_id=case.id, action="confirmed_by_customer")[0]
    assert entry.actor_id == desk.agent.id
    assert entry.detail["via"] == "agent_recorded" and entry.detail["by_customer"] is False
    assert entry.detail["words"] == "All working now, cheers"
    assert entry.detail["interaction_id"] == said and entry.detail["channel"] == "email"
    assert entry.detail["evidence"] == "by e-mail"
    close_case(desk.uow, desk.agent, case.id, now=desk.later(minutes=1))
    assert case.status == CaseStatus.CLOSED


def test_a_logged_call_can_be_cited(desk: Desk) -> None:
    case = _worked_case(desk)
    call = record_inbound(desk.uow, desk.agent, case.id, "Rang: says the kettle works now",
                          channel=Channel.PHONE, now=desk.later(minutes=20))
    confirm_fixed(desk.uow, desk.agent, case.id, interaction_id=call.id,
                  now=desk.later(minutes=1))
    assert case.status == CaseStatus.RESOLVED and case.confirmed_via == "agent_recorded"


def test_words_staff_typed_on_another_channel_cannot_be_cited(desk: Desk) -> None:
    case = _worked_case(desk)
    typed = record_inbound(desk.uow, desk.agent, case.id, "customer is happy",
                           channel=Channel.EMAIL, now=desk.later(minutes=20))
    desk.uow.commit()
    refused = _refusal(desk, case, interaction_id=typed.id)
    assert "typed in by staff" in refused.fields["interaction_id"]


def test_a_reply_or_an_internal_note_cannot_be_cited(desk: Desk) -> None:
    case = _worked_case(desk)
    reply = record_outbound(desk.uow, desk.agent, case.id, "Glad it is fixed!",
                            now=desk.later(minutes=1))
    note = add_note(desk.uow, desk.agent, case.id, "customer said fine",
                    now=desk.later(minutes=1))
    desk.uow.commit()
    for cited in (reply.id, note.id):
        refused = _refusal(desk, case, interaction_id=cited)
        assert "not the customer's words" in refused.fields["interaction_id"]


def test_a_message_of_another_case_or_none_at_all_cannot_be_cited(desk: Desk) -> None:
    case = _worked_case(desk)
    other = _worked_case(desk)
    theirs = _customer_writes(desk, other)
    for cited in (theirs, 9_999):
        refused = _refusal(desk, case, interaction_id=cited)
        assert "not a message of this case" in refused.fields["interaction_id"]


def test_the_message_the_case_was_opened_with_cannot_be_cited(desk: Desk) -> None:
    desk.present(desk.agent)  # the customer's own case goes to the agent on duty
    case = desk.open(actor=desk.ann_login, message="Thanks, but the kettle is broken")
    acknowledge(desk.uow, desk.agent, case.id, now=desk.later(minutes=5))
    for step in ClosingStep:
        mark_closing_step(desk.uow, desk.agent, case.id, step, now=desk.later(minutes=1))
    desk.uow.commit()
    opening = desk.uow.find(Interaction, case_id=case.id)[0]
    refused = _refusal(desk, case, interaction_id=opening.id)
    assert "opened with" in refused.fields["interaction_id"]


def test_words_from_before_the_customer_said_not_yet_confirm_nothing(desk: Desk) -> None:
    case = _worked_case(desk)
    early = _customer_writes(desk, case, "Looks fixed, thanks")
    request_confirmation(desk.uow, desk.agent, case.id, now=desk.later(minutes=1))
    report_not_fixed(desk.uow, desk.ann_login, case.id, note="it broke again",
                     now=desk.later(minutes=10))
    desk.uow.commit()
    assert case.reopened_at == desk.now
    assert "reopening" in _refusal(desk, case, interaction_id=early).fields["interaction_id"]
    later = _customer_writes(desk, case, "Now it really works")
    confirm_fixed(desk.uow, desk.agent, case.id, interaction_id=later, now=desk.later(minutes=1))
    assert case.status == CaseStatus.RESOLVED


def test_a_colleague_not_working_the_case_cannot_record_it(desk: Desk) -> None:
    case = _worked_case(desk)
    said = _customer_writes(desk, case)
    with pytest.raises(Forbidden):
        confirm_fixed(desk.uow, desk.other_agent, case.id, interaction_id=said,
                      now=desk.later(minutes=1))


def test_the_handler_and_a_lead_may_record_it_too(desk: Desk) -> None:
    case = _worked_case(desk)
    escalate(desk.uow, desk.agent, case.id, reason="needs a lead", details="d",
             handler_id=desk.lead.id, now=desk.later(minutes=1))
    said = _customer_writes(desk, case)
    confirm_fixed(desk.uow, desk.lead, case.id, interaction_id=said, now=desk.later(minutes=1))
    assert case.status == CaseStatus.RESOLVED
    assert case.confirmation_recorded_by_id == desk.lead.id


def test_the_customers_own_confirmation_needs_no_citation_and_says_so(desk: Desk) -> None:
    case = desk.open()
    confirm_fixed(desk.uow, desk.ann_login, case.id, now=desk.later(minutes=1))
    assert case.status == CaseStatus.RESOLVED and case.confirmed_via == Via.PORTAL
    assert case.confirmation_recorded_by_id is None


def test_a_reply_after_a_recorded_confirmation_reopens_and_clears_it(desk: Desk) -> None:
    case = _worked_case(desk)
    said = _customer_writes(desk, case)
    confirm_fixed(desk.uow, desk.agent, case.id, interaction_id=said, now=desk.later(minutes=1))
    _customer_writes(desk, case, "Sorry, it stopped again")
    assert case.status == CaseStatus.OPEN and case.reopened_at is not None
    assert (case.confirmed_via, case.confirmation_recorded_by_id,
            case.confirmation_interaction_id) == (None, None, None)
    assert "reopening" in _refusal(desk, case, interaction_id=said).fields["interaction_id"]


def _at(desk: Desk) -> datetime:
    return desk.later(minutes=1)


def test_resolve_for_a_customer_link_records_the_way_it_came(desk: Desk) -> None:
    case, plain = desk.open(), desk.open()
    for found, via, expected in ((case, "email_link", "email_link"), (plain, None, "customer")):
        found.confirmed_by_customer = True
        resolve(desk.uow, None, found, _at(desk), "confirmed_by_customer", via=via)
        assert found.status == CaseStatus.RESOLVED and found.confirmed_via == expected
        entry = desk.uow.find(AuditEntry, case_id=found.id, action="confirmed_by_customer")[0]
        assert entry.detail["via"] == expected and entry.actor_id is None


def test_resolve_refuses_staff_who_cite_nothing(desk: Desk) -> None:
    case = _worked_case(desk)
    case.confirmed_by_customer = True
    with pytest.raises(AssertionError):
        resolve(desk.uow, desk.agent, case, _at(desk), "confirmed_by_customer", via="portal")


def test_customer_reply_saying_still_broken_sends_an_awaiting_case_back_to_its_owner(
    desk: Desk,
) -> None:
    case = _worked_case(desk)
    request_confirmation(desk.uow, desk.agent, case.id, now=desk.later(minutes=1))
    desk.uow.commit()
    _customer_writes(desk, case, "No, it is still broken. Same problem as before.")
    assert case.status == CaseStatus.OPEN
    assert case.owner_id == desk.agent.id
    actions = [e.action for e in desk.uow.find(AuditEntry, limit=100, case_id=case.id)]
    assert actions[-1] == "not_fixed"


def test_customer_reply_saying_solved_leaves_the_case_awaiting_the_owners_record(
    desk: Desk,
) -> None:
    case = _worked_case(desk)
    request_confirmation(desk.uow, desk.agent, case.id, now=desk.later(minutes=1))
    desk.uow.commit()
    _customer_writes(desk, case, "Yes that fixed it, thanks")
    assert case.status == CaseStatus.AWAITING_CONFIRMATION  # nothing closes on its own
