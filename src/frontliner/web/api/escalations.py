"""Escalations and follow-ups: the handler works the big problem, the owner stays the
owner and follows up until the customer confirms the fix."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter

from frontliner.desk import escalation
from frontliner.store import queries
from frontliner.web.deps import CurrentUser, IfMatch, PageDep, StaffUser, UowDep
from frontliner.web.lookup import case_for, case_id, render, render_page, session_of
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.cases import (
    EscalateIn,
    EscalationOut,
    EscalationRowOut,
    FollowUpOut,
    FollowUpRowOut,
)
from frontliner.web.schemas.common import ERRORS, NoteIn, PageOut

router = APIRouter(tags=["escalations"], responses=ERRORS)


@router.post(
    "/cases/{ref}/escalate",
    response_model=EscalationOut,
    status_code=201,
    summary="Pass the case to a handler with authority or skill; you stay the owner",
)
def escalate(ref: str, body: EscalateIn, user: CurrentUser, uow: UowDep, if_match: IfMatch) -> Any:
    case = case_for(uow, user, ref, if_match)
    people = (
        None if body.people_involved is None else [p.model_dump() for p in body.people_involved]
    )
    done = escalation.escalate(
        uow,
        user,
        case_id(case),
        body.reason,
        body.details,
        handler_id=body.handler_id,
        people_involved=people,
        expected_version=if_match,
    )
    uow.commit()
    return render(EscalationOut, done)


@router.post(
    "/cases/{ref}/hand-back",
    response_model=EscalationOut,
    summary="The handler reports what was done and gives the case back",
)
def hand_back(ref: str, body: NoteIn, user: CurrentUser, uow: UowDep, if_match: IfMatch) -> Any:
    case = case_for(uow, user, ref, if_match)
    done = escalation.hand_back(uow, user, case_id(case), body.note, expected_version=if_match)
    uow.commit()
    return render(EscalationOut, done)


@router.get(
    "/escalations",
    response_model=PageOut[EscalationRowOut],
    summary="Escalations, newest first (?mine=true: handled by you)",
)
def list_escalations(
    user: StaffUser, uow: UowDep, page: PageDep, mine: bool = False, open_only: bool = True
) -> Any:
    found = queries.list_escalations(
        session_of(uow), user.id if mine else None, open_only, page.cursor, page.limit
    )
    return render_page(found, EscalationRowOut)


@router.get(
    "/follow-ups",
    response_model=PageOut[FollowUpRowOut],
    summary="Your open follow-ups due by `due_by` (default: now), most overdue first",
)
def due_follow_ups(
    user: StaffUser, uow: UowDep, page: PageDep, due_by: datetime | None = None
) -> Any:
    assert user.id is not None
    when = due_by or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    found = queries.follow_ups_due(session_of(uow), user.id, when, page.cursor, page.limit)
    return render_page(found, FollowUpRowOut)


@router.post(
    "/follow-ups/{follow_up_id}/complete",
    response_model=FollowUpOut,
    summary="Record a follow-up; the next is scheduled while the case is unresolved",
)
def complete(follow_up_id: Id, body: NoteIn, user: CurrentUser, uow: UowDep) -> Any:
    done = escalation.complete_follow_up(uow, user, follow_up_id, body.note)
    uow.commit()
    return render(FollowUpOut, done)
