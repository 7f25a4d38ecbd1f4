"""Cases: intake, the list, one case, amending its facts, acknowledging it, its
messages and notes, and its audit trail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response

from frontliner.desk import access, contact_claims, intake, interactions, ownership
from frontliner.desk.model import CaseStatus, Channel, Role, Size
from frontliner.desk.ports import UnitOfWork, UowFactory
from frontliner.store import live_queries, queries
from frontliner.web.deps import CurrentUser, IfMatch, PageDep, StaffUser, UowDep, current_user
from frontliner.web.lookup import (
    case_for,
    case_id,
    json_response,
    render,
    render_page,
    session_of,
    set_etag,
)
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.cases import (
    AuditOut,
    CallIn,
    CaseAmendIn,
    CaseDetailOut,
    CaseIn,
    CaseOut,
    HandBackOut,
    InteractionOut,
    MessageIn,
    NoteBodyIn,
    UnconfirmedContactOut,
)
from frontliner.web.schemas.common import ERRORS, PageOut

router = APIRouter(prefix="/cases", tags=["cases"], responses=ERRORS)


@router.post("", response_model=CaseOut, status_code=201, summary="Open a case (intake)")
def open_case(
    body: CaseIn,
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    # The busiest write of the API on one trip to the thread pool: the unit of work and
    # the caller (the same checks as UowDep and CurrentUser) are taken here instead of
    # by two dependencies, each a hand-off of its own, and the case goes out as JSON at
    # once instead of being validated again against CaseOut on another hand-off. The
    # OpenAPI document and the JSON are the same (tests/integration/test_api_cases.py).
    factory: UowFactory = request.app.state.uow_factory
    with factory() as uow:
        user = current_user(request, uow, authorization)
        case = intake.open_case(
            uow,
            user,
            nature=body.nature,
            customer_name=body.customer_name,
            contact=body.contact,
            channel=body.channel,
            category=body.category,
            required_skill=body.required_skill,
            people_involved=[p.model_dump() for p in body.people_involved],
            remedy_requested=body.remedy_requested,
            message=body.message,
            problem_at=body.problem_at,
        )
        uow.commit()
        return json_response(CaseOut, case, 201, {
            "ETag": f'"{case.version}"', "Location": f"/api/v1/cases/{case.ref}"})


@router.get("", response_model=PageOut[CaseOut], summary="Cases, most recently changed first")
def list_cases(
    user: CurrentUser,
    uow: UowDep,
    page: PageDep,
    status: Annotated[list[CaseStatus] | None, Query()] = None,
    owner_id: Id | None = None,
    handler_id: Id | None = None,
    customer_id: Id | None = None,
    size: Size | None = None,
    fire_id: Id | None = None,
    q: Annotated[str | None, Query(max_length=200, description="words in the nature")] = None,
) -> Any:
    if user.role == Role.CUSTOMER:
        # A customer's list is always their own cases, whatever the filters say.
        customer_id, owner_id, handler_id, fire_id = user.customer_id or -1, None, None, None
    filters = queries.CaseFilter(
        owner_id=owner_id,
        handler_id=handler_id,
        customer_id=customer_id,
        statuses=status,
        size=size,
        fire_id=fire_id,
        search=q,
    )
    found = queries.list_case_rows(session_of(uow), filters, page.cursor, page.limit)
    return render_page(found, CaseOut)


@router.get("/{ref}", response_model=CaseDetailOut, summary="One case with its messages")
def get_case(ref: str, user: CurrentUser, uow: UowDep, response: Response) -> Any:
    case = case_for(uow, user, ref)
    detail = queries.detail_of(session_of(uow), case)
    out = render(CaseDetailOut, detail)
    if user.role == Role.CUSTOMER:
        _customer_view(out)
    else:
        back = live_queries.last_hand_back(session_of(uow), case_id(case), case.owner_id)
        out.last_hand_back = None if back is None else render(HandBackOut, back)
        out.unconfirmed_contact = _unconfirmed(uow, case_id(case))
    set_etag(response, case)
    return out


def _unconfirmed(uow: UnitOfWork, case_id: int) -> UnconfirmedContactOut | None:
    claim = contact_claims.claim_of_case(uow, case_id)
    if claim is None or claim.confirmed_at is not None:
        return None
    return UnconfirmedContactOut(email=claim.email, customer_id=claim.customer_id,
                                 since=claim.created_at)


def _customer_view(out: CaseDetailOut) -> None:
    """What the customer's portal shows: the conversation, the remedies given and the
    ratings; not the desk's internal workings (notes, approvals, escalation facts,
    handovers, follow-up schedule, the lesson learned)."""
    out.interactions = [m for m in out.interactions if m.direction.value != "note"]
    out.remedies = [r for r in out.remedies if r.status.value == "applied"]
    out.approvals, out.escalations, out.open_follow_ups = [], [], []
    out.open_handover = None
    out.case.lesson = None


@router.patch("/{ref}", response_model=CaseOut, summary="Amend the facts triage rests on")
def amend_case(
    ref: str, body: CaseAmendIn, user: StaffUser, uow: UowDep, if_match: IfMatch, response: Response
) -> Any:
    case = case_for(uow, user, ref, if_match)
    people = (
        None if body.people_involved is None else [p.model_dump() for p in body.people_involved]
    )
    case = intake.amend_case(
        uow,
        user,
        case_id(case),
        category=body.category,
        required_skill=body.required_skill,
        people_involved=people,
        expected_version=if_match,
    )
    uow.commit()
    set_etag(response, case)
    return render(CaseOut, case)


@router.post(
    "/{ref}/acknowledge",
    response_model=CaseOut,
    summary="The owner takes in a new case (new -> open)",
)
def acknowledge(
    ref: str, user: CurrentUser, uow: UowDep, if_match: IfMatch, response: Response
) -> Any:
    case = case_for(uow, user, ref, if_match)
    access.require_staff(user)
    case = ownership.acknowledge(uow, user, case_id(case), expected_version=if_match)
    uow.commit()
    set_etag(response, case)
    return render(CaseOut, case)


@router.get(
    "/{ref}/messages",
    response_model=PageOut[InteractionOut],
    summary="The case's messages, oldest first (notes only for staff)",
)
def list_messages(ref: str, user: CurrentUser, uow: UowDep, page: PageDep) -> Any:
    case = case_for(uow, user, ref)
    found = queries.case_interactions(
        session_of(uow), case_id(case), page.cursor, page.limit, include_notes=access.is_staff(user)
    )
    return render_page(found, InteractionOut)


@router.post(
    "/{ref}/messages",
    response_model=InteractionOut,
    status_code=201,
    summary="Add the customer's message (reopens a resolved case) or our reply",
)
def add_message(
    ref: str, body: MessageIn, user: CurrentUser, uow: UowDep, if_match: IfMatch
) -> Any:
    case = case_for(uow, user, ref, if_match)
    if body.direction == "outbound":
        message = interactions.record_outbound(
            uow,
            user,
            case_id(case),
            body.body,
            channel=body.channel or Channel.EMAIL,
            wait_for_reply=body.wait_for_reply,
            override_reason=body.override_reason,
            suggestions_used=body.suggestions_used,
        )
    else:
        message = interactions.record_inbound(
            uow, user, case_id(case), body.body, channel=body.channel or Channel.WEB
        )
    uow.commit()
    return render(InteractionOut, message)


@router.post(
    "/{ref}/notes",
    response_model=InteractionOut,
    status_code=201,
    summary="An internal note (never shown to the customer)",
)
def add_note(ref: str, body: NoteBodyIn, user: CurrentUser, uow: UowDep) -> Any:
    case = case_for(uow, user, ref)
    note = interactions.add_note(uow, user, case_id(case), body.body)
    uow.commit()
    return render(InteractionOut, note)


@router.post(
    "/{ref}/calls",
    response_model=InteractionOut,
    status_code=201,
    summary="Log a phone call: the customer's words as their message (channel phone), "
    "the agent's summary as an internal note (staff)",
)
def log_call(ref: str, body: CallIn, user: CurrentUser, uow: UowDep) -> Any:
    case = case_for(uow, user, ref)
    message = interactions.log_call(uow, user, case_id(case), body.said, body.summary)
    uow.commit()
    return render(InteractionOut, message)


@router.get(
    "/{ref}/audit",
    response_model=PageOut[AuditOut],
    summary="Every change to the case, in order (staff)",
)
def audit_trail(ref: str, user: CurrentUser, uow: UowDep, page: PageDep) -> Any:
    case = case_for(uow, user, ref)
    access.require_staff(user)
    found = queries.audit_trail(session_of(uow), case_id(case), page.cursor, page.limit)
    return render_page(found, AuditOut)
