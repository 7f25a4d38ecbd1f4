"""Escalation: a big problem goes to a handler with the authority or the skill, with the
facts gathered (date, time, details, the people involved). The owner stays the owner
and follows up on a schedule until the customer confirms the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from frontliner.desk import access
from frontliner.desk.audit import record, transition
from frontliner.desk.clock import add_working_days, resolve_now
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.intake import check_people
from frontliner.desk.model import (
    Case,
    CaseStatus,
    Escalation,
    FollowUp,
    Role,
    Size,
    User,
    id_of,
)
from frontliner.desk.ports import UnitOfWork

FIRST_FOLLOW_UP_WORKING_DAYS = 1  # the next working day
FOLLOW_UP_EVERY_WORKING_DAYS = 2  # then every two working days until confirmed


def escalate(
    uow: UnitOfWork,
    actor: User,
    case_id: int,
    reason: str,
    details: str,
    handler_id: int | None = None,
    people_involved: Sequence[Mapping[str, str]] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Escalation:
    """Pass the case to a handler. Without `handler_id` the least-loaded colleague with
    the needed skill, else a lead, is named. The owner gets a follow-up due next working
    day."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id, expected_version)
    access.require_owner(actor, case)
    access.require_unresolved(case)
    if case.status == CaseStatus.ESCALATED:
        raise Conflict(f"Case {case.ref} is already escalated.", {"handler_id": case.handler_id})
    # Everything is checked before anything changes: a refusal leaves the case as it was.
    people = case.people_involved if people_involved is None else check_people(people_involved)
    _require_facts(case, people, reason, details)
    handler = _choose_handler(uow, actor, case, handler_id)
    case.people_involved = people
    if case.status == CaseStatus.NEW:
        transition(uow, case, CaseStatus.OPEN, actor, at, "acknowledged")
    escalation = Escalation(case_id=id_of(case), handler_id=id_of(handler),
                            escalated_by_id=id_of(actor), at=at, reason=reason.strip(),
                            facts=_facts(case, details, at))
    uow.add(escalation)
    uow.flush()
    case.handler_id = handler.id
    transition(uow, case, CaseStatus.ESCALATED, actor, at, "escalated",
               escalation_id=escalation.id, handler_id=handler.id, reason=escalation.reason)
    if not uow.open_follow_ups(id_of(case)):
        schedule_follow_up(uow, actor, case, add_working_days(at, FIRST_FOLLOW_UP_WORKING_DAYS),
                           at, "check with the handler and the customer")
    return escalation


