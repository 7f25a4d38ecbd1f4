"""What an agent's own coaching page reads: their coach findings per rule, week by week,
and their best replies. Only ever one author's rows (the caller passes the signed-in
user's id): nothing here compares people.

A week costs two counts on the index (author_id, sent_at) of `sent_replies`, so the
trend's cost grows with the weeks shown, not with the agent's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.model import SentReply
from frontliner.store.mapping import map_entities
from frontliner.store.tables import cases, interactions, sent_findings, sent_replies

map_entities()

WEEKS = 8
BEST = 5
BEST_SCORE = 90  # an example to follow scores at least this


@dataclass(frozen=True)
class Week:
    first: date  # a Monday
    replies: int
    findings: dict[str, int]  # rule id -> findings that week

    def per_100(self, rule: str) -> float | None:
        """Findings of `rule` per 100 replies (None: no reply that week)."""
        if not self.replies:
            return None
        return round(100 * self.findings.get(rule, 0) / self.replies, 1)


@dataclass(frozen=True)
class Trend:
    weeks: list[Week]  # oldest first

    @property
    def rules(self) -> list[str]:
        """Rules found at least once, most found first."""
        totals: dict[str, int] = {}
        for week in self.weeks:
            for rule, n in week.findings.items():
                totals[rule] = totals.get(rule, 0) + n
        return sorted(totals, key=lambda r: (-totals[r], r))


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def rule_trend(session: Session, author_id: int, today: date, weeks: int = WEEKS) -> Trend:
    start = monday(today) - timedelta(weeks=weeks - 1)
    return Trend([_week(session, author_id, start + timedelta(weeks=n)) for n in range(weeks)])


def _week(session: Session, author_id: int, first: date) -> Week:
    since = datetime.combine(first, time(), UTC)
    until = since + timedelta(days=7)
    mine = (sent_replies.c.author_id == author_id, sent_replies.c.sent_at >= since,
            sent_replies.c.sent_at < until)
    replies = session.scalar(sa.select(sa.func.count()).select_from(sent_replies).where(*mine))
    counts = session.execute(
        sa.select(sent_findings.c.rule, sa.func.count())
        .join(sent_replies, sent_replies.c.id == sent_findings.c.sent_reply_id)
        .where(*mine).group_by(sent_findings.c.rule)).all()
    return Week(first, int(replies or 0), {str(rule): int(n) for rule, n in counts})


@dataclass(frozen=True)
class BestReply:
    sent: SentReply
    case_ref: str
    text: str


def best_replies(session: Session, author_id: int, since: datetime,
                 limit: int = BEST) -> list[BestReply]:
    """The author's highest-scored replies (BEST_SCORE or more) sent since `since`,
    newest first among equals."""
    rows = session.execute(
        sa.select(SentReply, cases.c.ref, interactions.c.body)
        .join(cases, cases.c.id == sent_replies.c.case_id)
        .join(interactions, interactions.c.id == sent_replies.c.interaction_id)
        .where(sent_replies.c.author_id == author_id, sent_replies.c.sent_at >= since,
               sent_replies.c.score >= BEST_SCORE)
        .order_by(sent_replies.c.score.desc(), sent_replies.c.sent_at.desc(),
                  sent_replies.c.id.desc())
        .limit(limit)).all()
    return [BestReply(*row) for row in rows]
