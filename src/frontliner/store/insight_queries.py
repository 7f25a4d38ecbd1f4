"""Reading the insights' rollups: sums over a range of days of one metric or a few, for
the desk or one agent, optionally in one team, channel and category.

Each read is one indexed range of days of `insight_buckets` in one set of rows (the
desk's, a person's, or those of one team, channel and category or any mix of them:
`insight_rollup.expand` keeps every combination), whatever the number of cases behind
it; cases opened are kept with their channel and category always named, so volume
breaks down by channel and category under any filters. The
figures themselves are put together in `store/insight_figures.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.insight_facts import COMMENT, OPENED
from frontliner.store.insight_rollup import ALL_TEAMS, ANY
from frontliner.store.insight_tables import insight_buckets as b
from frontliner.store.tables import cases, satisfaction_ratings, users

COMMENTS_SHOWN = 20


@dataclass(frozen=True)
class Filters:
    """Which facts a figure adds up: days `start`..`end` (both included), the whole desk
    (`agent_id` 0) or one agent's own, and any of a team, a channel and a category ('' for
    "no category"), together or alone."""

    start: date
    end: date
    agent_id: int = 0
    team_id: int | None = None
    channel: str | None = None
    category: str | None = None


def _where(flt: Filters) -> list[sa.ColumnElement[bool]]:
    """The rows of one set: the desk's or one person's, in all teams, channels and
    categories or in those the filters name."""
    return [b.c.agent_id == flt.agent_id,
            b.c.team_id == (ALL_TEAMS if flt.team_id is None else flt.team_id),
            b.c.channel == (ANY if flt.channel is None else flt.channel),
            b.c.category == (ANY if flt.category is None else flt.category),
            b.c.day >= flt.start, b.c.day <= flt.end]


def _cube_where(flt: Filters) -> list[sa.ColumnElement[bool]]:
    """The rows of cases opened, kept by team, channel and category together."""
    conditions = [b.c.agent_id == flt.agent_id, b.c.day >= flt.start, b.c.day <= flt.end,
                  b.c.metric == OPENED]
    conditions.append(b.c.team_id == flt.team_id if flt.team_id is not None
                      else b.c.team_id == ALL_TEAMS)
    if flt.channel is not None:
        conditions.append(b.c.channel == flt.channel)
    if flt.category is not None:
        conditions.append(b.c.category == flt.category)
    return conditions


def opened_by(session: Session, flt: Filters, column: str) -> dict[Any, int]:
    """Cases opened per channel, category or day."""
    col = b.c[column]
    return {value: int(n) for value, n in session.execute(
        sa.select(col, sa.func.sum(b.c.n)).where(*_cube_where(flt)).group_by(col)) if n}


def totals(session: Session, flt: Filters, metrics: Sequence[str]) -> dict[str, tuple[int, int]]:
    """(count, sum of values) of each metric; (0, 0) for one with no facts."""
    found = {metric: (int(n or 0), int(total or 0)) for metric, n, total in session.execute(
        sa.select(b.c.metric, sa.func.sum(b.c.n), sa.func.sum(b.c.total))
        .where(b.c.metric.in_(metrics), *_where(flt)).group_by(b.c.metric))}
    return {metric: found.get(metric, (0, 0)) for metric in metrics}


def counts_by(session: Session, flt: Filters, metric: str, column: str) -> dict[Any, int]:
    """The count of `metric` per value of one column (channel, category, bucket, day)."""
    col = b.c[column]
    return {value: int(n) for value, n in session.execute(
        sa.select(col, sa.func.sum(b.c.n)).where(b.c.metric == metric, *_where(flt))
        .group_by(col)) if n}


def daily(session: Session, flt: Filters, metrics: Sequence[str]) -> dict[date, dict[str, int]]:
    """Each day's count of each metric."""
    result: dict[date, dict[str, int]] = defaultdict(dict)
    for metric, day, n in session.execute(
            sa.select(b.c.metric, b.c.day, sa.func.sum(b.c.n))
            .where(b.c.metric.in_(metrics), *_where(flt)).group_by(b.c.metric, b.c.day)):
        result[day][metric] = int(n or 0)
    return result


