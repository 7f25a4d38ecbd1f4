"""The events webhooks send: each desk operation writes its event in the same unit of
work as the change, with a snapshot of what happened; a change rolled back announces
nothing."""

from __future__ import annotations

from frontliner.desk.closing import (
    close_case,
    confirm_fixed,
    rate_satisfaction,
    report_not_fixed,
    request_confirmation,
    sign_exception,
)
from frontliner.desk.empowerment import apply_remedy, decide_approval, set_profile
from frontliner.desk.escalation import escalate, hand_back
from frontliner.desk.events import EVENT_TYPES, DeskEvent
from frontliner.desk.firelog import mark_fixed_for_good, start_fire
from frontliner.desk.interactions import add_note, record_inbound, record_outbound
from frontliner.desk.model import ApprovalRequest, RemedyKind, Role
from tests.unit.conftest import Desk


def _types(desk: Desk) -> list[str]:
    return [event.type for event in desk.uow.all(DeskEvent)]


def test_a_case_from_first_message_to_closing_emits_every_event_in_order(desk: Desk) -> None:
    set_profile(desk.uow, desk.lead, role=Role.AGENT, money_per_case=1_000,
                money_per_day=1_000, remedy_kinds=["refund"], now=desk.now)
    case = desk.open(message="My kettle stopped working after a week.")
    record_inbound(desk.uow, desk.ann_login, case.id, "Any news?", now=desk.later(minutes=1))
    record_outbound(desk.uow, desk.agent, case.id, "Thank you, Ann: a new one is on its way.",
                    now=desk.later(minutes=2))
    apply_remedy(desk.uow, desk.agent, case.id, RemedyKind.REFUND, amount=5_000,
                 now=desk.later(minutes=3))
    [approval] = desk.uow.all(ApprovalRequest)
    decide_approval(desk.uow, desk.lead, approval.id, approve=True, note="fair",
                    now=desk.later(minutes=4))
    escalate(desk.uow, desk.agent, case.id, reason="needs a technician", details="model K2",
             people_involved=[{"name": "Ann Archer", "contact": "ann@example.com"}],
             now=desk.later(minutes=5))
    hand_back(desk.uow, desk.lead, case.id, note="replaced", now=desk.later(minutes=6))
    request_confirmation(desk.uow, desk.agent, case.id, now=desk.later(minutes=7))
    report_not_fixed(desk.uow, desk.ann_login, case.id, "still cold", now=desk.later(minutes=8))
    request_confirmation(desk.uow, desk.agent, case.id, now=desk.later(minutes=9))
    confirm_fixed(desk.uow, desk.ann_login, case.id, now=desk.later(minutes=10))
    rate_satisfaction(desk.uow, desk.ann_login, case.id, 5, now=desk.later(minutes=11))
    close_case(desk.uow, desk.agent, case.id, now=desk.later(minutes=12))
    fire = start_fire(desk.uow, desk.agent, "Kettles stop heating", now=desk.later(minutes=13))
    mark_fixed_for_good(desk.uow, desk.lead, fire.id, "new thermostat supplier",
                        now=desk.later(minutes=14))
    desk.uow.commit()

    types = _types(desk)
    assert set(types) == set(EVENT_TYPES)
    assert types[:3] == ["case.opened", "message.received", "message.received"]
    assert types.index("case.reopened") < types.index("case.confirmed") < types.index(
        "csat.received") < types.index("case.closed") < types.index("fire.fixed")


def test_event_data_is_a_snapshot_of_what_happened(desk: Desk) -> None:
    case = desk.open(message="My kettle stopped working after a week.")
    reply = record_outbound(desk.uow, desk.agent, case.id, "Thank you, Ann.", now=desk.now)
    desk.uow.commit()
    events = {event.type: event for event in desk.uow.all(DeskEvent)}
    sent = events["message.sent"]
    assert sent.case_id == case.id and sent.at == desk.now
    assert sent.data["case"]["ref"] == case.ref
    assert sent.data["message"] == {"id": reply.id, "at": desk.now.isoformat(),
                                    "channel": "email", "direction": "outbound",
                                    "author_id": desk.agent.id, "body": "Thank you, Ann."}
    assert sent.data["actor_id"] == desk.agent.id
    assert events["case.opened"].data["case"]["status"] == "new"  # as it was then
    assert case.status.value != "new"
    assert all(event.public_id.startswith("evt_") for event in events.values())


def test_internal_notes_and_a_signed_exception_send_no_event(desk: Desk) -> None:
    case = desk.open()
    before = _types(desk)
    add_note(desk.uow, desk.agent, case.id, "customer is a friend of the owner", now=desk.now)
    sign_exception(desk.uow, desk.lead, case.id, "customer unreachable", now=desk.now)
    desk.uow.commit()
    assert _types(desk) == before


def test_a_change_rolled_back_announces_nothing(desk: Desk) -> None:
    case = desk.open()
    before = _types(desk)
    record_outbound(desk.uow, desk.agent, case.id, "Thank you, Ann.", now=desk.now)
    desk.uow.rollback()
    assert _types(desk) == before
