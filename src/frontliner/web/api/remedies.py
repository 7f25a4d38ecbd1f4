"""Remedies and approvals: within the agent's empowerment a remedy is applied at once;
above it, it waits for a lead's decision and is never applied before."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from frontliner.desk import empowerment
from frontliner.desk.model import RemedyStatus
from frontliner.store import queries
from frontliner.web.deps import CurrentUser, IfMatch, LeadUser, PageDep, UowDep
from frontliner.web.lookup import case_for, case_id, render, render_page, session_of
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.cases import ApprovalOut, PendingApprovalOut, RemedyIn, RemedyOut
from frontliner.web.schemas.common import ERRORS, NoteIn, PageOut

router = APIRouter(tags=["remedies"], responses=ERRORS)


@router.post(
    "/cases/{ref}/remedies",
    response_model=RemedyOut,
    status_code=201,
    summary="Give a remedy: applied at once within your limits, else sent for approval",
    responses={
        202: {"model": RemedyOut, "description": "Above your limits: waiting for a lead's approval"}
    },
)
def apply_remedy(
    ref: str, body: RemedyIn, user: CurrentUser, uow: UowDep, if_match: IfMatch, response: Response
) -> Any:
    case = case_for(uow, user, ref, if_match)
    remedy = empowerment.apply_remedy(
        uow,
        user,
        case_id(case),
        body.kind,
        amount=body.amount,
        days=body.days,
        note=body.note,
        expected_version=if_match,
    )
    uow.commit()
    if remedy.status == RemedyStatus.PENDING_APPROVAL:
        response.status_code = 202  # accepted: waits for a lead
    return render(RemedyOut, remedy)


@router.get(
    "/approvals",
    response_model=PageOut[PendingApprovalOut],
    summary="Approval requests waiting for a lead, longest-waiting first",
)
def pending(user: LeadUser, uow: UowDep, page: PageDep) -> Any:
    found = queries.approvals_pending(session_of(uow), page.cursor, page.limit)
    return render_page(found, PendingApprovalOut)


@router.post(
    "/approvals/{approval_id}/approve",
    response_model=ApprovalOut,
    summary="Approve: the remedy is applied now",
)
def approve(approval_id: Id, body: NoteIn, user: CurrentUser, uow: UowDep) -> Any:
    approval = empowerment.decide_approval(uow, user, approval_id, True, body.note)
    uow.commit()
    return render(ApprovalOut, approval)


@router.post(
    "/approvals/{approval_id}/decline",
    response_model=ApprovalOut,
    summary="Decline with a note telling the agent why",
)
def decline(approval_id: Id, body: NoteIn, user: CurrentUser, uow: UowDep) -> Any:
    approval = empowerment.decide_approval(uow, user, approval_id, False, body.note)
    uow.commit()
    return render(ApprovalOut, approval)
