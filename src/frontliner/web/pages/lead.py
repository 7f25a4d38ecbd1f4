"""The lead console: approvals, escalations and the closing rule.

A lead's day starts here: remedies waiting above an agent's limit (approve, or decline
with a note saying why), escalations handed to them or still open, and cases waiting for
a customer's confirmation that may need an exception signed. Each view is thin: read a
bounded page (`store/lead_queries.py`), or call ONE desk operation and redirect.
The team pages (empowerment, recognition), the fire log and the coach settings live in
`lead_team.py`, `lead_firelog.py` and `lead_coach.py`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.desk import closing, empowerment, escalation
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.model import User
from frontliner.desk.ports import UnitOfWork
from frontliner.store import lead_queries, queries
from frontliner.web.deps import UowDep
from frontliner.web.lookup import case_for, case_id, session_of
from frontliner.web.pages.auth import LeadPageUser
from frontliner.web.pages.fire_context import console_extra
from frontliner.web.pages.templating import render
from frontliner.web.pages.waiting import waiting_context
from frontliner.web.schemas.bounds import Id

router = APIRouter(prefix="/lead")

PAGE_SIZE = 25
SIGNED_SHOWN = 10  # the latest signed exceptions, for accountability
NOTE_MAX = 5_000
CursorQuery = Annotated[str | None, Query(max_length=500)]
FLASH = "flash"  # the session key the agent's case pages use too


def console(uow: UnitOfWork, user: User, section: str) -> dict[str, Any]:
    """What every console page shows around its content: the sections and their counts."""
    assert user.id is not None
    session = session_of(uow)
    counts = lead_queries.console_counts(session, user.id)
    waiting = waiting_context(session)  # the Unassigned queue's count and age, on every page
    every = {**asdict(counts), "unassigned": waiting["waiting"].count}
    return {"section": section, "counts": every, "count_cap": lead_queries.COUNT_CAP,
            **console_extra(uow, user), **waiting}


def done(request: Request, path: str, message: str) -> RedirectResponse:
    """POST -> 303 -> GET; the confirmation rides in the server-side session, never in the
    address, so nobody can craft a link that makes the desk "say" something."""
    request.session[FLASH] = message
    return RedirectResponse(path, status_code=303)


def flash(request: Request) -> str:
    """The confirmation of the form just sent, shown once."""
    message = request.session.pop(FLASH, "")
    return message if isinstance(message, str) else ""


# --- approvals -----------------------------------------------------------------------------


@router.get("")
def home() -> Response:
    return RedirectResponse("/lead/approvals", status_code=303)


def _approvals_page(
    request: Request, uow: UnitOfWork, user: User, cursor: str | None, done_message: str = "",
    problem: dict[str, Any] | None = None, status_code: int = 200,
) -> Response:
    session = session_of(uow)
    queue = lead_queries.approval_queue(session, cursor, PAGE_SIZE)
    context = {
        **console(uow, user, "approvals"), "rows": queue.items, "next_cursor": queue.next_cursor,
        "decided": lead_queries.recent_decisions(session, 10), "done": done_message,
        "problem": problem or {},
    }
    return render(request, "lead/approvals.html", context, status_code=status_code)


@router.get("/approvals")
def approvals(
    request: Request, user: LeadPageUser, uow: UowDep, cursor: CursorQuery = None
) -> Response:
    return _approvals_page(request, uow, user, cursor, flash(request))


@router.post("/approvals/{approval_id}")
def decide(
    request: Request,
    approval_id: Id,
    user: LeadPageUser,
    uow: UowDep,
    decision: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=NOTE_MAX)] = "",
) -> Response:
    if decision not in ("approve", "decline"):
        problem = {"id": approval_id, "note": note, "message": "Choose Approve or Decline."}
        return _approvals_page(request, uow, user, None, problem=problem, status_code=422)
    try:
        approval = empowerment.decide_approval(uow, user, approval_id, decision == "approve",
                                               note)
        uow.commit()
    except (Invalid, Conflict, Forbidden) as refused:
        uow.rollback()
        problem = {"id": approval_id, "note": note, "message": refused.message}
        return _approvals_page(request, uow, user, None, problem=problem, status_code=422)
    row = lead_queries.approval_by_id(session_of(uow), approval.id or 0)
    ref = row.case_ref if row else ""
    verb = "Approved: the remedy is applied" if decision == "approve" else "Declined"
    return done(request, "/lead/approvals", f"{verb} on case {ref}.")


# --- escalations ---------------------------------------------------------------------------


@router.get("/escalations")
def escalations(
    request: Request,
    user: LeadPageUser,
    uow: UowDep,
    scope: Annotated[str, Query(pattern="^(mine|all)$")] = "mine",
    cursor: CursorQuery = None,
) -> Response:
    return _escalations_page(request, uow, user, scope, cursor, flash(request))


def _escalations_page(
    request: Request, uow: UnitOfWork, user: User, scope: str, cursor: str | None,
    done_message: str = "", problem: dict[str, Any] | None = None, status_code: int = 200,
) -> Response:
    session = session_of(uow)
    handler = user.id if scope == "mine" else None
    found = queries.list_escalations(session, handler, True, cursor, PAGE_SIZE)
    people = [(e.escalation.handler_id, e.escalation.escalated_by_id) for e in found.items]
    names = lead_queries.names_of(session, [i for pair in people for i in pair])
    context = {**console(uow, user, "escalations"), "scope": scope, "rows": found.items,
               "next_cursor": found.next_cursor, "names": names, "done": done_message,
               "problem": problem or {}}
    return render(request, "lead/escalations.html", context, status_code=status_code)


@router.post("/escalations/{ref}/hand-back")
def hand_back(
    request: Request,
    ref: str,
    user: LeadPageUser,
    uow: UowDep,
    note: Annotated[str, Form(max_length=NOTE_MAX)] = "",
    scope: Annotated[str, Form(pattern="^(mine|all)$")] = "mine",
) -> Response:
    try:
        case = case_for(uow, user, ref)
        escalation.hand_back(uow, user, case_id(case), note)
        uow.commit()
    except (Invalid, Conflict, Forbidden, NotFound) as refused:
        uow.rollback()
        problem = {"ref": ref, "note": note, "message": refused.message}
        return _escalations_page(request, uow, user, scope, None, problem=problem,
                                 status_code=422)
    return done(request, f"/lead/escalations?scope={scope}",
                f"Case {ref} is back with its owner, who asks the customer to confirm.")


# --- the closing rule ----------------------------------------------------------------------


@router.get("/closing")
def closing_rule(
    request: Request, user: LeadPageUser, uow: UowDep, cursor: CursorQuery = None
) -> Response:
    return _closing_page(request, uow, user, cursor, flash(request))


def _closing_page(
    request: Request, uow: UnitOfWork, user: User, cursor: str | None, done_message: str = "",
    problem: dict[str, Any] | None = None, status_code: int = 200,
) -> Response:
    session = session_of(uow)
    waiting = lead_queries.awaiting_confirmation(session, cursor, PAGE_SIZE)
    signed = lead_queries.exceptions_signed(session, None, SIGNED_SHOWN).items
    names = lead_queries.names_of(
        session, [c.owner_id for c in waiting.items] + [c.exception_by_id for c in signed])
    recorded = lead_queries.recorded_confirmations(session, None, SIGNED_SHOWN).items
    context = {**console(uow, user, "closing"), "rows": waiting.items,
               "next_cursor": waiting.next_cursor, "names": names, "signed": signed,
               "recorded": recorded, "done": done_message, "problem": problem or {}}
    return render(request, "lead/closing.html", context, status_code=status_code)


@router.post("/closing/exception")
def sign_exception(
    request: Request,
    user: LeadPageUser,
    uow: UowDep,
    ref: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=NOTE_MAX)] = "",
) -> Response:
    ref = ref.strip()
    try:
        if not ref:
            raise Invalid.missing({"ref": "the case reference"})
        case = case_for(uow, user, ref)
        closing.sign_exception(uow, user, case_id(case), reason)
        uow.commit()
    except (Invalid, Conflict, Forbidden, NotFound) as refused:
        uow.rollback()
        problem = {"ref": ref, "reason": reason, "message": refused.message}
        return _closing_page(request, uow, user, None, problem=problem, status_code=422)
    return done(request, "/lead/closing", f"Exception signed: case {ref} is resolved.")
