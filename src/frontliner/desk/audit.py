"""The audit trail: every change to a case leaves an entry (who, when, what, details).

Operations call `record` for each change and `transition` for each status change, so
the lifecycle rules and the trail can never disagree. Entries that other tools care about
also become events for the webhooks (`events.from_audit`), in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from frontliner.desk import events
from frontliner.desk.errors import Conflict
from frontliner.desk.model import AuditEntry, Case, CaseStatus, User
from frontliner.desk.ports import UnitOfWork

S = CaseStatus
# Which status may follow which. RESOLVED is reachable from any unresolved status, but
# only through closing.py, which demands a confirmation or a signed exception.
ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.NEW: frozenset({S.OPEN, S.RESOLVED}),
    S.OPEN: frozenset({S.WAITING_ON_CUSTOMER, S.ESCALATED, S.AWAITING_CONFIRMATION, S.RESOLVED}),
    S.WAITING_ON_CUSTOMER: frozenset({S.OPEN, S.ESCALATED, S.AWAITING_CONFIRMATION, S.RESOLVED}),
    S.ESCALATED: frozenset({S.OPEN, S.AWAITING_CONFIRMATION, S.RESOLVED}),
    S.AWAITING_CONFIRMATION: frozenset({S.OPEN, S.ESCALATED, S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED, S.OPEN}),
    S.CLOSED: frozenset({S.OPEN}),
}

# Back to open from these means the customer said it is not solved, or wrote again.
_ANSWERED = frozenset({S.AWAITING_CONFIRMATION, S.RESOLVED, S.CLOSED})


def actor_id(actor: User | None) -> int | None:
    return None if actor is None else actor.id


def record(
    uow: UnitOfWork,
    case: Case,
    action: str,
    actor: User | None,
    now: datetime,
    **detail: Any,
) -> AuditEntry:
    """Append one audit entry for `case` and mark the case as touched."""
    if case.id is None:
        uow.flush()
    entry = new_entry(case, action, actor, now, **detail)
    uow.add(entry)
    case.updated_at = now
    events.from_audit(uow, case, entry)  # same transaction: no event without its change
    return entry


def new_entry(case: Case, action: str, actor: User | None, now: datetime,
              **detail: Any) -> AuditEntry:
    """An audit entry for `case` (which has its id), not yet staged: for an operation that
    writes its entries and their events in one batch (`write_entries`)."""
    assert case.id is not None, "a case gets its id when flushed"
    return AuditEntry(case_id=case.id, at=now, action=action, actor_id=actor_id(actor),
                      detail=detail)


def write_entries(uow: UnitOfWork, case: Case, entries: list[AuditEntry]) -> None:
    """Write `entries` (made by `new_entry`, at the case's `updated_at`) and the events
    they stand for: one batch of each, in the caller's transaction."""
    staged = [event for entry in entries for event in events.for_audit(uow, case, entry)]
    uow.insert_all(entries)
    uow.insert_all(staged)


def transition(
    uow: UnitOfWork,
    case: Case,
    to: CaseStatus,
    actor: User | None,
    now: datetime,
    action: str,
    **detail: Any,
) -> AuditEntry:
    """Move the case to `to` if the lifecycle allows it, and audit the move."""
    before = case.status
    if to not in ALLOWED[before]:
        raise Conflict(
            f"Case {case.ref} cannot go from {before.value} to {to.value}.",
            {"status": before.value, "wanted": to.value},
        )
    case.status = to
    if to == S.OPEN and before in _ANSWERED:
        case.reopened_at = now  # words from before this confirm nothing any more
    return record(uow, case, action, actor, now, **{"from": before.value, "to": to.value},
                  **detail)
