"""Keeping the insights' rollups up to date.

Every change to a case writes an audit entry with a growing id. `catch_up` reads the
entries after the last one it saw, works out the facts of each case they name again
(`desk/insight_facts.py`), and adds to `insight_buckets` only the difference from what
the case added last time (kept in `insight_case_facts`). Doing a case twice changes
nothing, so entries after a missing id are read again until the id turns up or is
`GAP_WAIT` old: on PostgreSQL an entry can commit after one with a higher id.

`catch_up` runs in the worker (`jobs/insights.py`, every few seconds) and before the
insights are read when entries are waiting (`pending`); `rebuild` does every case
again, in batches (after a team change, or on a desk that had cases before this table
existed). Both hold the progress row while they add, so they never add at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from frontliner.desk import insight_facts as f
from frontliner.store.insight_tables import insight_buckets, insight_case_facts, insight_progress
from frontliner.store.tables import (
    approval_requests,
    audit_entries,
    cases,
    escalations,
    follow_ups,
    interactions,
    satisfaction_ratings,
    sent_findings,
    sent_replies,
    users,
)

PROGRESS = "rollup"
GAP_WAIT = timedelta(seconds=30)  # how long a missing audit id may still commit
CATCH_UP_ENTRIES = 5_000  # at most this many new entries per call
BATCH = 1_000  # cases worked out together
KEY = ("metric", "agent_id", "day", "team_id", "channel", "category", "bucket")
ALL_TEAMS, ANY = -1, "*"  # a bucket row of every team / channel / category
FLUSH_ROWS = 200_000  # a rebuild adds its differences to the table this many at a time

Bind = Session
Row = tuple[str, int, date, int, str, str, int]  # a bucket row's key, in KEY's order


def pending(bind: Bind) -> bool:
    """Whether the audit trail has entries the rollups have not read (read only)."""
    last = bind.scalar(sa.select(insight_progress.c.last_audit_id)
                       .where(insight_progress.c.name == PROGRESS)) or 0
    return bind.scalar(sa.select(audit_entries.c.id).where(audit_entries.c.id > last)
                       .limit(1)) is not None


def catch_up(bind: Bind, now: datetime | None = None, limit: int = CATCH_UP_ENTRIES) -> int:
    """Roll up the cases named by audit entries not read yet; how many cases. The
    caller commits, and calls this first in its transaction. Concurrent callers wait
    for each other (the progress row is locked first), so a difference is never added
    twice."""
    at = now or datetime.now(UTC)
    last = _lock_progress(bind, at)
    rows = bind.execute(
        sa.select(audit_entries.c.id, audit_entries.c.case_id, audit_entries.c.at)
        .where(audit_entries.c.id > last).order_by(audit_entries.c.id).limit(limit)
    ).all()
    if not rows:
        return 0
    case_ids = sorted({row.case_id for row in rows})
    for batch in _chunks(case_ids, BATCH):
        roll_cases(bind, batch, at)
    bind.execute(sa.update(insight_progress).where(insight_progress.c.name == PROGRESS)
                 .values(last_audit_id=_read_up_to(last, rows, at), updated_at=at))
    return len(case_ids)


def _read_up_to(last: int, rows: Sequence[Any], now: datetime) -> int:
    """The new cursor: past every entry read, but not past a missing id that may still
    commit (PostgreSQL hands out ids before commit); a gap older than GAP_WAIT is an id
    whose transaction rolled back, and is passed."""
    cursor = last
    for row in rows:
        if row.id != cursor + 1 and now - row.at < GAP_WAIT:
            break
        cursor = row.id
    return cursor


def rebuild(bind: Bind, now: datetime | None = None) -> Iterator[int]:
    """Work out every case again, a batch at a time; yields the cases done so far. The
    caller commits (after each batch, if it wants to)."""
    at = now or datetime.now(UTC)
    newest = bind.scalar(sa.select(sa.func.max(audit_entries.c.id))) or 0
    after, done = 0, 0
    waiting: dict[Row, list[int]] = {}
    while True:
        batch = list(bind.scalars(sa.select(cases.c.id).where(cases.c.id > after)
                                  .order_by(cases.c.id).limit(BATCH)))
        if not batch:
            break
        _lock_progress(bind, at)  # until the caller commits this batch
        roll_cases(bind, batch, at, waiting)
        if len(waiting) >= FLUSH_ROWS:
            add(bind, waiting)
            waiting.clear()
        after, done = batch[-1], done + len(batch)
        yield done
    add(bind, waiting)
    last = _lock_progress(bind, at)
    bind.execute(sa.update(insight_progress).where(insight_progress.c.name == PROGRESS)
                 .values(last_audit_id=max(last, newest), updated_at=at))


def as_of(bind: Bind) -> datetime | None:
    """When the rollups last caught up (None: never)."""
    return bind.scalar(sa.select(insight_progress.c.updated_at)
                       .where(insight_progress.c.name == PROGRESS))


def roll_cases(bind: Bind, case_ids: Sequence[int], now: datetime,
               into: dict[Row, list[int]] | None = None) -> None:
    """Bring these cases' contributions to the rollups up to date. With `into`, the
    differences are added to it (the caller adds them to the table later) instead."""
    current = _stored_facts(bind, case_ids)
    before = {case_id: facts for case_id, facts in bind.execute(
        sa.select(insight_case_facts.c.case_id, insight_case_facts.c.facts)
        .where(insight_case_facts.c.case_id.in_(case_ids)))}
    delta: dict[Row, list[int]] = {} if into is None else into
    changed = []
    for case_id in case_ids:
        old, new = before.get(case_id), current.get(case_id)
        if old == new:
            continue
        changed.append(case_id)
        for sign, stored in ((-1, old), (1, new)):
            for row, n, total in expand(stored):
                slot = delta.setdefault(row, [0, 0])
                slot[0] += sign * n
                slot[1] += sign * total
    if into is None:
        add(bind, delta)
    _store_facts(bind, changed, current, now)


def add(bind: Bind, delta: dict[Row, list[int]]) -> None:
    """Add each difference to its bucket row (created at zero when missing)."""
    values = [dict(zip(KEY, row, strict=True), n=n, total=total)
              for row, (n, total) in sorted(delta.items()) if n or total]
    if not values:
        return
    dialect = bind.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(insight_buckets)
    statement = insert.on_conflict_do_update(
        index_elements=list(KEY),
        set_={"n": insight_buckets.c.n + insert.excluded.n,
              "total": insight_buckets.c.total + insert.excluded.total})
    for chunk in _chunks(values, 5_000):
        bind.execute(statement, chunk)


def expand(stored: dict[str, Any] | None) -> Iterator[tuple[Row, int, int]]:
    """The bucket rows a case's stored facts add to. Each fact counts in every
    combination of its team, channel and category, each either named or "all" (eight
    rows: the whole desk, its team, its channel, its category, and the four pairs and
    triple of them), so any mix of filters reads its own rows; and once more under the
    person it is about. A case opened counts with its channel and category always named
    (in its team and in all teams), so volume breaks down by channel and by category
    under any filters."""
    if not stored:
        return
    team, channel, category = stored["d"]
    for metric, day_text, agent, bucket, n, total in stored["f"]:
        day = date.fromisoformat(day_text)
        if metric == f.OPENED:
            sets = [(0, team, channel, category), (0, ALL_TEAMS, channel, category)]
            if agent:
                sets.append((agent, ALL_TEAMS, channel, category))
        else:
            sets = [(0, in_team, in_channel, in_category)
                    for in_team in (ALL_TEAMS, team) for in_channel in (ANY, channel)
                    for in_category in (ANY, category)]
            if agent:
                sets.append((agent, ALL_TEAMS, ANY, ANY))
        for who, in_team, in_channel, in_category in sets:
            yield (metric, who, day, in_team, in_channel, in_category, bucket), n, total


def _store_facts(bind: Bind, changed: Sequence[int], current: dict[int, Any],
                 now: datetime) -> None:
    if not changed:
        return
    bind.execute(sa.delete(insight_case_facts).where(insight_case_facts.c.case_id.in_(changed)))
    rows = [{"case_id": case_id, "facts": current[case_id], "rolled_at": now}
            for case_id in changed if case_id in current]
    if rows:
        bind.execute(sa.insert(insight_case_facts), rows)


def _lock_progress(bind: Bind, now: datetime) -> int:
    """Take the progress row for this transaction (an UPDATE locks it on PostgreSQL and
    takes the write lock on SQLite); the last audit id read."""
    moved = bind.execute(sa.update(insight_progress)
                         .where(insight_progress.c.name == PROGRESS).values(updated_at=now))
    if getattr(moved, "rowcount", 0) == 0:
        bind.execute(sa.insert(insight_progress).values(name=PROGRESS, last_audit_id=0,
                                                        updated_at=now))
    return int(bind.scalar(sa.select(insight_progress.c.last_audit_id)
                           .where(insight_progress.c.name == PROGRESS)) or 0)


def _stored_facts(bind: Bind, case_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each case's facts now, as stored (`stored_form`)."""
    records, dims = _records(bind, case_ids)
    return {case_id: stored_form(record, dims[case_id]) for case_id, record in records.items()}


