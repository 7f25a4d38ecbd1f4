"""The read side of reply review: the leads' queue (lowest scores and a seeded random
sample of a period), one sent reply with its findings and review, the reviews list, the
export of reviews as labels, and what an agent's own coaching page shows.

Every read is bounded: the queue reads one period on the index of `sent_replies`
(sent_at / team_id, sent_at), lists are keyset pages, the export walks reviews in
batches, and an agent's trend is two indexed counts per week.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from frontliner.desk.model import ReplyReview, SentFinding, SentReply
from frontliner.desk.reply_review import label_line
from frontliner.store.mapping import map_entities
from frontliner.store.pagination import Order, Page, page
from frontliner.store.tables import (
    cases,
    interactions,
    reply_reviews,
    sent_findings,
    sent_replies,
    users,
)

map_entities()

LOWEST = 20  # replies with the lowest scores shown in the queue
SAMPLE = 10  # replies drawn at random from the period
EXCERPT = 160
MAX_DAYS = 366  # one queue period at most: the sample's sort reads the whole period
EXPORT_BATCH = 500
# A multiplicative hash of the id, mixed with the period's seed: the same period always
# draws the same sample, on SQLite and PostgreSQL alike (64-bit integer arithmetic).
_MIX, _PRIME = 2654435761, 4294967291


@dataclass(frozen=True)
class Period:
    """A queue period: whole UTC days from `first` to `last` (both included), optionally
    one team's replies (the author's team when they sent it)."""

    first: date
    last: date
    team_id: int | None = None

    @classmethod
    def last_days(cls, days: int, today: date, team_id: int | None = None) -> Period:
        return cls(today - timedelta(days=days - 1), today, team_id)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), UTC)

    @property
    def seed(self) -> int:
        key = f"{self.first.isoformat()}|{self.last.isoformat()}|{self.team_id or ''}"
        return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") >> 1


@dataclass(frozen=True)
class ReplyRow:
    """One sent reply in a list: who, where, its score and findings, reviewed or not."""

    sent: SentReply
    case_ref: str
    author_name: str
    findings: int
    errors: int
    reviewed: bool
    excerpt: str


@dataclass(frozen=True)
class ReviewQueue:
    period: Period
    lowest: list[ReplyRow]
    sample: list[ReplyRow]


def _finding_count(errors_only: bool = False) -> sa.ScalarSelect[Any]:
    query = sa.select(sa.func.count()).where(
        sent_findings.c.sent_reply_id == sent_replies.c.id)
    if errors_only:
        query = query.where(sent_findings.c.severity == "error")
    return query.scalar_subquery()


def _rows_query() -> sa.Select[Any]:
    reviewed = sa.exists().where(reply_reviews.c.sent_reply_id == sent_replies.c.id)
    return (sa.select(SentReply, cases.c.ref, users.c.name, _finding_count(),
                      _finding_count(errors_only=True), reviewed,
                      sa.func.substr(interactions.c.body, 1, EXCERPT))
            .join(cases, cases.c.id == sent_replies.c.case_id)
            .join(users, users.c.id == sent_replies.c.author_id)
            .join(interactions, interactions.c.id == sent_replies.c.interaction_id))


def _row(row: Any) -> ReplyRow:
    return ReplyRow(row[0], row[1], row[2], int(row[3]), int(row[4]), bool(row[5]), row[6])


def _in_period(query: sa.Select[Any], period: Period) -> sa.Select[Any]:
    query = query.where(sent_replies.c.sent_at >= period.start,
                        sent_replies.c.sent_at < period.end)
    if period.team_id is not None:
        query = query.where(sent_replies.c.team_id == period.team_id)
    return query


def review_queue(session: Session, period: Period, lowest: int = LOWEST,
                 sample: int = SAMPLE) -> ReviewQueue:
    """The period's unreviewed replies with the lowest scores, and a sample drawn at
    random but reproducibly (the same period and team always draw the same replies,
    reviewed or not, so a sample can be worked through)."""
    unreviewed = ~sa.exists().where(reply_reviews.c.sent_reply_id == sent_replies.c.id)
    worst = session.execute(
        _in_period(_rows_query(), period).where(unreviewed)
        .order_by(sent_replies.c.score, sent_replies.c.sent_at, sent_replies.c.id)
        .limit(lowest)).all()
    shown = {r[0].id for r in worst}
    draw = (sa.cast(sent_replies.c.id, sa.BigInteger) * _MIX + period.seed) % _PRIME
    drawn = session.execute(
        _in_period(_rows_query(), period).order_by(draw, sent_replies.c.id)
        .limit(sample + len(shown))).all()
    picked = [r for r in drawn if r[0].id not in shown][:sample]
    return ReviewQueue(period, [_row(r) for r in worst], [_row(r) for r in picked])


@dataclass(frozen=True)
class ReplyDetail:
    """One sent reply as a reviewer sees it."""

    sent: SentReply
    text: str
    customer_text: str | None
    case_ref: str
    author_name: str
    findings: list[SentFinding]
    review: ReplyReview | None
    reviewer_name: str | None


def findings_of(session: Session, sent_reply_id: int) -> list[SentFinding]:
    return list(session.scalars(
        sa.select(SentFinding).where(sent_findings.c.sent_reply_id == sent_reply_id)
        .order_by(sent_findings.c.start, sent_findings.c.id).limit(500)))


def reply_detail(session: Session, sent_reply_id: int) -> ReplyDetail | None:
    answered = aliased(interactions)
    reviewer = aliased(users)
    row = session.execute(
        sa.select(SentReply, interactions.c.body, answered.c.body, cases.c.ref, users.c.name,
                  ReplyReview, reviewer.c.name)
        .join(interactions, interactions.c.id == sent_replies.c.interaction_id)
        .outerjoin(answered, answered.c.id == sent_replies.c.answered_id)
        .join(cases, cases.c.id == sent_replies.c.case_id)
        .join(users, users.c.id == sent_replies.c.author_id)
        .outerjoin(reply_reviews, reply_reviews.c.sent_reply_id == sent_replies.c.id)
        .outerjoin(reviewer, reviewer.c.id == reply_reviews.c.reviewer_id)
        .where(sent_replies.c.id == sent_reply_id)).first()
    if row is None:
        return None
    return ReplyDetail(row[0], row[1], row[2], row[3], row[4],
                       findings_of(session, sent_reply_id), row[5], row[6])


@dataclass(frozen=True)
class ReviewRow:
    """One review in a list, with the reply it judged."""

    review: ReplyReview
    sent: SentReply
    case_ref: str
    author_name: str
    reviewer_name: str
    text: str


def list_reviews(session: Session, author_id: int | None = None, team_id: int | None = None,
                 cursor: str | None = None, limit: int | None = None) -> Page[ReviewRow]:
    """Reviews, newest first; an agent's own (`author_id`) or a team's."""
    reviewer = aliased(users)
    query = (sa.select(ReplyReview, SentReply, cases.c.ref, users.c.name, reviewer.c.name,
                       interactions.c.body)
             .join(sent_replies, sent_replies.c.id == reply_reviews.c.sent_reply_id)
             .join(cases, cases.c.id == sent_replies.c.case_id)
             .join(users, users.c.id == sent_replies.c.author_id)
             .join(reviewer, reviewer.c.id == reply_reviews.c.reviewer_id)
             .join(interactions, interactions.c.id == sent_replies.c.interaction_id))
    if author_id is not None:
        query = query.where(sent_replies.c.author_id == author_id)
    if team_id is not None:
        query = query.where(sent_replies.c.team_id == team_id)
    order = Order(reply_reviews.c.reviewed_at, reply_reviews.c.id)
    return page(session, query, order, cursor, limit, lambda r: ReviewRow(*r))


@dataclass(frozen=True)
class ExportItem:
    """A review with everything a label line needs."""

    review: ReplyReview
    sent: SentReply
    text: str
    customer_text: str | None
    findings: list[SentFinding]


def label_json(item: ExportItem) -> str:
    """One line of the label export (docs/coach.md), without its newline."""
    line = label_line(item.review, item.sent, item.text, item.customer_text, item.findings)
    return json.dumps(line, ensure_ascii=False)


def export_items(session: Session, team_id: int | None = None,
                 since: datetime | None = None) -> Iterator[ExportItem]:
    """Every review (of a team's replies, reviewed since a moment), oldest first, read
    in batches: an export of any size holds one batch in memory."""
    answered = aliased(interactions)
    after: tuple[datetime, int] | None = None
    while True:
        query = (sa.select(ReplyReview, SentReply, interactions.c.body, answered.c.body)
                 .join(sent_replies, sent_replies.c.id == reply_reviews.c.sent_reply_id)
                 .join(interactions, interactions.c.id == sent_replies.c.interaction_id)
                 .outerjoin(answered, answered.c.id == sent_replies.c.answered_id)
                 .order_by(reply_reviews.c.reviewed_at, reply_reviews.c.id)
                 .limit(EXPORT_BATCH))
        if team_id is not None:
            query = query.where(sent_replies.c.team_id == team_id)
        if since is not None:
            query = query.where(reply_reviews.c.reviewed_at >= since)
        if after is not None:
            query = query.where(sa.tuple_(reply_reviews.c.reviewed_at, reply_reviews.c.id)
                                > sa.tuple_(sa.literal(after[0], reply_reviews.c.reviewed_at.type),
                                            sa.literal(after[1])))
        rows = session.execute(query).all()
        found = _findings_by_reply(session, [r[1].id for r in rows])
        for review, sent, text, customer in rows:
            yield ExportItem(review, sent, text, customer, found.get(sent.id, []))
        if len(rows) < EXPORT_BATCH:
            return
        after = (rows[-1][0].reviewed_at, rows[-1][0].id)


def _findings_by_reply(session: Session, ids: list[int]) -> dict[int, list[SentFinding]]:
    out: dict[int, list[SentFinding]] = {}
    if not ids:
        return out
    for finding in session.scalars(sa.select(SentFinding)
                                   .where(sent_findings.c.sent_reply_id.in_(ids))
                                   .order_by(sent_findings.c.start, sent_findings.c.id)):
        out.setdefault(finding.sent_reply_id, []).append(finding)
    return out
