"""Handovers: ownership moves only when the colleague it is offered to accepts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from frontliner.desk import ownership
from frontliner.store import queries, workspace_queries
from frontliner.web.deps import CurrentUser, IfMatch, PageDep, StaffUser, UowDep
from frontliner.web.lookup import case_for, case_id, render, render_page, session_of
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.cases import HandoverIn, HandoverOut
from frontliner.web.schemas.common import ERRORS, NoteIn, PageOut

router = APIRouter(tags=["handovers"], responses=ERRORS)


@router.post(
    "/cases/{ref}/handovers",
    response_model=HandoverOut,
    status_code=201,
    summary="The owner offers the case to a colleague",
)
def offer(ref: str, body: HandoverIn, user: CurrentUser, uow: UowDep, if_match: IfMatch) -> Any:
    case = case_for(uow, user, ref, if_match)
    handover = ownership.offer_handover(
        uow, user, case_id(case), body.to_user_id, body.note, expected_version=if_match
    )
    uow.commit()
    return render(HandoverOut, handover)


@router.get(
    "/handovers",
    response_model=PageOut[HandoverOut],
    summary="Handovers offered to you, waiting for your answer",
)
def offered_to_me(user: StaffUser, uow: UowDep, page: PageDep) -> Any:
    assert user.id is not None
    session = session_of(uow)
    found = queries.handovers_offered_to(session, user.id, page.cursor, page.limit)
    refs = workspace_queries.case_refs(session, [h.case_id for h in found.items])
    return render_page(found, HandoverOut, lambda h: {
        **render(HandoverOut, h).model_dump(), "case_ref": refs.get(h.case_id)})


@router.post(
    "/handovers/{handover_id}/accept",
    response_model=HandoverOut,
    summary="Accept: you own the case from now on",
)
def accept(handover_id: Id, user: CurrentUser, uow: UowDep) -> Any:
    handover = ownership.accept_handover(uow, user, handover_id)
    uow.commit()
    return render(HandoverOut, handover)


@router.post(
    "/handovers/{handover_id}/decline",
    response_model=HandoverOut,
    summary="Decline: the owner stays the owner",
)
def decline(handover_id: Id, body: NoteIn, user: CurrentUser, uow: UowDep) -> Any:
    handover = ownership.decline_handover(uow, user, handover_id, body.note)
    uow.commit()
    return render(HandoverOut, handover)


@router.post(
    "/handovers/{handover_id}/withdraw",
    response_model=HandoverOut,
    summary="The owner takes back an unanswered offer",
)
def withdraw(handover_id: Id, user: CurrentUser, uow: UowDep) -> Any:
    handover = ownership.withdraw_handover(uow, user, handover_id)
    uow.commit()
    return render(HandoverOut, handover)
