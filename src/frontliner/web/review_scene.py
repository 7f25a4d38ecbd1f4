"""What the review API and the review pages share: the queue's period from request
parameters, loading one sent reply for someone allowed to see it, and the export as a
stream of JSON lines or CSV rows (read through its own unit of work, which lives as long
as the download does)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

from fastapi import Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from frontliner.desk import access
from frontliner.desk.errors import Invalid, NotFound
from frontliner.desk.model import User
from frontliner.desk.ports import UowFactory
from frontliner.desk.reply_review import labels
from frontliner.store.review_queries import (
    MAX_DAYS,
    ExportItem,
    Period,
    ReplyDetail,
    export_items,
    label_json,
    reply_detail,
)
from frontliner.web.csv_export import csv_response
from frontliner.web.lookup import session_of

DEFAULT_DAYS = 7
CSV_HEADER = ("id", "case_id", "author_id", "team_id", "sent_at", "score", "reply", "coach",
              "agreed", "disagreed", "missed", "reviewer_id", "reviewed_at", "note", "text",
              "customer_text")


def period_of(first: date | None, last: date | None, team_id: int | None,
              today: date | None = None) -> Period:
    """The queue period asked for; the last seven days by default."""
    end = last or today or datetime.now(UTC).date()
    start = first or Period.last_days(DEFAULT_DAYS, end).first
    if start > end:
        raise Invalid("The period starts after it ends.", {"first": "on or before last"})
    if (end - start).days >= MAX_DAYS:
        raise Invalid(f"A review period is at most {MAX_DAYS} days.", {"first": "later"})
    return Period(start, end, team_id)


def detail_for(session: Session, user: User, sent_reply_id: int) -> ReplyDetail:
    """One sent reply, for a lead or its own author (anyone else: 404)."""
    found = reply_detail(session, sent_reply_id)
    if found is None:
        raise NotFound(f"There is no sent reply {sent_reply_id}.")
    access.require_coaching_of(user, found.sent.author_id)
    return found


def _items(factory: UowFactory, team_id: int | None,
           since: datetime | None) -> Iterator[ExportItem]:
    with factory() as uow:
        yield from export_items(session_of(uow), team_id=team_id, since=since)


def _csv_row(item: ExportItem) -> tuple[object, ...]:
    review, sent = item.review, item.sent
    rules = {int(v["finding_id"]): bool(v["agree"]) for v in review.verdicts}
    agreed = sorted({f.rule for f in item.findings if rules.get(f.id or 0)})
    disagreed = sorted({f.rule for f in item.findings if rules.get(f.id or 0) is False})
    return (f"reply-{sent.id}", sent.case_id, sent.author_id, sent.team_id, sent.sent_at,
            sent.score, " ".join(labels(review)),
            " ".join(sorted({f.rule for f in item.findings})), " ".join(agreed),
            " ".join(disagreed), " ".join(sorted({str(m["rule"]) for m in review.missed})),
            review.reviewer_id, review.reviewed_at, review.note, item.text, item.customer_text)


def export_response(request: Request, kind: str, team_id: int | None,
                    since: datetime | None) -> StreamingResponse:
    """The reviews as a download: `jsonl` (the coach's label format) or `csv`."""
    factory: UowFactory = request.app.state.uow_factory
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)  # a date or moment without a zone means UTC
    if kind == "csv":
        rows = (_csv_row(i) for i in _items(factory, team_id, since))
        return csv_response("reply-reviews.csv", CSV_HEADER, rows)
    if kind != "jsonl":
        raise Invalid(f"Unknown export format {kind!r}.", {"format": "jsonl or csv"})

    def lines() -> Iterator[bytes]:
        for item in _items(factory, team_id, since):
            yield (label_json(item) + "\n").encode("utf-8")

    return StreamingResponse(lines(), media_type="application/x-ndjson", headers={
        "Content-Disposition": 'attachment; filename="reply-reviews.jsonl"'})
