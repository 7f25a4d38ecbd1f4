"""The read side of the agent workspace: queue rows a person can scan.

Kept apart from `queries.py` (which stays the API's read side). A queue page is one
keyset-paginated query over `cases` (joined to its customer by primary key), in the order
of `cases.waiting_since` (kept by the desk; indexed with the owner and the handler), plus ONE
query for the last message of the page's cases, each found by a backward probe of the
`interactions (case_id, at, id)` index: 25 rows cost two statements, never one per row,
and never a scan of the interactions table.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.errors import Invalid
from frontliner.desk.model import CaseStatus, Channel, Direction, Handover, Size
from frontliner.store.mapping import map_entities
from frontliner.store.pagination import MAX_LIMIT, Page, bounded, encode_cursor
from frontliner.store.queries import CaseFilter, _case_conditions
from frontliner.store.tables import cases, customers, handovers, interactions

map_entities()

# How much of the last message a row shows (the database cuts it: a long e-mail is never
# loaded whole for a one-line preview).
PREVIEW_CHARS = 160


@dataclass(frozen=True)
class LastMessage:
    direction: Direction
    at: datetime
    preview: str


@dataclass(frozen=True)
class QueueRow:
    """One line of a queue: who, what, where it stands, and the last word said."""

    id: int
    ref: str
    nature: str
    status: CaseStatus
    size: Size
    channel: Channel
    customer: str
    updated_at: datetime | None
    waiting_since: datetime | None
    last: LastMessage | None = None


_CUSTOMER = sa.func.coalesce(sa.func.nullif(cases.c.contact_name, ""), customers.c.name)
_ROW_COLUMNS = (cases.c.id, cases.c.ref, cases.c.nature, cases.c.status, cases.c.size,
                cases.c.channel, _CUSTOMER, cases.c.updated_at,
                cases.c.waiting_since)
_WAIT = cases.c.waiting_since


def queue_rows(
    session: Session, filters: CaseFilter, cursor: str | None = None, limit: int | None = None
) -> Page[QueueRow]:
    """One page of a queue, the customer who has waited longest first (cases where we
    answered last after them, oldest case first), each row with its last message."""
    size = bounded(limit)
    query = (sa.select(*_ROW_COLUMNS).select_from(cases)
             .join(customers, customers.c.id == cases.c.customer_id)
             .where(*_case_conditions(filters)))
    if cursor:
        query = query.where(_after(*_decode(cursor)))
    query = query.order_by(_WAIT.asc().nulls_last(), cases.c.id.asc()).limit(size + 1)
    found = [QueueRow(*row) for row in session.execute(query).all()]
    more = len(found) > size
    found = found[:size]
    last = last_messages(session, [row.id for row in found])
    rows = [replace(row, last=last.get(row.id)) for row in found]
    next_cursor = encode_cursor(found[-1].waiting_since, found[-1].id) if more else None
    return Page(rows, next_cursor)


def _after(since: datetime | None, id: int) -> sa.ColumnElement[bool]:
    """Strictly after (since, id) in the queue's order, NULLs (nobody waiting) last."""
    waiting = cases.c.waiting_since
    if since is None:
        return sa.and_(waiting.is_(None), cases.c.id > id)
    return sa.or_(waiting > since, sa.and_(waiting == since, cases.c.id > id),
                  waiting.is_(None))


def _decode(cursor: str) -> tuple[datetime | None, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        since, id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(id, int) or isinstance(id, bool):
            raise ValueError("id")
        return (None if since is None else datetime.fromisoformat(since)), id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Invalid("That cursor is not valid; start again from the first page.",
                      {"cursor": "not a cursor from this list"}) from None


def last_messages(session: Session, case_ids: Sequence[int]) -> dict[int, LastMessage]:
    """The newest message (not an internal note) of each case, with a short preview."""
    if not case_ids:
        return {}
    i = interactions
    newest = (sa.select(i.c.id)
              .where(i.c.case_id == cases.c.id, i.c.direction != Direction.NOTE)
              .order_by(i.c.at.desc(), i.c.id.desc())
              .limit(1)
              .correlate(cases)
              .scalar_subquery())
    query = (sa.select(cases.c.id, i.c.direction, i.c.at,
                       sa.func.substr(i.c.body, 1, PREVIEW_CHARS + 1))
             .select_from(cases)
             .join(i, i.c.id == newest)
             .where(cases.c.id.in_(list(case_ids))))
    return {row[0]: LastMessage(row[1], row[2], _one_line(row[3]))
            for row in session.execute(query)}


def _one_line(text: str) -> str:
    """`text` is the message's first PREVIEW_CHARS + 1 characters: more than PREVIEW_CHARS
    means the message goes on, which the preview says with an ellipsis."""
    cut = len(text) > PREVIEW_CHARS
    line = " ".join(text[:PREVIEW_CHARS].split())
    return line[: PREVIEW_CHARS - 1].rstrip() + "…" if cut else line


@dataclass(frozen=True)
class OfferedHandover:
    handover: Handover
    case_ref: str
    nature: str


def handovers_offered(session: Session, user_id: int, limit: int = 10) -> list[OfferedHandover]:
    """Handovers waiting for this user's answer, oldest first, named by their case."""
    query = (sa.select(Handover, cases.c.ref, cases.c.nature)
             .join(cases, cases.c.id == handovers.c.case_id)
             .where(handovers.c.to_user_id == user_id, handovers.c.status == "offered")
             .order_by(handovers.c.offered_at, handovers.c.id)
             .limit(limit))
    return [OfferedHandover(*row) for row in session.execute(query).all()]


def case_refs(session: Session, case_ids: Sequence[int]) -> dict[int, str]:
    """The references of a page's worth of cases (lists name cases by reference, never
    by their database id)."""
    wanted = sorted(set(case_ids))[:MAX_LIMIT]
    if not wanted:
        return {}
    rows = session.execute(sa.select(cases.c.id, cases.c.ref).where(cases.c.id.in_(wanted)))
    return {row.id: row.ref for row in rows}


def customers_of(session: Session, case_ids: Sequence[int]) -> dict[int, tuple[str, Channel]]:
    """Who each of a page's cases is for, and its channel (the follow-ups queue lists
    follow-ups, not cases, and names their customers with this)."""
    wanted = sorted(set(case_ids))[:MAX_LIMIT]
    if not wanted:
        return {}
    query = (sa.select(cases.c.id, _CUSTOMER, cases.c.channel).select_from(cases)
             .join(customers, customers.c.id == cases.c.customer_id)
             .where(cases.c.id.in_(wanted)))
    return {row[0]: (row[1], row[2]) for row in session.execute(query)}
