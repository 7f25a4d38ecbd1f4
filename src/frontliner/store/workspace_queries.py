"""The read side of the agent workspace: queue rows a person can scan.

Kept apart from `queries.py` (which stays the API's read side). A queue page is one
keyset-paginated query over `cases` (joined to its customer by primary key) plus ONE
query for the last message of the page's cases, each found by a backward probe of the
`interactions (case_id, at, id)` index: 25 rows cost two statements, never one per row,
and never a scan of the interactions table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.model import CaseStatus, Channel, Direction, Handover, Size
from frontliner.store.mapping import map_entities
from frontliner.store.pagination import Order, Page, page
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
    last: LastMessage | None = None


_ROW_COLUMNS = (cases.c.id, cases.c.ref, cases.c.nature, cases.c.status, cases.c.size,
                cases.c.channel, sa.func.coalesce(sa.func.nullif(cases.c.contact_name, ""),
                                                  customers.c.name), cases.c.updated_at)


def queue_rows(
    session: Session, filters: CaseFilter, cursor: str | None = None, limit: int | None = None
) -> Page[QueueRow]:
    """One page of a queue, most recently changed first, each row with its last message."""
    query = (sa.select(*_ROW_COLUMNS).select_from(cases)
             .join(customers, customers.c.id == cases.c.customer_id)
             .where(*_case_conditions(filters)))
    found = page(session, query, Order(cases.c.updated_at, cases.c.id), cursor, limit,
                 lambda r: QueueRow(*r))
    last = last_messages(session, [row.id for row in found.items])
    rows = [QueueRow(**{**row.__dict__, "last": last.get(row.id)}) for row in found.items]
    return Page(rows, found.next_cursor)


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
    line = " ".join(text.split())
    return line if len(line) <= PREVIEW_CHARS else line[: PREVIEW_CHARS - 1].rstrip() + "…"


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
