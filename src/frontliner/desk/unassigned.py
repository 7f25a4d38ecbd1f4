"""Cases waiting for an owner, and how they get one.

A case has exactly one owner until it is resolved, with one exception made explicit:
a case nobody could be given at intake (no agent present, below capacity and with the
skill) waits in Unassigned with no owner. That is audited ("left_unassigned") and lasts
only until someone takes it:

- an agent or lead takes it (`take_case`): one click, it is theirs; an agent needs the
  case's required skill. Two people clicking at once: the first wins, the second gets a
  Conflict (the case's version moved on) and nothing changes for them;
- a lead gives it to a named colleague (`assign_case`), who must be able to sign in. A
  lead may also give away a case they keep for a deactivated colleague ("to reassign").

Any other owned case moves only by a handover its new owner accepts (`ownership`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from frontliner.desk import access
from frontliner.desk.assignment import can_sign_in
from frontliner.desk.audit import record
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.intake import assert_sized
from frontliner.desk.model import Case, Role, User, id_of
from frontliner.desk.ports import UnitOfWork
from frontliner.desk.triage import REPEAT_WINDOW_DAYS

WORKERS = (Role.AGENT, Role.LEAD)


def take_case(
    uow: UnitOfWork,
    actor: User,
    case_id: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """An agent or lead takes an unassigned case: from now on they own it."""
    at = resolve_now(now)
    access.require_role(actor, *WORKERS)
    case = access.load_case(uow, actor, case_id, expected_version)
    access.require_unresolved(case)
    if case.owner_id is not None:
        raise Conflict(f"Case {case.ref} already has an owner.", {"owner_id": case.owner_id})
    skill = case.required_skill
    if actor.role == Role.AGENT and skill and skill not in actor.skills:
        raise Forbidden(f"Case {case.ref} needs the skill '{skill}'; ask a lead to assign it.",
                        {"required_skill": skill})
    _give(uow, case, actor, at)
    record(uow, case, "taken", actor, at, to_owner_id=actor.id)
    return case


def assign_case(
    uow: UnitOfWork,
    actor: User,
    case_id: int,
    to_user_id: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """A lead gives an unassigned case (or one kept "to reassign") to a named colleague.
    A colleague without the case's skill may get it; triage then sizes it big."""
    at = resolve_now(now)
    access.require_authority(actor)
    case = access.load_case(uow, actor, case_id, expected_version)
    access.require_unresolved(case)
    if case.owner_id is not None and case.returned_from_id is None:
        raise Conflict(f"Case {case.ref} has an owner; ownership moves by a handover they "
                       "offer.", {"owner_id": case.owner_id})
    target = uow.get(User, to_user_id)
    if target is None or target.role not in WORKERS or not can_sign_in(target):
        raise Invalid("A case can be given only to an active agent or lead who can sign in.",
                      {"to_user_id": "not an agent or lead who can sign in"})
    previous, kept_for = case.owner_id, case.returned_from_id
    _give(uow, case, target, at)
    record(uow, case, "assigned", actor, at, from_owner_id=previous, to_owner_id=target.id,
           returned_from_id=kept_for)
    return case


def _give(uow: UnitOfWork, case: Case, owner: User, at: datetime) -> None:
    """Make `owner` the owner, with the case's follow-ups, and size it for them."""
    case.owner_id = id_of(owner)
    case.returned_from_id = None
    for follow_up in uow.open_follow_ups(id_of(case)):
        follow_up.owner_id = id_of(owner)
    recent = uow.cases_opened_since(case.customer_id,
                                    case.opened_at - timedelta(days=REPEAT_WINDOW_DAYS))
    assert_sized(uow, case, owner, 0, recent_cases=max(recent, 1))
    case.updated_at = at
