"""The customer portal: the customer's own cases, their conversation with the desk, and
the customer's say on how it ends (solved or not, and a rating).

A customer sees only their own cases: any other reference is "not found" (the desk's
`access.load_case_by_ref`), never "forbidden", so probing learns nothing. The portal
shows the conversation and the remedies given, never the desk's internal workings
(notes, approvals, escalation facts, the lesson learned).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.desk import access, closing, intake, interactions, recognition
from frontliner.desk.closing import MAX_COMMENT
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.intake import MAX_NATURE
from frontliner.desk.interactions import MAX_BODY
from frontliner.desk.model import (
    Case,
    CaseStatus,
    Channel,
    Contact,
    Customer,
    Direction,
    RemedyStatus,
    User,
)
from frontliner.desk.ports import UnitOfWork
from frontliner.store import lead_queries, queries
from frontliner.web.api.attachments import files_of_case
from frontliner.web.customer_export import export_response
from frontliner.web.deps import UowDep
from frontliner.web.lookup import case_for, case_id, session_of
from frontliner.web.pages.auth import CustomerPageUser
from frontliner.web.pages.lead import done, flash
from frontliner.web.pages.templating import render

router = APIRouter(prefix="/portal")

PAGE_SIZE = 25
CursorQuery = Annotated[str | None, Query(max_length=500)]

# What each status means to the customer, in their words.
STATUS_WORDS: dict[CaseStatus, str] = {
    CaseStatus.NEW: "Received: someone is taking it on",
    CaseStatus.OPEN: "We are working on it",
    CaseStatus.WAITING_ON_CUSTOMER: "Waiting for your reply",
    CaseStatus.ESCALATED: "With a specialist; your contact keeps you posted",
    CaseStatus.AWAITING_CONFIRMATION: "We believe it is fixed: please tell us",
    CaseStatus.RESOLVED: "Solved",
    CaseStatus.CLOSED: "Closed",
}


def _done(request: Request, path: str, message: str) -> RedirectResponse:
    return done(request, path, message)


# --- the list and a new case ---------------------------------------------------------------


@router.get("")
def my_cases(
    request: Request, user: CustomerPageUser, uow: UowDep, cursor: CursorQuery = None
) -> Response:
    filters = queries.CaseFilter(customer_id=user.customer_id or -1)
    found = queries.list_cases(session_of(uow), filters, cursor, PAGE_SIZE)
    context = {"rows": found.items, "next_cursor": found.next_cursor, "words": STATUS_WORDS,
               "done": flash(request)}
    return render(request, "portal/cases.html", context)


@router.get("/export")
def export_my_cases(request: Request, user: CustomerPageUser, uow: UowDep) -> Response:
    """Every case of the customer's, as they see them, as a JSON file (data portability)."""
    if user.customer_id is None:
        raise NotFound("You have no cases with us.")
    customer = access.load_customer(uow, user, user.customer_id)
    return export_response(request, customer, staff=False)


def _own_record(uow: UnitOfWork, user: User) -> tuple[str, str]:
    """The name and primary contact a new case is opened with (the customer's record)."""
    customer = uow.get(Customer, user.customer_id) if user.customer_id else None
    if customer is None:
        return user.name, user.email
    found = uow.find(Contact, limit=20, customer_id=customer.id)
    primary = [c for c in found if c.is_primary] or found
    return customer.name, primary[0].value if primary else user.email


def _new_case_page(
    request: Request, uow: UnitOfWork, user: User, form: dict[str, str],
    error: Invalid | None = None, status_code: int = 200,
) -> Response:
    name, contact = _own_record(uow, user)
    context = {"form": form, "name": name, "contact": contact,
               "error": error.message if error else "",
               "fields": error.fields if error else {}, "max_nature": MAX_NATURE}
    return render(request, "portal/new_case.html", context, status_code=status_code)


@router.get("/cases/new")
def new_case(request: Request, user: CustomerPageUser, uow: UowDep) -> Response:
    return _new_case_page(request, uow, user, {"nature": "", "details": ""})


@router.post("/cases")
def open_case(
    request: Request,
    user: CustomerPageUser,
    uow: UowDep,
    nature: Annotated[str, Form(max_length=MAX_NATURE)] = "",
    details: Annotated[str, Form(max_length=MAX_BODY)] = "",
) -> Response:
    try:
        case = intake.open_case(uow, user, nature=nature, channel=Channel.WEB,
                                message=details or None)
        uow.commit()
    except (Invalid, Conflict, Forbidden) as refused:
        uow.rollback()
        error = refused if isinstance(refused, Invalid) else Invalid(refused.message)
        return _new_case_page(request, uow, user, {"nature": nature, "details": details},
                              error, status_code=422)
    said = ("Your case is open and has an owner." if case.owner_id is not None else
            "Your case is open; the first free member of our team will take it on.")
    return _done(request, f"/portal/cases/{case.ref}", f"Thank you for telling us. {said}")


# --- one case -------------------------------------------------------------------------------


def _case_context(uow: UnitOfWork, case: Case) -> dict[str, Any]:
    session = session_of(uow)
    detail = queries.case_detail(session, case.ref)
    assert detail is not None
    messages = queries.case_interactions(session, case_id(case), None, 200,
                                         include_notes=False).items
    authors = lead_queries.names_of(
        session, [m.author_id for m in messages if m.direction == Direction.OUTBOUND])
    owner = detail.owner.name if detail.owner else ""
    return {
        "case": case, "words": STATUS_WORDS, "owner": owner, "messages": messages,
        "authors": authors, "rating": detail.ratings[0] if detail.ratings else None,
        "remedies": [r for r in detail.remedies if r.status == RemedyStatus.APPLIED],
        "can_confirm": case.status == CaseStatus.AWAITING_CONFIRMATION,
        "can_rate": case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED),
        "max_comment": MAX_COMMENT, "max_kudos": recognition.MAX_MESSAGE,
        "files": files_of_case(session.connection(), case_id(case)),
    }


