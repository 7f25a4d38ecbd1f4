"""Ownership: a case that is not resolved has exactly one owner, and it moves only when
the new owner accepts a handover. The owner acknowledges a new case (NEW -> OPEN).
"""

from __future__ import annotations

from datetime import datetime

from frontliner.desk import access
from frontliner.desk.audit import record, transition
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.model import Case, CaseStatus, Handover, HandoverStatus, Role, User, id_of
from frontliner.desk.ports import UnitOfWork


def acknowledge(
    uow: UnitOfWork,
    actor: User,
    case_id: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """The owner takes in a new case: NEW -> OPEN."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id, expected_version)
    access.require_owner(actor, case)
    if case.status != CaseStatus.NEW:
        raise Conflict(f"Case {case.ref} was already acknowledged.", {"status": case.status.value})
    transition(uow, case, CaseStatus.OPEN, actor, at, "acknowledged")
    return case


def offer_handover(
    uow: UnitOfWork,
    actor: User,
    case_id: int,
    to_user_id: int,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Handover:
    """The owner offers the case to a colleague; nothing moves until they accept."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id, expected_version)
    access.require_owner(actor, case)
    access.require_unresolved(case)
    target = uow.get(User, to_user_id)
    if target is None or not target.active or target.role not in (Role.AGENT, Role.LEAD):
        raise Invalid("A case can be handed over only to an active agent or lead.",
                      {"to_user_id": "not an active agent or lead"})
    if target.id == case.owner_id:
        raise Invalid("You already own this case.", {"to_user_id": "is the owner"})
    pending = uow.open_handover(id_of(case))
    if pending is not None:
        raise Conflict(f"Case {case.ref} already has a handover waiting for an answer.",
                       {"handover_id": pending.id, "to_user_id": pending.to_user_id})
    handover = Handover(case_id=id_of(case), from_user_id=id_of(actor), to_user_id=to_user_id,
                        offered_at=at, note=note.strip())
    uow.add(handover)
    uow.flush()
    record(uow, case, "handover_offered", actor, at, handover_id=handover.id,
           to_user_id=to_user_id, note=handover.note)
    return handover


def accept_handover(
    uow: UnitOfWork, actor: User, handover_id: int, now: datetime | None = None
) -> Handover:
    """The named colleague accepts: from now on they own the case and its follow-ups."""
    at = resolve_now(now)
    handover, case = _open_handover_for(uow, actor, handover_id, answering=True)
    previous = case.owner_id
    case.owner_id = actor.id
    handover.status, handover.answered_at = HandoverStatus.ACCEPTED, at
    for follow_up in uow.open_follow_ups(id_of(case)):
        follow_up.owner_id = id_of(actor)
    record(uow, case, "handover_accepted", actor, at, handover_id=handover.id,
           from_owner_id=previous, to_owner_id=actor.id)
    return handover


def decline_handover(
    uow: UnitOfWork, actor: User, handover_id: int, note: str = "",
    now: datetime | None = None,
) -> Handover:
    """The named colleague declines; the owner stays the owner."""
    at = resolve_now(now)
    handover, case = _open_handover_for(uow, actor, handover_id, answering=True)
    handover.status, handover.answered_at = HandoverStatus.DECLINED, at
    handover.note = note.strip() or handover.note
    record(uow, case, "handover_declined", actor, at, handover_id=handover.id,
           note=note.strip())
    return handover


def withdraw_handover(
    uow: UnitOfWork, actor: User, handover_id: int, now: datetime | None = None
) -> Handover:
    """The owner takes back an offer nobody answered yet."""
    at = resolve_now(now)
    handover, case = _open_handover_for(uow, actor, handover_id, answering=False)
    handover.status, handover.answered_at = HandoverStatus.WITHDRAWN, at
    record(uow, case, "handover_withdrawn", actor, at, handover_id=handover.id)
    return handover


def _open_handover_for(
    uow: UnitOfWork, actor: User, handover_id: int, answering: bool
) -> tuple[Handover, Case]:
    access.require_staff(actor)
    handover = uow.get(Handover, handover_id)
    if handover is None:
        raise NotFound(f"No handover with id {handover_id}.", {"handover_id": handover_id})
    case = access.load_case(uow, actor, handover.case_id)
    allowed = handover.to_user_id if answering else handover.from_user_id
    if actor.id != allowed:
        who = "the colleague it was offered to" if answering else "the owner who offered it"
        raise Forbidden(f"Only {who} may do this.", {"user_id": allowed})
    if handover.status != HandoverStatus.OFFERED:
        raise Conflict(f"This handover was already {handover.status.value}.",
                       {"status": handover.status.value})
    if answering and case.owner_id != handover.from_user_id:
        raise Conflict("The case changed owner since this handover was offered.",
                       {"owner_id": case.owner_id})
    access.require_unresolved(case)
    return handover, case

