"""Empowerment: what an agent may give a customer without asking, and approvals above it.

Each role has a profile (money per case and per day, extra days, allowed remedy kinds)
and an agent may have a personal override. A remedy within the limits is applied at
once and recorded: the agent never needs to ask, and never needs to fear. Above the
limits it becomes an approval request to a lead, and is NEVER applied until approved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from frontliner.desk import access, bounds
from frontliner.desk.account_audit import record_account
from frontliner.desk.audit import record
from frontliner.desk.clock import resolve_now, start_of_day
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.model import (
    ApprovalRequest,
    ApprovalStatus,
    Case,
    EmpowermentProfile,
    Remedy,
    RemedyKind,
    RemedyStatus,
    Role,
    Size,
    User,
)
from frontliner.desk.ports import UnitOfWork
from frontliner.desk.triage import format_money

_ALL_KINDS = [k.value for k in RemedyKind]
# Used when nobody has stored a profile for the role yet: a working desk out of the box.
DEFAULT_PROFILES: dict[Role, EmpowermentProfile] = {
    Role.AGENT: EmpowermentProfile(
        name="agent (default)", role=Role.AGENT, money_per_case=5_000, money_per_day=20_000,
        extra_days=7,
        remedy_kinds=["credit", "refund", "replacement", "expedite", "waive_fee", "extra_time"],
    ),
    Role.LEAD: EmpowermentProfile(
        name="lead (default)", role=Role.LEAD, money_per_case=50_000, money_per_day=200_000,
        extra_days=30, remedy_kinds=list(_ALL_KINDS),
    ),
    Role.ADMIN: EmpowermentProfile(
        name="admin (default)", role=Role.ADMIN, money_per_case=50_000, money_per_day=200_000,
        extra_days=30, remedy_kinds=list(_ALL_KINDS),
    ),
    Role.CUSTOMER: EmpowermentProfile(name="customer", role=Role.CUSTOMER),
}


def limits_for(uow: UnitOfWork, user: User) -> EmpowermentProfile:
    """The user's own override if any, else their role's stored profile, else the default."""
    return uow.profile_for(user) or DEFAULT_PROFILES[user.role]


def set_profile(
    uow: UnitOfWork,
    actor: User | None,
    *,
    role: Role | None = None,
    user_id: int | None = None,
    money_per_case: int,
    money_per_day: int,
    extra_days: int = 0,
    remedy_kinds: Sequence[str] = (),
    now: datetime | None = None,
) -> EmpowermentProfile:
    """Create or replace a role's profile or one agent's override. Leads set agents'
    limits; only an admin sets the limits of leads and admins."""
    access.require_authority(actor)
    at = resolve_now(now)
    target_role = _profile_target(uow, role, user_id)
    if actor is not None and actor.role == Role.LEAD and target_role != Role.AGENT:
        raise Forbidden("A lead sets agents' limits; an admin sets those of leads and admins.")
    kinds = _check_limits(money_per_case, money_per_day, extra_days, remedy_kinds)
    existing = uow.find(EmpowermentProfile, limit=1, role=role, user_id=user_id)
    profile = existing[0] if existing else EmpowermentProfile(name="", role=role, user_id=user_id)
    profile.name = f"user {user_id}" if user_id is not None else f"{target_role.value}"
    profile.money_per_case, profile.money_per_day = money_per_case, money_per_day
    profile.extra_days, profile.remedy_kinds = extra_days, kinds
    if not existing:
        uow.add(profile)
    uow.flush()
    record_account(uow, "empowerment_set", actor, user_id=user_id, now=at,
                   role=None if role is None else role.value, money_per_case=money_per_case,
                   money_per_day=money_per_day, extra_days=extra_days, remedy_kinds=kinds)
    return profile


def _profile_target(uow: UnitOfWork, role: Role | None, user_id: int | None) -> Role:
    if (role is None) == (user_id is None):
        raise Invalid(
            "Give either a role or a user, not both and not neither.",
            {"role": "role or user_id", "user_id": "role or user_id"},
        )
    if role is not None:
        return role
    assert user_id is not None
    return access.load_user(uow, user_id).role


def _check_limits(
    per_case: int, per_day: int, extra_days: int, kinds: Sequence[str]
) -> list[str]:
    problems: dict[str, str] = {}
    try:
        bounds.check_amounts({"money_per_case": per_case, "money_per_day": per_day},
                             {"extra_days": extra_days})
    except Invalid as error:
        problems |= error.fields
    unknown = [k for k in kinds if k not in _ALL_KINDS]
    if unknown:
        problems["remedy_kinds"] = f"unknown kinds {unknown}; known: {_ALL_KINDS}"
    if problems:
        raise Invalid("The empowerment limits are not valid.", problems)
    return list(dict.fromkeys(kinds))


def apply_remedy(
    uow: UnitOfWork,
    actor: User,
    case_id: int,
    kind: RemedyKind | str,
    amount: int = 0,
    days: int = 0,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Remedy:
    """Give the customer a remedy. Within the actor's limits it is APPLIED at once;
    above them it waits as PENDING_APPROVAL with an approval request naming the limit."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id, expected_version)
    access.require_works_case(actor, case)
    access.require_unresolved(case)
    remedy_kind = _remedy_kind(kind)
    bounds.check_amounts({"amount": amount}, {"days": days})
    assert case.id is not None and actor.id is not None
    remedy = Remedy(case_id=case.id, kind=remedy_kind, requested_by_id=actor.id,
                    requested_at=at, amount=amount, days=days, note=note.strip())
    over = limits_exceeded(uow, actor, case, remedy, at)
    uow.add(remedy)
    uow.flush()
    if not over:
        remedy.status, remedy.applied_at = RemedyStatus.APPLIED, at
        record(uow, case, "remedy_applied", actor, at, remedy_id=remedy.id,
               kind=remedy_kind.value, amount=amount, days=days)
        return remedy
    _request_approval(uow, actor, case, remedy, over, at)
    return remedy