def stored_form(record: f.CaseRecord, dims: tuple[int, str, str]) -> dict[str, Any]:
    """A case's facts as `insight_case_facts` keeps them: its team, channel and category,
    and the facts (metric, day, agent, bucket, count, total) in a fixed order."""
    facts = sorted([fact.metric, fact.day.isoformat(), fact.agent_id or 0, fact.bucket,
                    fact.n, fact.total] for fact in f.case_facts(record))
    return {"d": list(dims), "f": facts}


def _records(
    bind: Bind, case_ids: Sequence[int]
) -> tuple[dict[int, f.CaseRecord], dict[int, tuple[int, str, str]]]:
    c = cases.c
    found = bind.execute(sa.select(
        c.id, c.opened_at, c.owner_id, c.resolved_at, c.confirmed_by_customer,
        c.fire_id, c.channel, c.category).where(c.id.in_(case_ids))).all()
    owners = {row.owner_id for row in found if row.owner_id is not None}
    teams = {row.id: row.team_id for row in bind.execute(
        sa.select(users.c.id, users.c.team_id).where(users.c.id.in_(owners)))} if owners else {}
    records: dict[int, f.CaseRecord] = {}
    dims: dict[int, tuple[int, str, str]] = {}
    for row in found:
        records[row.id] = f.CaseRecord(
            opened_at=row.opened_at, owner_id=row.owner_id, resolved_at=row.resolved_at,
            confirmed_by_customer=row.confirmed_by_customer, fire_id=row.fire_id)
        dims[row.id] = (teams.get(row.owner_id) or 0, str(row.channel), row.category or "")
    _read_related(bind, list(records), records)
    return records, dims