def daily_sums(session: Session, flt: Filters, metric: str) -> dict[date, tuple[int, int]]:
    """Each day's (count, sum of values) of one metric."""
    return {day: (int(n or 0), int(total or 0)) for day, n, total in session.execute(
        sa.select(b.c.day, sa.func.sum(b.c.n), sa.func.sum(b.c.total))
        .where(b.c.metric == metric, *_where(flt)).group_by(b.c.day))}


def daily_histogram(
    session: Session, flt: Filters, metric: str
) -> dict[date, list[tuple[int, int]]]:
    """Each day's histogram (bucket, count) of a duration."""
    result: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for day, bucket, n in session.execute(
            sa.select(b.c.day, b.c.bucket, sa.func.sum(b.c.n))
            .where(b.c.metric == metric, *_where(flt)).group_by(b.c.day, b.c.bucket)):
        result[day].append((int(bucket), int(n or 0)))
    return result


def prefixed(session: Session, flt: Filters, prefix: str) -> dict[tuple[str, date], int]:
    """Counts of every metric that starts with `prefix` (one per coach rule), per day."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return {(metric[len(prefix):], day): int(n) for metric, day, n in session.execute(
        sa.select(b.c.metric, b.c.day, sa.func.sum(b.c.n))
        .where(b.c.metric >= prefix, b.c.metric < upper, *_where(flt))
        .group_by(b.c.metric, b.c.day)) if n}


def count_below(session: Session, flt: Filters, metric: str, bound: int) -> tuple[int, int]:
    """(count with bucket < bound, count with bucket >= bound) of one metric."""
    below = sa.func.sum(sa.case((b.c.bucket < bound, b.c.n), else_=0))
    above = sa.func.sum(sa.case((b.c.bucket >= bound, b.c.n), else_=0))
    row = session.execute(sa.select(below, above).where(b.c.metric == metric,
                                                        *_where(flt))).one()
    return int(row[0] or 0), int(row[1] or 0)


def latest_comments(session: Session, flt: Filters) -> list[dict[str, Any]]:
    """The newest ratings with a comment in the range (at most COMMENTS_SHOWN). The
    rollups keep the second each came at, in every filters' rows: one indexed read of
    at most COMMENTS_SHOWN rows, newest first, names the seconds; only the ratings given
    in those seconds are then read (two ratings can share a second, so each is checked
    against the filters again). Never a walk through the ratings of the range."""
    seconds = list(session.scalars(
        sa.select(b.c.bucket).where(b.c.metric == COMMENT, b.c.n > 0, *_where(flt))
        .order_by(b.c.day.desc(), b.c.bucket.desc()).limit(COMMENTS_SHOWN)))
    if not seconds:
        return []
    sr, c = satisfaction_ratings.c, cases.c
    moments = [sa.and_(sr.at >= _moment(second), sr.at < _moment(second + 1))
               for second in seconds]
    query = (sa.select(sr.at, sr.score, sr.comment, c.ref)
             .join(cases, cases.c.id == sr.case_id)
             .where(sr.comment != "", sa.or_(*moments))
             .order_by(sr.at.desc(), sr.id.desc()).limit(COMMENTS_SHOWN))
    if flt.agent_id:
        query = query.where(c.owner_id == flt.agent_id)
    if flt.team_id is not None:
        query = query.join(users, users.c.id == c.owner_id).where(users.c.team_id == flt.team_id)
    if flt.channel is not None:
        query = query.where(c.channel == flt.channel)
    if flt.category is not None:
        query = query.where(sa.func.coalesce(c.category, "") == flt.category)
    return [{"at": at, "score": score, "comment": comment, "case": ref}
            for at, score, comment, ref in session.execute(query)]


def _moment(second: int) -> datetime:
    return datetime.fromtimestamp(second, UTC)