def _remedy_kind(kind: RemedyKind | str) -> RemedyKind:
    try:
        return RemedyKind(kind)
    except ValueError:
        raise Invalid(f"Unknown remedy kind {kind!r}.",
                      {"kind": f"one of {_ALL_KINDS}"}) from None


def limits_exceeded(
    uow: UnitOfWork, actor: User, case: Case, remedy: Remedy, at: datetime
) -> list[str]:
    """Each limit this remedy would break, in words; empty when it is within them all."""
    assert case.id is not None and actor.id is not None
    profile = limits_for(uow, actor)
    over: list[str] = []
    if remedy.kind.value not in profile.remedy_kinds:
        over.append(f"a {remedy.kind.value} is not among the remedies {actor.name} may give")
    on_case = uow.money_given_on_case(case.id)
    if remedy.amount and on_case + remedy.amount > profile.money_per_case:
        over.append(
            f"{format_money(remedy.amount)} with {format_money(on_case)} already given on "
            f"this case is above the per-case limit of {format_money(profile.money_per_case)}"
        )
    today = uow.money_given_since(actor.id, start_of_day(at))
    if remedy.amount and today + remedy.amount > profile.money_per_day:
        over.append(
            f"{format_money(remedy.amount)} with {format_money(today)} already given today "
            f"is above the daily limit of {format_money(profile.money_per_day)}"
        )
    if remedy.days > profile.extra_days:
        over.append(f"{remedy.days} extra days is above the limit of {profile.extra_days}")
    return over


def _request_approval(
    uow: UnitOfWork, actor: User, case: Case, remedy: Remedy, over: list[str], at: datetime
) -> ApprovalRequest:
    assert case.id is not None and remedy.id is not None and actor.id is not None
    reason = "; ".join(over)
    approval = ApprovalRequest(case_id=case.id, remedy_id=remedy.id, requested_by_id=actor.id,
                               created_at=at, reason=reason)
    uow.add(approval)
    uow.flush()
    # Needing a lead's authority is what makes a problem big.
    case.size = Size.BIG
    why = f"a remedy needs a lead's approval: {reason}"
    if why not in case.size_reasons:
        case.size_reasons = [*case.size_reasons, why]
    record(uow, case, "approval_requested", actor, at, remedy_id=remedy.id,
           approval_id=approval.id, reason=reason, amount=remedy.amount)
    return approval


def decide_approval(
    uow: UnitOfWork,
    actor: User,
    approval_id: int,
    approve: bool,
    note: str = "",
    now: datetime | None = None,
) -> ApprovalRequest:
    """A lead approves (the remedy is applied now) or declines with a note saying why."""
    at = resolve_now(now)
    access.require_authority(actor)
    approval = uow.get(ApprovalRequest, approval_id)
    if approval is None:
        raise NotFound(f"No approval request with id {approval_id}.")
    if approval.status != ApprovalStatus.PENDING:
        raise Conflict(f"This approval request was already {approval.status.value}.",
                       {"status": approval.status.value})
    if approval.requested_by_id == actor.id:
        raise Forbidden("Someone else must decide on a remedy you asked for yourself.")
    if not approve and not note.strip():
        raise Invalid.missing({"note": "a note telling the agent why it is declined"})
    case = access.load_case(uow, actor, approval.case_id)
    remedy = uow.get(Remedy, approval.remedy_id)
    assert remedy is not None, "an approval request always names its remedy"
    approval.decided_by_id, approval.decided_at, approval.note = actor.id, at, note.strip()
    if approve:
        approval.status = ApprovalStatus.APPROVED
        remedy.status, remedy.applied_at = RemedyStatus.APPLIED, at
    else:
        approval.status = ApprovalStatus.DECLINED
        remedy.status = RemedyStatus.DECLINED
    record(uow, case, f"approval_{approval.status.value}", actor, at, approval_id=approval.id,
           remedy_id=remedy.id, note=approval.note, requested_by_id=approval.requested_by_id)
    return approval
