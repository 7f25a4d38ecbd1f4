"""The read side of assignment: the Unassigned queue's count and age, the cases leads
keep "to reassign", and who is on the desk now (presence, capacity, open cases).

Each is bounded and served by an index: unassigned cases by the (owner_id, status, ...)
index (owner_id IS NULL), cases to reassign by the partial `ix_cases_to_reassign`, and
the open cases per person by `uow.staff_load`'s per-user indexed counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.model import Case, Role, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store.mapping import map_entities
from frontliner.store.pagination import Order, Page, first, page
from frontliner.store.tables import cases, users
from frontliner.store.uow import UNRESOLVED

map_entities()

MAX_STAFF = 200


@dataclass(frozen=True)
class Waiting:
    """The Unassigned queue at a glance: how many (counted up to `cap`) and since when."""

    count: int
    oldest_opened_at: datetime | None
    capped: bool


def unassigned_summary(session: Session, cap: int = 1_000) -> Waiting:
    waiting = sa.and_(cases.c.owner_id.is_(None), cases.c.status.in_(UNRESOLVED))
    ids = sa.select(cases.c.id).where(waiting).limit(cap).subquery()
    count = int(session.scalar(sa.select(sa.func.count()).select_from(ids)) or 0)
    oldest = session.scalar(sa.select(sa.func.min(cases.c.opened_at)).where(waiting))
    return Waiting(count=count, oldest_opened_at=oldest, capped=count >= cap)


def list_unassigned(
    session: Session, cursor: str | None = None, limit: int | None = None
) -> Page[Case]:
    """Unassigned cases, the longest waiting first."""
    query = sa.select(Case).where(cases.c.owner_id.is_(None), cases.c.status.in_(UNRESOLVED))
    return page(session, query, Order(cases.c.opened_at, cases.c.id, descending=False),
                cursor, limit, first)


def list_to_reassign(
    session: Session, cursor: str | None = None, limit: int | None = None
) -> Page[Case]:
    """Cases a lead keeps for a deactivated colleague, the oldest first."""
    query = sa.select(Case).where(cases.c.returned_from_id.is_not(None),
                                  cases.c.status.in_(UNRESOLVED))
    return page(session, query, Order(cases.c.opened_at, cases.c.id, descending=False),
                cursor, limit, first)


def count_to_reassign(session: Session, cap: int = 1_000) -> int:
    ids = (sa.select(cases.c.id)
           .where(cases.c.returned_from_id.is_not(None), cases.c.status.in_(UNRESOLVED))
           .limit(cap).subquery())
    return int(session.scalar(sa.select(sa.func.count()).select_from(ids)) or 0)


@dataclass(frozen=True)
class OnDesk:
    user: User
    open_cases: int


def staff_on_desk(
    session: Session, uow: UnitOfWork, roles: tuple[Role, ...] = (Role.AGENT,)
) -> list[OnDesk]:
    """Active staff of `roles` with their open cases (at most MAX_STAFF, by name)."""
    query: Any = (sa.select(User).where(users.c.active.is_(True), users.c.role.in_(roles))
                  .order_by(users.c.name, users.c.id).limit(MAX_STAFF))
    people = list(session.scalars(query))
    loads = uow.staff_load([p.id for p in people if p.id is not None])
    return [OnDesk(p, loads.get(p.id or 0, 0)) for p in people]
