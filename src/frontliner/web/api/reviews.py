"""Reply review over the API: the leads' queue, one sent reply with the coach's reading
kept from its sending, a lead's review of it, the reviews list (an agent: their own
only) and the export as labelled data (JSON lines in the coach's label format, or CSV)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from frontliner.desk import access, reply_review
from frontliner.store import review_queries
from frontliner.web.deps import LeadUser, PageDep, StaffUser, UowDep
from frontliner.web.lookup import session_of
from frontliner.web.review_scene import detail_for, export_response, period_of
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.common import ERRORS, PageOut
from frontliner.web.schemas.reviews import (
    QueueOut,
    ReviewIn,
    ReviewRowOut,
    SentReplyOut,
    detail_out,
    review_row_out,
    row_out,
)

router = APIRouter(tags=["reply review"], responses=ERRORS)
TeamQuery = Annotated[Id | None, Query(description="Only replies sent by this team's members")]


@router.get("/reply-reviews/queue", response_model=QueueOut,
            summary="The review queue (leads): a period's unreviewed replies with the lowest "
            "scores, and a random sample that is the same for the same period and team")
def queue(user: LeadUser, uow: UowDep, team: TeamQuery = None,
          first: Annotated[date | None, Query(description="First day (UTC)")] = None,
          last: Annotated[date | None, Query(description="Last day (UTC), included")] = None,
          ) -> Any:
    found = review_queries.review_queue(session_of(uow), period_of(first, last, team))
    p = found.period
    return {"period": {"first": p.first, "last": p.last, "team_id": p.team_id},
            "lowest": [row_out(r) for r in found.lowest],
            "sample": [row_out(r) for r in found.sample]}


@router.get("/sent-replies/{sent_reply_id}", response_model=SentReplyOut,
            summary="A sent reply with the coach's findings and score from the moment it was "
            "sent, and its review (leads; an agent, their own replies)")
def sent_reply(sent_reply_id: Id, user: StaffUser, uow: UowDep) -> Any:
    return detail_out(detail_for(session_of(uow), user, sent_reply_id))


@router.put("/sent-replies/{sent_reply_id}/review", response_model=SentReplyOut,
            summary="Review a sent reply (leads): agree or disagree with every finding, add "
            "those the coach missed; replaces an earlier review (both are audited)")
def put_review(sent_reply_id: Id, body: ReviewIn, user: LeadUser, uow: UowDep) -> Any:
    missed = [reply_review.MissedFinding(m.rule, m.start, m.end) for m in body.missed]
    reply_review.review_reply(uow, user, sent_reply_id,
                              {v.finding_id: v.agree for v in body.verdicts}, missed, body.note)
    uow.commit()
    return detail_out(detail_for(session_of(uow), user, sent_reply_id))


@router.get("/reply-reviews", response_model=PageOut[ReviewRowOut],
            summary="Reviews, newest first (leads: anyone's, or one author's or team's; "
            "an agent: the reviews of their own replies)")
def list_reviews(user: StaffUser, uow: UowDep, page: PageDep, team: TeamQuery = None,
                 author: Annotated[Id | None, Query(description="The replies' author")] = None,
                 ) -> Any:
    if not access.has_authority(user):
        if author not in (None, user.id):
            access.require_coaching_of(user, author or 0)
        author, team = user.id, None
    found = review_queries.list_reviews(session_of(uow), author_id=author, team_id=team,
                                        cursor=page.cursor, limit=page.limit)
    return {"items": [review_row_out(r) for r in found.items],
            "next_cursor": found.next_cursor}


@router.get("/reply-reviews/export", response_class=StreamingResponse,
            summary="Every review as labelled data (leads): JSON lines in the coach's label "
            "format (docs/coach.md) or CSV")
def export(request: Request, user: LeadUser,
           format: Annotated[Literal["jsonl", "csv"], Query()] = "jsonl",
           team: TeamQuery = None,
           since: Annotated[datetime | None, Query(description="Reviewed at or after")] = None,
           ) -> StreamingResponse:
    return export_response(request, format, team, since)
