"""Shapes of reply review: a sent reply with the coach's reading kept from the moment it
was sent, a lead's review of it, and the review queue."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from frontliner.desk.reply_review import labels
from frontliner.store.review_queries import ReplyDetail, ReplyRow, ReviewRow
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.common import In


class SentFindingOut(BaseModel):
    id: int
    rule: str
    start: int
    end: int
    severity: Literal["error", "warning", "info"]
    message: str


class MissedOut(BaseModel):
    rule: str
    start: int
    end: int


class VerdictOut(BaseModel):
    finding_id: int
    rule: str
    agree: bool


class ReviewOut(BaseModel):
    id: int
    sent_reply_id: int
    reviewer_id: int
    reviewer: str | None = None
    reviewed_at: datetime
    verdicts: list[VerdictOut]
    missed: list[MissedOut]
    note: str
    labels: list[str] = Field(description="The rule ids that apply after the verdicts")


class SentReplyOut(BaseModel):
    id: int
    interaction_id: int
    case_ref: str
    author_id: int
    author: str
    team_id: int | None
    sent_at: datetime
    channel: str
    score: int
    override_reason: str | None
    suggestions_used: list[str]
    text: str
    customer_text: str | None
    findings: list[SentFindingOut]
    review: ReviewOut | None


class SentReplyRowOut(BaseModel):
    id: int
    case_ref: str
    author_id: int
    author: str
    team_id: int | None
    sent_at: datetime
    score: int
    findings: int
    errors: int
    reviewed: bool
    excerpt: str


class PeriodOut(BaseModel):
    first: date
    last: date
    team_id: int | None


class QueueOut(BaseModel):
    period: PeriodOut
    lowest: list[SentReplyRowOut]
    sample: list[SentReplyRowOut]


class ReviewRowOut(BaseModel):
    review: ReviewOut
    sent_reply_id: int
    case_ref: str
    author: str
    score: int
    text: str


MAX_OFFSET = 100_000  # a reply is at most this many characters (common.In)


class VerdictIn(In):
    finding_id: Id
    agree: bool


class MissedIn(In):
    rule: str = Field(max_length=64)
    start: int = Field(ge=0, le=MAX_OFFSET)
    end: int = Field(ge=1, le=MAX_OFFSET)


class ReviewIn(In):
    verdicts: list[VerdictIn] = Field(default_factory=list, max_length=500)
    missed: list[MissedIn] = Field(default_factory=list, max_length=50)
    note: str = Field(default="", max_length=2_000)


def review_out(review: Any, reviewer: str | None = None) -> dict[str, Any]:
    return {"id": review.id, "sent_reply_id": review.sent_reply_id,
            "reviewer_id": review.reviewer_id, "reviewer": reviewer,
            "reviewed_at": review.reviewed_at, "verdicts": review.verdicts,
            "missed": review.missed, "note": review.note, "labels": labels(review)}


def detail_out(found: ReplyDetail) -> dict[str, Any]:
    s = found.sent
    return {"id": s.id, "interaction_id": s.interaction_id, "case_ref": found.case_ref,
            "author_id": s.author_id, "author": found.author_name, "team_id": s.team_id,
            "sent_at": s.sent_at, "channel": s.channel.value, "score": s.score,
            "override_reason": s.override_reason, "suggestions_used": s.suggestions_used,
            "text": found.text, "customer_text": found.customer_text,
            "findings": [{"id": f.id, "rule": f.rule, "start": f.start, "end": f.end,
                          "severity": f.severity.value, "message": f.message}
                         for f in found.findings],
            "review": None if found.review is None else review_out(found.review,
                                                                   found.reviewer_name)}


def row_out(row: ReplyRow) -> dict[str, Any]:
    s = row.sent
    return {"id": s.id, "case_ref": row.case_ref, "author_id": s.author_id,
            "author": row.author_name, "team_id": s.team_id, "sent_at": s.sent_at,
            "score": s.score, "findings": row.findings, "errors": row.errors,
            "reviewed": row.reviewed, "excerpt": row.excerpt}


def review_row_out(row: ReviewRow) -> dict[str, Any]:
    return {"review": review_out(row.review, row.reviewer_name),
            "sent_reply_id": row.sent.id, "case_ref": row.case_ref,
            "author": row.author_name, "score": row.sent.score, "text": row.text}
