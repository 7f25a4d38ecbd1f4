"""The lead console's team pages: empowerment profiles and recognition.

Empowerment: what each role, and each agent who has an override, may give a customer
without asking (money per case and per day, extra days, remedy kinds). Leads set agents'
limits; an admin also those of leads and admins (the desk decides, `set_profile`).
Recognition: leads thank colleagues with kudos; a colleague's page (`/team/{id}`, open to
all staff) shows the kudos and fix credits they received. There is no leaderboard: the
list of colleagues carries no counts and no ranking.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from frontliner.desk import access, empowerment, recognition
from frontliner.desk.empowerment import DEFAULT_PROFILES
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.model import EmpowermentProfile, RemedyKind, Role, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store import lead_queries, queries
from frontliner.web.deps import UowDep
from frontliner.web.lookup import case_for, case_id, session_of
from frontliner.web.pages.assignment_pages import colleague_assignment
from frontliner.web.pages.auth import LeadPageUser, StaffPageUser
from frontliner.web.pages.lead import console, done, flash
from frontliner.web.pages.templating import render
from frontliner.web.schemas.bounds import Id

router = APIRouter()

MAX_PROFILES = 200
MAX_PEOPLE = 200
MONEY = re.compile(r"^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$")
KINDS = [k.value for k in RemedyKind]
EDITABLE_ROLES = (Role.AGENT, Role.LEAD, Role.ADMIN)


def parse_money(text: str, field: str) -> int:
    """"50", "50.5" or "50,50" (the desk's currency) -> cents; anything else is Invalid."""
    match = MONEY.match(text)
    if match is None:
        raise Invalid(f"Write an amount like 50 or 49.99 for {field.replace('_', ' ')}.",
                      {field: "an amount like 50 or 49.99"})
    whole, fraction = match.group(1), (match.group(2) or "0").ljust(2, "0")
    return int(whole) * 100 + int(fraction)


def parse_days(text: str) -> int:
    if not text.strip().isdigit():
        raise Invalid("Extra days is a whole number of days (0 or more).",
                      {"extra_days": "a whole number"})
    return int(text.strip())


# --- empowerment ---------------------------------------------------------------------------


def _staff(uow: UnitOfWork, role: Role) -> list[User]:
    found = queries.list_users(session_of(uow), role=role, active=True, limit=MAX_PEOPLE)
    return list(found.items)


def _empowerment_page(
    request: Request, uow: UnitOfWork, user: User, done_message: str = "",
    problem: dict[str, Any] | None = None, status_code: int = 200,
) -> Response:
    stored = uow.find(EmpowermentProfile, limit=MAX_PROFILES)
    by_role = {p.role: p for p in stored if p.user_id is None and p.role is not None}
    roles = [(role, by_role.get(role) or DEFAULT_PROFILES[role], role in by_role,
              user.role == Role.ADMIN or role == Role.AGENT) for role in EDITABLE_ROLES]
    overrides = [p for p in stored if p.user_id is not None]
    names = lead_queries.names_of(session_of(uow), [p.user_id for p in overrides])
    context = {**console(uow, user, "empowerment"), "roles": roles, "overrides": overrides,
               "names": names, "agents": _staff(uow, Role.AGENT), "kinds": KINDS,
               "done": done_message, "problem": problem or {}}
    return render(request, "lead/empowerment.html", context, status_code=status_code)


@router.get("/lead/empowerment")
def empowerment_profiles(request: Request, user: LeadPageUser, uow: UowDep) -> Response:
    return _empowerment_page(request, uow, user, flash(request))


def _target(text: str) -> tuple[Role | None, int | None]:
    """"role:agent" or "user:12" (the form's target field)."""
    kind, _, value = text.partition(":")
    if kind == "role" and value in {r.value for r in EDITABLE_ROLES}:
        return Role(value), None
    if kind == "user" and value.isdigit():
        return None, int(value)
    raise Invalid("Choose whose limits these are.", {"target": "a role or an agent"})


@router.post("/lead/empowerment")
def set_profile(
    request: Request,
    user: LeadPageUser,
    uow: UowDep,
    target: Annotated[str, Form(max_length=40)] = "",
    money_per_case: Annotated[str, Form(max_length=20)] = "",
    money_per_day: Annotated[str, Form(max_length=20)] = "",
    extra_days: Annotated[str, Form(max_length=10)] = "",
    kinds: Annotated[list[str] | None, Form(max_length=40)] = None,
) -> Response:
    typed = {"target": target, "money_per_case": money_per_case,
             "money_per_day": money_per_day, "extra_days": extra_days, "kinds": kinds or []}
    try:
        role, user_id = _target(target)
        profile = empowerment.set_profile(
            uow, user, role=role, user_id=user_id,
            money_per_case=parse_money(money_per_case, "money_per_case"),
            money_per_day=parse_money(money_per_day, "money_per_day"),
            extra_days=parse_days(extra_days), remedy_kinds=kinds or [])
        uow.commit()
    except (Invalid, Forbidden, NotFound) as refused:
        uow.rollback()
        problem = {**typed, "message": refused.message}
        return _empowerment_page(request, uow, user, problem=problem, status_code=422)
    who = profile.role.value + "s" if profile.role else f"agent {profile.user_id}"
    if profile.user_id is not None:
        who = lead_queries.names_of(session_of(uow), [profile.user_id]).get(profile.user_id, who)
    return done(request, "/lead/empowerment", f"Saved the limits for {who}.")


# --- recognition ---------------------------------------------------------------------------


def _recognition_page(
    request: Request, uow: UnitOfWork, user: User, done_message: str = "",
    problem: dict[str, Any] | None = None, status_code: int = 200,
) -> Response:
    colleagues = [u for u in _staff(uow, Role.AGENT) + _staff(uow, Role.LEAD) if u.id != user.id]
    colleagues.sort(key=lambda u: u.name.lower())
    context = {**console(uow, user, "recognition"), "colleagues": colleagues,
               "done": done_message, "problem": problem or {}}
    return render(request, "lead/recognition.html", context, status_code=status_code)


@router.get("/lead/recognition")
def recognition_page(request: Request, user: LeadPageUser, uow: UowDep) -> Response:
    return _recognition_page(request, uow, user, flash(request))


@router.post("/lead/kudos")
def give_kudos(
    request: Request,
    user: LeadPageUser,
    uow: UowDep,
    to_user_id: Annotated[str, Form(max_length=12)] = "",
    message: Annotated[str, Form(max_length=recognition.MAX_MESSAGE)] = "",
    case_ref: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    typed = {"to_user_id": to_user_id, "message": message, "case_ref": case_ref}
    try:
        if not to_user_id.isdigit():
            raise Invalid("Choose the colleague you are thanking.", {"to_user_id": "choose"})
        on_case = case_id(case_for(uow, user, case_ref.strip())) if case_ref.strip() else None
        kudos = recognition.give_kudos(uow, user, int(to_user_id), message, case_id=on_case)
        uow.commit()
    except (Invalid, Forbidden, NotFound, Conflict) as refused:
        uow.rollback()
        problem = {**typed, "message_error": refused.message}
        return _recognition_page(request, uow, user, problem=problem, status_code=422)
    name = lead_queries.names_of(session_of(uow), [kudos.to_user_id]).get(kudos.to_user_id, "")
    return done(request, "/lead/recognition", f"Kudos sent to {name}.")


@router.get("/team/{user_id}")
def colleague(
    request: Request,
    user_id: Id,
    user: StaffPageUser,
    uow: UowDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """A colleague's page: the kudos and fix credits they received, newest first."""
    try:
        person = access.load_user(uow, user_id)
    except NotFound:
        person = None
    if person is None or person.role == Role.CUSTOMER:
        message = "There is no colleague with that number."
        return render(request, "error.html", {"status": 404, "message": message},
                      status_code=404)
    found = queries.kudos_for(session_of(uow), user_id, cursor, 25)
    names = lead_queries.names_of(session_of(uow), [k.from_user_id for k in found.items])
    context = {"person": person, "rows": found.items, "next_cursor": found.next_cursor,
               "names": names, "limits": empowerment.limits_for(uow, person),
               "assignment": colleague_assignment(uow, person), "flash": flash(request),
               "can_set_capacity": user.role == Role.ADMIN
               or (user.role == Role.LEAD and person.role == Role.AGENT)}
    return render(request, "lead/colleague.html", context)
