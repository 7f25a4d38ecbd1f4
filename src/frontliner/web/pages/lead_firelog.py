"""The fire log pages: recurring problems, their signed notes, the cases they touched, and
the once-and-for-all fix that credits its author.

Open to all staff (front-liners log fires and sign notes, as the seeds ask); marking a
fire fixed for good is a lead's (the desk refuses anyone else). Leads see it inside the
console, agents in the plain layout.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from frontliner.desk import access, firelog
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.model import Fire, Role, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store import lead_queries, queries
from frontliner.web.deps import UowDep
from frontliner.web.lookup import case_for, case_id, session_of
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.fire_context import suggestions_context
from frontliner.web.pages.lead import console, done, flash
from frontliner.web.pages.templating import render
from frontliner.web.schemas.bounds import Id

router = APIRouter(prefix="/fires")

PAGE_SIZE = 25
TEXT_MAX = 5_000


def _frame(uow: UnitOfWork, user: User) -> dict[str, Any]:
    """Leads get the console around the page; agents the plain layout."""
    if access.has_authority(user):
        return {**console(uow, user, "fires"), "layout": "lead/console.html"}
    return {"layout": "lead/plain.html"}


def _list_page(
    request: Request, uow: UnitOfWork, user: User, q: str, cursor: str | None,
    done_message: str = "", problem: dict[str, Any] | None = None, status_code: int = 200,
) -> Response:
    found = queries.list_fires(session_of(uow), q or None, cursor, PAGE_SIZE)
    context = {**_frame(uow, user), "rows": found.items, "next_cursor": found.next_cursor,
               "q": q, "done": done_message, "problem": problem or {},
               **suggestions_context(uow, user)}
    return render(request, "lead/fires.html", context, status_code=status_code)


@router.get("")
def fires(request: Request, user: StaffPageUser, uow: UowDep,
          q: Annotated[str, Query(max_length=200)] = "",
          cursor: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    return _list_page(request, uow, user, q, cursor, flash(request))


@router.post("")
def start_fire(request: Request, user: StaffPageUser, uow: UowDep,
               title: Annotated[str, Form(max_length=500)] = "") -> Response:
    try:
        fire = firelog.start_fire(uow, user, title)
        uow.commit()
    except (Invalid, Conflict, Forbidden) as refused:
        uow.rollback()
        problem = {"title": title, "message": refused.message,
                   "fire_id": refused.details.get("fire_id")}
        return _list_page(request, uow, user, "", None, problem=problem, status_code=422)
    return done(request, f"/fires/{fire.id}", "Logged in the fire log.")


def _fire_page(
    request: Request, uow: UnitOfWork, user: User, fire: Fire, done_message: str = "",
    problem: dict[str, Any] | None = None, status_code: int = 200,
) -> Response:
    session = session_of(uow)
    assert fire.id is not None
    notes = queries.fire_log_notes(session, fire.id, None, 100).items
    cases = queries.list_cases(session, queries.CaseFilter(fire_id=fire.id), None, PAGE_SIZE)
    staff = [u for role in (Role.AGENT, Role.LEAD)
             for u in queries.list_users(session, role=role, active=True, limit=200).items]
    names = lead_queries.names_of(session, [n.author_id for n in notes] + [fire.fixed_by_id])
    context = {**_frame(uow, user), "fire": fire, "notes": notes, "cases": cases.items,
               "more_cases": cases.next_cursor is not None, "staff": staff, "names": names,
               "is_lead": access.has_authority(user), "done": done_message,
               "problem": problem or {}}
    return render(request, "lead/fire.html", context, status_code=status_code)


def _fire_or_none(uow: UnitOfWork, fire_id: int) -> Fire | None:
    return uow.get(Fire, fire_id)


def _no_fire(request: Request) -> Response:
    message = "There is no fire with that number in the fire log."
    return render(request, "error.html", {"status": 404, "message": message}, status_code=404)


@router.get("/{fire_id}")
def fire_page(request: Request, fire_id: Id, user: StaffPageUser, uow: UowDep) -> Response:
    fire = _fire_or_none(uow, fire_id)
    if fire is None:
        return _no_fire(request)
    return _fire_page(request, uow, user, fire, flash(request))


def _after(
    request: Request, uow: UnitOfWork, user: User, fire_id: int, form: str,
    refused: Exception, **typed: str,
) -> Response:
    uow.rollback()
    fire = _fire_or_none(uow, fire_id)
    if fire is None:
        return _no_fire(request)
    problem = {"form": form, "message": getattr(refused, "message", str(refused)), **typed}
    return _fire_page(request, uow, user, fire, problem=problem, status_code=422)


@router.post("/{fire_id}/notes")
def add_note(
    request: Request, fire_id: Id, user: StaffPageUser, uow: UowDep,
    problem: Annotated[str, Form(max_length=TEXT_MAX)] = "",
    solution: Annotated[str, Form(max_length=TEXT_MAX)] = "",
    case_ref: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        on_case = case_id(case_for(uow, user, case_ref.strip())) if case_ref.strip() else None
        firelog.add_fire_note(uow, user, fire_id, problem, solution, on_case)
        uow.commit()
    except (Invalid, Conflict, Forbidden, NotFound) as refused:
        return _after(request, uow, user, fire_id, "note", refused, note_problem=problem,
                      solution=solution, case_ref=case_ref)
    return done(request, f"/fires/{fire_id}", "Your signed note is in the fire log.")


@router.post("/{fire_id}/cases")
def link_case(
    request: Request, fire_id: Id, user: StaffPageUser, uow: UowDep,
    case_ref: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        if not case_ref.strip():
            raise Invalid.missing({"case_ref": "the case reference"})
        firelog.link_case(uow, user, fire_id, case_id(case_for(uow, user, case_ref.strip())))
        uow.commit()
    except (Invalid, Conflict, Forbidden, NotFound) as refused:
        return _after(request, uow, user, fire_id, "link", refused, case_ref=case_ref)
    return done(request, f"/fires/{fire_id}", f"Case {case_ref.strip()} is linked to this fire.")


@router.post("/{fire_id}/fixed")
def fixed_for_good(
    request: Request, fire_id: Id, user: StaffPageUser, uow: UowDep,
    fix: Annotated[str, Form(max_length=TEXT_MAX)] = "",
    author_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    try:
        author = int(author_id) if author_id.isdigit() else None
        firelog.mark_fixed_for_good(uow, user, fire_id, fix, author)
        uow.commit()
    except (Invalid, Conflict, Forbidden, NotFound) as refused:
        return _after(request, uow, user, fire_id, "fixed", refused, fix=fix,
                      author_id=author_id)
    return done(request, f"/fires/{fire_id}", "Marked fixed for good; its author is credited.")
