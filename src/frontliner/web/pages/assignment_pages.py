"""Assignment in the pages: the presence control in the header, taking an unassigned
case, and the lead console's Unassigned section (count, age, assign to a colleague, the
cases kept "to reassign", who is on the desk) and a colleague's capacity.

Each view calls ONE desk operation (desk/presence.py, desk/unassigned.py) and redirects;
a refusal comes back as a notice on the page the person was on, nothing lost.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.desk import assignment, presence, unassigned
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.model import Role, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store import assignment_queries
from frontliner.web.deps import UowDep
from frontliner.web.lookup import case_for, case_id, session_of
from frontliner.web.pages.auth import LeadPageUser, StaffPageUser, safe_next
from frontliner.web.pages.lead import console, done, flash
from frontliner.web.pages.templating import render
from frontliner.web.schemas.bounds import Id

router = APIRouter()

PAGE_SIZE = 25
FLASH = "flash"  # the session key the case and console pages show once
Refused = (Conflict, Forbidden, Invalid, NotFound)


def _version(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


@router.post("/work/presence")
def set_presence(
    request: Request,
    user: StaffPageUser,
    uow: UowDep,
    presence_: Annotated[str, Form(alias="presence", max_length=20)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The header's control: available, away or offline."""
    back = safe_next(next, "/work")
    try:
        presence.set_presence(uow, user, presence_)
        uow.commit()
    except Refused as refused:
        uow.rollback()
        request.session[FLASH] = refused.message
        return RedirectResponse(back, status_code=303)
    return RedirectResponse(back, status_code=303)  # the control itself shows the new state


@router.post("/work/cases/{ref}/take")
def take(
    request: Request, ref: str, user: StaffPageUser, uow: UowDep,
    version: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """One click: the unassigned case is yours. Someone faster wins; you are told."""
    try:
        case = case_for(uow, user, ref)
        unassigned.take_case(uow, user, case_id(case), expected_version=_version(version))
        uow.commit()
    except Conflict:
        uow.rollback()
        request.session[FLASH] = ("Someone else took this case first, or it changed: "
                                  "look at it again.")
        return RedirectResponse(f"/work/cases/{ref}", status_code=303)
    except Refused as refused:
        uow.rollback()
        request.session[FLASH] = refused.message
        return RedirectResponse(f"/work/cases/{ref}", status_code=303)
    request.session[FLASH] = "The case is yours now."
    return RedirectResponse(f"/work/cases/{ref}", status_code=303)


# --- the lead console ------------------------------------------------------------------


def _agents(uow: UnitOfWork) -> list[dict[str, Any]]:
    desk_rules, now = assignment.rules(uow), datetime.now(UTC)
    rows = assignment_queries.staff_on_desk(session_of(uow), uow, (Role.AGENT, Role.LEAD))
    return [{"user": r.user, "open_cases": r.open_cases,
             "can_sign_in": assignment.can_sign_in(r.user),
             "effective": assignment.present(r.user, now, desk_rules.idle_minutes).value,
             "capacity": assignment.capacity_of(r.user, desk_rules)} for r in rows]


def _unassigned_page(
    request: Request, uow: UnitOfWork, user: User, cursor: str | None,
    done_message: str = "", problem: dict[str, Any] | None = None, status_code: int = 200,
) -> Response:
    session = session_of(uow)
    waiting = assignment_queries.list_unassigned(session, cursor, PAGE_SIZE)
    kept = assignment_queries.list_to_reassign(session, None, PAGE_SIZE)
    context = {**console(uow, user, "unassigned"), "rows": waiting.items,
               "next_cursor": waiting.next_cursor, "kept": kept.items,
               "agents": _agents(uow), "rules": assignment.rules(uow),
               "now": datetime.now(UTC), "done": done_message, "problem": problem or {}}
    return render(request, "lead/unassigned.html", context, status_code=status_code)


@router.get("/lead/unassigned")
def unassigned_page(
    request: Request, user: LeadPageUser, uow: UowDep, cursor: str | None = None
) -> Response:
    return _unassigned_page(request, uow, user, cursor, flash(request))


@router.post("/lead/cases/{ref}/assign")
def assign(
    request: Request, ref: str, user: LeadPageUser, uow: UowDep,
    to_user_id: Annotated[str, Form(max_length=12)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    try:
        if not to_user_id.isdigit():
            raise Invalid("Choose who will own the case.", {"to_user_id": "choose"})
        case = case_for(uow, user, ref)
        unassigned.assign_case(uow, user, case_id(case), int(to_user_id),
                               expected_version=_version(version))
        uow.commit()
    except Refused as refused:
        uow.rollback()
        problem = {"ref": ref, "to_user_id": to_user_id, "message": refused.message}
        return _unassigned_page(request, uow, user, None, problem=problem, status_code=422)
    name = next((a["user"].name for a in _agents(uow) if str(a["user"].id) == to_user_id), "")
    return done(request, "/lead/unassigned", f"Case {ref} now belongs to {name}.")


@router.post("/lead/team/{user_id}/capacity")
def set_capacity(
    request: Request, user_id: Id, user: LeadPageUser, uow: UowDep,
    capacity: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """A colleague's most open cases from automatic assignment (empty: the default)."""
    typed = capacity.strip()
    try:
        if typed and not typed.isdigit():
            raise Invalid("Capacity is a whole number of open cases, or empty for the "
                          "desk's default.", {"capacity": "a whole number"})
        changed = presence.set_capacity(uow, user, user_id, int(typed) if typed else None)
        uow.commit()
    except Refused as refused:
        uow.rollback()
        request.session[FLASH] = refused.message
        return RedirectResponse(f"/team/{user_id}#capacity", status_code=303)
    said = "the desk's default" if changed.capacity is None else f"{changed.capacity}"
    request.session[FLASH] = f"{changed.name}'s capacity is now {said}."
    return RedirectResponse(f"/team/{user_id}#capacity", status_code=303)


def colleague_assignment(uow: UnitOfWork, person: User) -> dict[str, Any]:
    """What a colleague's page shows about their assignment (for lead_team.colleague)."""
    desk_rules = assignment.rules(uow)
    load = uow.staff_load([person.id or 0]).get(person.id or 0, 0)
    return {"open_cases": load, "rules": desk_rules,
            "capacity": assignment.capacity_of(person, desk_rules),
            "can_sign_in": assignment.can_sign_in(person),
            "effective": assignment.present(person, datetime.now(UTC),
                                            desk_rules.idle_minutes).value}
