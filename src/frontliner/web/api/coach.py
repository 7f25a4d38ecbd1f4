"""The reply coach over HTTP: the same library call as `frontliner coach check/read`, so
the JSON is exactly `Report.to_dict()` / `Reading.to_dict()` for the same input."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from frontliner import coach
from frontliner.desk.errors import Invalid
from frontliner.web.deps import StaffUser
from frontliner.web.schemas.common import ERRORS, In

router = APIRouter(prefix="/coach", tags=["coach"], responses=ERRORS)


class OptionsIn(In):
    remedies: list[str] = Field(default_factory=list, max_length=50)
    articles: list[str] = Field(default_factory=list, max_length=50)


class CheckIn(In):
    draft: str = Field(description="The agent's draft reply")
    customer: str | None = Field(default=None, description="The customer message it answers")
    options: OptionsIn | None = Field(
        default=None, description="What the agent could offer instead, to word suggestions"
    )


class ReadIn(In):
    message: str = Field(description="A customer's message")


class FindingOut(BaseModel):
    rule: str
    start: int
    end: int
    severity: Literal["error", "warning", "info"]
    message: str
    suggestion: str | None


class ReportOut(BaseModel):
    findings: list[FindingOut]
    score: int


class ReadingOut(BaseModel):
    complaint: bool
    indirect: bool
    frustration: float
    abuse: bool
    abuse_kinds: list[str]
    urgency: Literal["low", "normal", "high"]
    confirms_solved: bool  # added later: the customer says the problem is solved
    not_solved: bool  # added later: the customer says it is not solved (yet)


@router.post(
    "/check",
    response_model=ReportOut,
    summary="Coach a draft reply: findings with offsets and a score",
)
def check(body: CheckIn, user: StaffUser) -> JSONResponse:
    options = None
    if body.options is not None:
        options = coach.Options(
            remedies=tuple(body.options.remedies), articles=tuple(body.options.articles)
        )
    try:
        report = coach.check(body.draft, body.customer, options)
    except coach.InputTooLarge as error:
        raise Invalid(str(error), {"draft": "too long"}) from None
    # The library's own dict, untouched: identical to the CLI's --json output.
    return JSONResponse(report.to_dict())


@router.post(
    "/read",
    response_model=ReadingOut,
    summary="Read a customer's message: complaint, frustration, abuse, urgency",
)
def read(body: ReadIn, user: StaffUser) -> JSONResponse:
    try:
        reading = coach.read(body.message)
    except coach.InputTooLarge as error:
        raise Invalid(str(error), {"message": "too long"}) from None
    return JSONResponse(reading.to_dict())