def _case_page(
    request: Request, uow: UnitOfWork, case: Case, done: str = "",
    problem: dict[str, str] | None = None, status_code: int = 200,
) -> Response:
    context = {**_case_context(uow, case), "done": done, "problem": problem or {}}
    return render(request, "portal/case.html", context, status_code=status_code)


class _NotYours(Exception):
    """Raised inside a view and answered by `_not_found` while the request's unit of work
    is still open (the error page needs the logged-in user, who lives in that session)."""


def _own_case(uow: UnitOfWork, user: User, ref: str) -> Case:
    """The customer's own case; anyone else's (or none) is simply not found."""
    try:
        return case_for(uow, user, ref)
    except NotFound:
        raise _NotYours(ref) from None


def _not_found(request: Request) -> Response:
    message = "We found no case of yours with that reference. Check the link, or open My cases."
    return render(request, "error.html", {"status": 404, "message": message}, status_code=404)


@router.get("/cases/{ref}")
def view_case(request: Request, ref: str, user: CustomerPageUser, uow: UowDep) -> Response:
    try:
        return _case_page(request, uow, _own_case(uow, user, ref), flash(request))
    except _NotYours:
        return _not_found(request)


def _refused(
    request: Request, uow: UnitOfWork, user: User, ref: str, form: str, refused: Exception,
    **typed: str,
) -> Response:
    """Show the case again with the reason and everything the customer typed."""
    uow.rollback()
    message = getattr(refused, "message", str(refused))
    problem = {"form": form, "message": message, **typed}
    return _case_page(request, uow, _own_case(uow, user, ref), problem=problem,
                      status_code=422)


@router.post("/cases/{ref}/reply")
def reply(
    request: Request, ref: str, user: CustomerPageUser, uow: UowDep,
    body: Annotated[str, Form(max_length=MAX_BODY)] = "",
) -> Response:
    try:
        case = _own_case(uow, user, ref)
    except _NotYours:
        return _not_found(request)
    try:
        interactions.record_inbound(uow, user, case_id(case), body, channel=Channel.WEB)
        uow.commit()
    except (Invalid, Conflict, Forbidden) as refused:
        return _refused(request, uow, user, ref, "reply", refused, body=body)
    return _done(request, f"/portal/cases/{ref}", "Thank you: your message is with your contact.")


@router.post("/cases/{ref}/confirm")
def confirm(request: Request, ref: str, user: CustomerPageUser, uow: UowDep) -> Response:
    try:
        case = _own_case(uow, user, ref)
    except _NotYours:
        return _not_found(request)
    try:
        closing.confirm_fixed(uow, user, case_id(case))
        uow.commit()
    except (Invalid, Conflict, Forbidden) as refused:
        return _refused(request, uow, user, ref, "confirm", refused)
    return _done(request, f"/portal/cases/{ref}", "Thank you for confirming: the case is solved.")


@router.post("/cases/{ref}/not-fixed")
def not_fixed(
    request: Request, ref: str, user: CustomerPageUser, uow: UowDep,
    note: Annotated[str, Form(max_length=MAX_BODY)] = "",
) -> Response:
    try:
        case = _own_case(uow, user, ref)
    except _NotYours:
        return _not_found(request)
    try:
        closing.report_not_fixed(uow, user, case_id(case), note)
        if note.strip():  # what is still wrong is part of the conversation
            interactions.record_inbound(uow, user, case_id(case), note, channel=Channel.WEB)
        uow.commit()
    except (Invalid, Conflict, Forbidden) as refused:
        return _refused(request, uow, user, ref, "not-fixed", refused, note=note)
    return _done(request, f"/portal/cases/{ref}",
                 "Thank you for telling us. The case is open again with the same contact.")


@router.post("/cases/{ref}/rating")
def rate(
    request: Request, ref: str, user: CustomerPageUser, uow: UowDep,
    score: Annotated[str, Form(max_length=2)] = "",
    comment: Annotated[str, Form(max_length=MAX_COMMENT)] = "",
) -> Response:
    try:
        case = _own_case(uow, user, ref)
    except _NotYours:
        return _not_found(request)
    try:
        if not score.isdigit():
            raise Invalid("Choose a rating from 1 to 5.", {"score": "1 to 5"})
        closing.rate_satisfaction(uow, user, case_id(case), int(score), comment)
        uow.commit()
    except (Invalid, Conflict, Forbidden) as refused:
        return _refused(request, uow, user, ref, "rating", refused, comment=comment, score=score)
    return _done(request, f"/portal/cases/{ref}", "Thank you for your rating.")


@router.post("/cases/{ref}/kudos")
def thank_owner(
    request: Request, ref: str, user: CustomerPageUser, uow: UowDep,
    message: Annotated[str, Form(max_length=recognition.MAX_MESSAGE)] = "",
) -> Response:
    """The customer thanks the person who looked after their case (their kudos shows on
    that person's page)."""
    try:
        case = _own_case(uow, user, ref)
    except _NotYours:
        return _not_found(request)
    try:
        if case.owner_id is None:
            raise Invalid("This case has nobody to thank yet.", {"to_user_id": "no owner"})
        recognition.give_kudos(uow, user, case.owner_id, message, case_id=case_id(case))
        uow.commit()
    except (Invalid, Conflict, Forbidden) as refused:
        return _refused(request, uow, user, ref, "kudos", refused, kudos=message)
    return _done(request, f"/portal/cases/{ref}", "Thank you: your kind words are passed on.")
