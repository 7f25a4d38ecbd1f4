"""The closing protocol: resolved only on the customer's confirmation or a lead's signed
exception; the lesson learned; closing; the customer's satisfaction rating."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from frontliner.desk import closing
from frontliner.web.deps import CurrentUser, IfMatch, UowDep
from frontliner.web.lookup import case_for, case_id, render, set_etag
from frontliner.web.schemas.cases import (
    CaseOut,
    ConfirmIn,
    LessonIn,
    RatingIn,
    RatingOut,
    ReasonIn,
    StepIn,
)
from frontliner.web.schemas.common import ERRORS, NoteIn
from frontliner.web.schemas.knowledge import ArticleOut

router = APIRouter(prefix="/cases/{ref}", tags=["closing"], responses=ERRORS)


def _case_out(response: Response, case: Any) -> Any:
    set_etag(response, case)
    return render(CaseOut, case)


@router.post(
    "/closing-steps",
    response_model=CaseOut,
    summary="Record: plan shared, permission asked, or satisfaction asked",
)
def mark_step(
    ref: str, body: StepIn, user: CurrentUser, uow: UowDep, if_match: IfMatch, response: Response
) -> Any:
    case = case_for(uow, user, ref, if_match)
    case = closing.mark_closing_step(uow, user, case_id(case), body.step, expected_version=if_match)
    uow.commit()
    return _case_out(response, case)


@router.post(
    "/request-confirmation",
    response_model=CaseOut,
    summary="We believe it is fixed: ask the customer to confirm",
)
def request_confirmation(
    ref: str, user: CurrentUser, uow: UowDep, if_match: IfMatch, response: Response
) -> Any:
    case = case_for(uow, user, ref, if_match)
    case = closing.request_confirmation(uow, user, case_id(case), expected_version=if_match)
    uow.commit()
    return _case_out(response, case)


@router.post(
    "/confirm",
    response_model=CaseOut,
    summary="The customer confirms the fix (staff: citing the customer's words) -> resolved",
)
def confirm(
    ref: str, body: ConfirmIn, user: CurrentUser, uow: UowDep, if_match: IfMatch, response: Response
) -> Any:
    case = case_for(uow, user, ref, if_match)
    case = closing.confirm_fixed(uow, user, case_id(case), body.evidence,
                                 interaction_id=body.interaction_id)
    uow.commit()
    return _case_out(response, case)


@router.post(
    "/not-fixed", response_model=CaseOut, summary="The customer says it is not fixed -> open again"
)
def not_fixed(
    ref: str, body: NoteIn, user: CurrentUser, uow: UowDep, if_match: IfMatch, response: Response
) -> Any:
    case = case_for(uow, user, ref, if_match)
    case = closing.report_not_fixed(uow, user, case_id(case), body.note)
    uow.commit()
    return _case_out(response, case)


@router.post(
    "/exception",
    response_model=CaseOut,
    summary="A lead resolves without confirmation, signing the reason",
)
def sign_exception(
    ref: str, body: ReasonIn, user: CurrentUser, uow: UowDep, if_match: IfMatch, response: Response
) -> Any:
    case = case_for(uow, user, ref, if_match)
    case = closing.sign_exception(uow, user, case_id(case), body.reason)
    uow.commit()
    return _case_out(response, case)


@router.post(
    "/lesson",
    response_model=ArticleOut | None,
    summary="What did you learn? Optionally as a draft knowledge article",
)
def record_lesson(
    ref: str, body: LessonIn, user: CurrentUser, uow: UowDep, if_match: IfMatch
) -> Any:
    case = case_for(uow, user, ref, if_match)
    article = closing.record_lesson(
        uow, user, case_id(case), body.lesson, draft_article=body.draft_article, title=body.title
    )
    uow.commit()
    return None if article is None else render(ArticleOut, article)


@router.post("/close", response_model=CaseOut, summary="Resolved -> closed")
def close(ref: str, user: CurrentUser, uow: UowDep, if_match: IfMatch, response: Response) -> Any:
    case = case_for(uow, user, ref, if_match)
    case = closing.close_case(uow, user, case_id(case), expected_version=if_match)
    uow.commit()
    return _case_out(response, case)


@router.post(
    "/rating",
    response_model=RatingOut,
    status_code=201,
    summary="The customer rates the service 1-5, after resolution",
)
def rate(ref: str, body: RatingIn, user: CurrentUser, uow: UowDep) -> Any:
    case = case_for(uow, user, ref)
    rating = closing.rate_satisfaction(uow, user, case_id(case), body.score, body.comment)
    uow.commit()
    return render(RatingOut, rating)