def hand_back(
    uow: UnitOfWork,
    actor: User,
    case_id: int,
    note: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Escalation:
    """The handler (or a lead) reports what they did and gives the case back to the
    owner, who asks the customer to confirm. Follow-ups continue until they do.

    The case has no handler afterwards: who handled it stays in the escalation row, and
    the note (with who wrote it) in the audit entry, which is what tells the owner."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id, expected_version)
    if case.status != CaseStatus.ESCALATED:
        raise Conflict(f"Case {case.ref} is not escalated.", {"status": case.status.value})
    if actor.id != case.handler_id and not access.has_authority(actor):
        raise Forbidden("Only the handler or a lead may hand an escalation back.")
    if not note.strip():
        raise Invalid.missing({"note": "what was done, for the owner"})
    escalation = _open_escalation(uow, case)
    escalation.resolved_at = at
    case.handler_id = None
    transition(uow, case, CaseStatus.OPEN, actor, at, "handed_back",
               escalation_id=escalation.id, note=note.strip(),
               handler_id=escalation.handler_id, owner_id=case.owner_id)
    return escalation


def complete_follow_up(
    uow: UnitOfWork,
    actor: User,
    follow_up_id: int,
    note: str = "",
    now: datetime | None = None,
) -> FollowUp:
    """The owner did a follow-up; while the case is unresolved the next one is due in
    two working days."""
    at = resolve_now(now)
    follow_up = uow.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound(f"No follow-up with id {follow_up_id}.", {"follow_up_id": follow_up_id})
    case = access.load_case(uow, actor, follow_up.case_id)
    if actor.id != follow_up.owner_id:
        raise Forbidden("Only the case's owner does its follow-ups.",
                        {"owner_id": follow_up.owner_id})
    if follow_up.done_at is not None:
        raise Conflict("This follow-up was already done.", {"done_at": str(follow_up.done_at)})
    follow_up.done_at = at
    follow_up.note = note.strip() or follow_up.note
    record(uow, case, "follow_up_done", actor, at, follow_up_id=follow_up.id,
           note=follow_up.note)
    if case.status in access.UNRESOLVED:
        schedule_follow_up(uow, actor, case, add_working_days(at, FOLLOW_UP_EVERY_WORKING_DAYS),
                           at, "follow up until the customer confirms the fix")
    return follow_up


def schedule_follow_up(
    uow: UnitOfWork, actor: User | None, case: Case, due: datetime, at: datetime, note: str
) -> FollowUp:
    assert case.owner_id is not None
    follow_up = FollowUp(case_id=id_of(case), owner_id=case.owner_id, due_at=due, note=note)
    uow.add(follow_up)
    uow.flush()
    record(uow, case, "follow_up_scheduled", actor, at, follow_up_id=follow_up.id,
           due_at=due.isoformat())
    return follow_up


def _require_facts(
    case: Case, people: list[dict[str, str]], reason: str, details: str
) -> None:
    missing: dict[str, str] = {}
    if not reason.strip():
        missing["reason"] = "why it needs someone else"
    if not details.strip():
        missing["details"] = "the details of what happened"
    if case.size == Size.BIG and not people:
        missing["people_involved"] = "the names and contacts of the people involved (big case)"
    if missing:
        raise Invalid.missing(missing)


def _choose_handler(
    uow: UnitOfWork, actor: User, case: Case, handler_id: int | None
) -> User:
    if handler_id is not None:
        handler = uow.get(User, handler_id)
        if handler is None or not handler.active or handler.role == Role.CUSTOMER:
            raise Invalid("The handler must be an active member of staff.",
                          {"handler_id": "not active staff"})
        if handler.id == actor.id:
            raise Invalid("Escalate to someone else; you stay the owner.",
                          {"handler_id": "is the owner"})
        if not _qualified(handler, case):
            raise Invalid(
                f"{handler.name} has neither a lead's authority nor the skill "
                f"'{case.required_skill or 'needed'}'.", {"handler_id": "lacks authority/skill"})
        return handler
    candidates: list[tuple[tuple[Role, ...], str | None]] = [((Role.LEAD,), None),
                                                             ((Role.ADMIN,), None)]
    if case.required_skill:
        candidates.insert(0, ((Role.AGENT, Role.LEAD), case.required_skill))
    for roles, skill in candidates:
        found = uow.least_loaded(roles, skill)
        if found is not None and found.id != actor.id:
            return found
    raise Conflict("Nobody with the needed authority or skill is available to handle this.",
                   {"required_skill": case.required_skill})


def _qualified(handler: User, case: Case) -> bool:
    if handler.role in access.AUTHORITY_ROLES:
        return True
    skill = (case.required_skill or "").lower()
    return bool(skill) and skill in {s.lower() for s in handler.skills}


def _facts(case: Case, details: str, at: datetime) -> dict[str, object]:
    """Everything the handler needs without asking the customer again."""
    return {
        "opened_at": case.opened_at.isoformat(),
        "escalated_at": at.isoformat(),
        "nature": case.nature,
        "details": details.strip(),
        "customer_name": case.contact_name,
        "customer_contact": case.contact_value,
        "people_involved": list(case.people_involved),
        "size_reasons": list(case.size_reasons),
    }


def _open_escalation(uow: UnitOfWork, case: Case) -> Escalation:
    open_ones = uow.find(Escalation, limit=50, case_id=case.id, resolved_at=None)
    if not open_ones:
        raise Conflict(f"Case {case.ref} has no open escalation.")
    return open_ones[-1]

