"""When someone leaves: their work goes back to a lead, never to nobody.

Deactivating a member of staff (`users.deactivate_user`) hands back everything they
held, in the same transaction, each step audited with the reason:

- every unresolved case they own goes to a lead (the least-loaded lead of their team
  who can sign in, else any such lead, else an admin) and is marked "to reassign"
  (`Case.returned_from_id`) until the lead gives it to someone; its follow-ups go along;
- every escalation they handle goes back to a lead as its handler;
- every handover offered to them or by them that nobody answered is withdrawn.

If there is nobody to give the work to, the deactivation is refused and nothing changes.
"""

from __future__ import annotations

from datetime import datetime

from frontliner.desk import access, assignment
from frontliner.desk.audit import record
from frontliner.desk.errors import Conflict
from frontliner.desk.model import (
    Case,
    CaseStatus,
    Escalation,
    Handover,
    HandoverStatus,
    Role,
    User,
    id_of,
)
from frontliner.desk.ports import UnitOfWork

BATCH = 500


def keeper_for(uow: UnitOfWork, team_id: int | None) -> User | None:
    """The lead who takes back work: the least-loaded lead of the team who can sign in,
    else any such lead, else an admin."""
    attempts: list[tuple[tuple[Role, ...], int | None]] = [((Role.LEAD,), None),
                                                            ((Role.ADMIN,), None)]
    if team_id is not None:
        attempts.insert(0, ((Role.LEAD,), team_id))
    for roles, team in attempts:
        found = uow.least_loaded(roles, None, team_id=team, signs_in=True)
        if found is not None:
            return found
    return None


def hand_back_work(uow: UnitOfWork, actor: User | None, user: User, at: datetime) -> None:
    """Give everything `user` held to a lead (see the module's docstring)."""
    reason = f"{user.name}'s account was deactivated"
    _withdraw_handovers(uow, actor, user, at, reason)
    keeper = keeper_for(uow, user.team_id)  # `user` is inactive by now: never themselves
    owned = _owned(uow, user)
    handled = uow.find(Case, limit=1, handler_id=user.id, status=CaseStatus.ESCALATED)
    if keeper is None:
        if owned or handled:
            raise Conflict(f"Nobody can take back {user.name}'s cases: add an active lead "
                           "who can sign in first.", {"reason": "no_lead_available"})
        return
    while owned:
        for case in owned:
            _return_case(uow, actor, case, user, keeper, at, reason)
        owned = _owned(uow, user)
    _return_escalations(uow, actor, user, keeper, at, reason)


def replace_inactive_owner(uow: UnitOfWork, actor: User | None, case: Case, at: datetime) -> None:
    """A case coming back to life whose owner has left gets a present agent, else a lead
    who keeps it to reassign. One that never had an owner gets a present agent, else
    waits in Unassigned again."""
    gone = uow.get(User, case.owner_id) if case.owner_id is not None else None
    if gone is not None and gone.active:
        return
    found = assignment.pick_agent(uow, case.required_skill, at)
    keeper = found or (keeper_for(uow, gone.team_id) if gone is not None else None)
    if keeper is None:
        record(uow, case, "left_unassigned", actor, at, reason="nobody can take it now")
        case.owner_id = None
        return
    why = "the previous owner is inactive" if gone is not None else "it had no owner"
    record(uow, case, "owner_replaced", actor, at, from_owner_id=case.owner_id,
           to_owner_id=keeper.id, reason=why)
    case.returned_from_id = None if found is not None else case.owner_id
    case.owner_id = keeper.id
    for follow_up in uow.open_follow_ups(id_of(case)):
        follow_up.owner_id = id_of(keeper)


def _owned(uow: UnitOfWork, user: User) -> list[Case]:
    found: list[Case] = []
    for status in sorted(access.UNRESOLVED):
        found += uow.find(Case, limit=BATCH, owner_id=user.id, status=status)
    return found


def _return_case(uow: UnitOfWork, actor: User | None, case: Case, user: User, keeper: User,
                 at: datetime, reason: str) -> None:
    case.owner_id, case.returned_from_id = keeper.id, user.id
    for follow_up in uow.open_follow_ups(id_of(case)):
        follow_up.owner_id = id_of(keeper)
    record(uow, case, "returned_to_lead", actor, at, from_owner_id=user.id,
           to_owner_id=keeper.id, reason=reason)


def _return_escalations(uow: UnitOfWork, actor: User | None, user: User, keeper: User,
                        at: datetime, reason: str) -> None:
    while cases := uow.find(Case, limit=BATCH, handler_id=user.id, status=CaseStatus.ESCALATED):
        for case in cases:
            for escalation in uow.find(Escalation, limit=50, case_id=case.id, resolved_at=None):
                escalation.handler_id = id_of(keeper)
            case.handler_id = keeper.id
            record(uow, case, "handler_replaced", actor, at, from_handler_id=user.id,
                   to_handler_id=keeper.id, reason=reason)


def _withdraw_handovers(uow: UnitOfWork, actor: User | None, user: User, at: datetime,
                        reason: str) -> None:
    for side in ("to_user_id", "from_user_id"):
        while offers := uow.find(Handover, limit=BATCH, status=HandoverStatus.OFFERED,
                                 **{side: user.id}):
            for handover in offers:
                handover.status, handover.answered_at = HandoverStatus.WITHDRAWN, at
                case = uow.get(Case, handover.case_id)
                if case is not None:
                    record(uow, case, "handover_withdrawn", actor, at,
                           handover_id=handover.id, reason=reason)
