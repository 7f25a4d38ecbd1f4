"""Events for the outside world (webhooks), written in the same transaction as the change.

Every case change already leaves an audit entry (`audit.record`), whichever channel or
process caused it; `audit.record` hands each entry to `from_audit`, which turns the ones
other tools care about into a `DeskEvent` row. The fire log has no case, so its two
operations call `emit` themselves. Because the event row commits (or rolls back) with the
change, no change is announced that did not happen and none that did is missed; the
worker fans each event out to the subscriptions later (`channels/webhooks/`).

The `data` of an event is a snapshot taken when it happened: what a subscriber reads is
what was true then, even if the delivery is retried a day later.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from frontliner.desk.model import (
    ApprovalRequest,
    AuditEntry,
    Case,
    CaseStatus,
    Fire,
    Interaction,
    Remedy,
)
from frontliner.desk.ports import UnitOfWork

EVENT_TYPES: tuple[str, ...] = (
    "case.opened",
    "message.received",
    "message.sent",
    "case.awaiting_confirmation",
    "case.confirmed",
    "case.reopened",
    "case.closed",
    "escalation.opened",
    "escalation.handed_back",
    "approval.requested",
    "approval.decided",
    "fire.opened",
    "fire.fixed",
    "csat.received",
)

# Audit actions that are events whatever the status did.
_BY_ACTION = {
    "opened": "case.opened",
    "message_received": "message.received",
    "reply_sent": "message.sent",
    "escalated": "escalation.opened",
    "handed_back": "escalation.handed_back",
    "approval_requested": "approval.requested",
    "approval_approved": "approval.decided",
    "approval_declined": "approval.decided",
    "rated": "csat.received",
}
# Status moves that are events, whichever operation made them.
_ANSWERED = {CaseStatus.AWAITING_CONFIRMATION.value, CaseStatus.RESOLVED.value,
             CaseStatus.CLOSED.value}


@dataclass(eq=False)
class DeskEvent:
    """One thing that happened, waiting to be sent to the subscriptions that want it."""

    public_id: str  # "evt_..." : what subscribers see, stable across retries
    type: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    case_id: int | None = None
    dispatched_at: datetime | None = None  # fanned out to the subscriptions
    id: int | None = None


def new_event_id() -> str:
    return "evt_" + secrets.token_hex(12)


def emit(uow: UnitOfWork, type_: str, at: datetime, data: dict[str, Any],
         case_id: int | None = None) -> DeskEvent:
    """Stage one event in the caller's transaction."""
    event = new_event(type_, at, data, case_id)
    uow.add(event)
    return event


def new_event(type_: str, at: datetime, data: dict[str, Any],
              case_id: int | None = None) -> DeskEvent:
    assert type_ in EVENT_TYPES, f"unknown event type {type_}"
    return DeskEvent(public_id=new_event_id(), type=type_, at=at, data=data, case_id=case_id)


def event_types_for(entry: AuditEntry) -> list[str]:
    """Which events an audit entry is (most are none; a transition may be one)."""
    found = [_BY_ACTION[entry.action]] if entry.action in _BY_ACTION else []
    to, before = entry.detail.get("to"), entry.detail.get("from")
    if to == CaseStatus.AWAITING_CONFIRMATION.value:
        found.append("case.awaiting_confirmation")
    elif to == CaseStatus.RESOLVED.value and "via" in entry.detail:
        found.append("case.confirmed")  # a signed exception confirms nothing
    elif to == CaseStatus.CLOSED.value:
        found.append("case.closed")
    elif to == CaseStatus.OPEN.value and before in _ANSWERED:
        found.append("case.reopened")
    return found


def from_audit(uow: UnitOfWork, case: Case, entry: AuditEntry) -> None:
    """Emit the events an audit entry stands for, with their data."""
    for event in for_audit(uow, case, entry):
        uow.add(event)


def for_audit(uow: UnitOfWork, case: Case, entry: AuditEntry) -> list[DeskEvent]:
    """The events an audit entry stands for, with their data, not yet staged."""
    found = []
    for type_ in event_types_for(entry):
        data: dict[str, Any] = {"case": case_data(case), "actor_id": entry.actor_id}
        data.update(_details(uow, type_, entry))
        found.append(new_event(type_, entry.at, data, case_id=case.id))
    return found


def case_data(case: Case) -> dict[str, Any]:
    return {
        "id": case.id, "ref": case.ref, "subject": case.nature, "status": case.status.value,
        "channel": case.channel.value, "size": case.size.value,
        "customer_id": case.customer_id, "owner_id": case.owner_id,
        "handler_id": case.handler_id, "opened_at": _iso(case.opened_at),
    }


def fire_data(fire: Fire) -> dict[str, Any]:
    return {"fire": {"id": fire.id, "title": fire.title, "fixed_for_good": fire.fixed_for_good,
                     "fix": fire.fix or None, "fixed_by_id": fire.fixed_by_id,
                     "created_at": _iso(fire.created_at), "fixed_at": _iso(fire.fixed_at)}}


def _details(uow: UnitOfWork, type_: str, entry: AuditEntry) -> dict[str, Any]:
    detail: dict[str, Any] = entry.detail
    data: dict[str, Any] = {}
    if "to" in detail:
        data["status_change"] = {key: detail[key] for key in ("from", "to", "via")
                                 if key in detail}
    if type_.startswith("message."):
        data["message"] = _message(uow, detail.get("interaction_id"))
    elif type_.startswith("approval."):
        data["approval"] = _approval(uow, detail.get("approval_id"))
    elif type_.startswith("escalation."):
        data["escalation"] = {key: detail.get(key) for key in ("escalation_id", "handler_id",
                                                              "reason", "note")
                              if key in detail}
    elif type_ == "csat.received":
        data["rating"] = {"score": detail.get("score"),
                          "by_customer": bool(detail.get("by_customer", False))}
    return data


def _message(uow: UnitOfWork, interaction_id: int | None) -> dict[str, Any] | None:
    message = None if interaction_id is None else uow.get(Interaction, interaction_id)
    if message is None:
        return None
    return {"id": message.id, "at": _iso(message.at), "channel": message.channel.value,
            "direction": message.direction.value, "author_id": message.author_id,
            "body": message.body}


def _approval(uow: UnitOfWork, approval_id: int | None) -> dict[str, Any] | None:
    approval = None if approval_id is None else uow.get(ApprovalRequest, approval_id)
    if approval is None:
        return None
    remedy = uow.get(Remedy, approval.remedy_id)
    return {"id": approval.id, "status": approval.status.value, "reason": approval.reason,
            "requested_by_id": approval.requested_by_id,
            "decided_by_id": approval.decided_by_id, "note": approval.note or None,
            "remedy": None if remedy is None else {
                "id": remedy.id, "kind": remedy.kind.value, "amount_cents": remedy.amount,
                "days": remedy.days, "note": remedy.note}}


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()