def _read_related(bind: Bind, ids: list[int], records: dict[int, f.CaseRecord]) -> None:
    if not ids:
        return
    readings = _readings(bind, ids)
    i = interactions.c
    for message_id, case_id, at, direction, author_id, analysis in bind.execute(
            sa.select(i.id, i.case_id, i.at, i.direction, i.author_id, i.analysis)
            .where(i.case_id.in_(ids), i.direction.in_(("inbound", "outbound")))):
        if direction == "inbound":
            records[case_id].inbound.append((at, analysis))
        elif message_id in readings:
            rules, used = readings[message_id]
            records[case_id].replies.append(f.Reply(
                at=at, author_id=author_id, read=True, rules=tuple(sorted(rules)),
                suggested=bool(rules or used), taken=bool(used)))
        else:
            records[case_id].replies.append(f.Reply(at=at, author_id=author_id))
    a = audit_entries.c
    for case_id, at, action in bind.execute(
            sa.select(a.case_id, a.at, a.action).where(
                a.case_id.in_(ids), a.action.in_((*f.RESOLVING_ACTIONS, f.REOPEN_ACTION)))):
        if action == f.REOPEN_ACTION:
            records[case_id].reopens.append(at)
        else:
            records[case_id].resolutions.append((at, action))
    e, fu, ap, sr = escalations.c, follow_ups.c, approval_requests.c, satisfaction_ratings.c
    for case_id, at, resolved_at in bind.execute(
            sa.select(e.case_id, e.at, e.resolved_at).where(e.case_id.in_(ids))):
        records[case_id].escalations.append((at, resolved_at))
    for case_id, due_at, done_at in bind.execute(
            sa.select(fu.case_id, fu.due_at, fu.done_at).where(fu.case_id.in_(ids))):
        records[case_id].follow_ups.append((due_at, done_at))
    for case_id, created_at, by_id, status, decided_at in bind.execute(
            sa.select(ap.case_id, ap.created_at, ap.requested_by_id, ap.status, ap.decided_at)
            .where(ap.case_id.in_(ids))):
        records[case_id].approvals.append(
            f.ApprovalFacts(created_at, by_id, str(status), decided_at))
    for case_id, at, score, comment in bind.execute(
            sa.select(sr.case_id, sr.at, sr.score, sr.comment).where(sr.case_id.in_(ids))):
        records[case_id].ratings.append((at, score))
        if comment:
            records[case_id].commented.append(at)


def _readings(bind: Bind, ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """The coach's reading kept with each sent reply of these cases (reply review):
    message id -> (the rules of its findings, the suggestions the agent used)."""
    sr, sf = sent_replies.c, sent_findings.c
    found: dict[int, tuple[list[str], list[str]]] = {}
    for message_id, used, rule in bind.execute(
            sa.select(sr.interaction_id, sr.suggestions_used, sf.rule)
            .outerjoin(sent_findings, sf.sent_reply_id == sr.id).where(sr.case_id.in_(ids))):
        rules, _ = found.setdefault(message_id, ([], list(used or [])))
        if rule is not None:
            rules.append(rule)
    return found


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]

