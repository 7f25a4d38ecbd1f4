"""The read side of the lead console (and the names the customer portal shows).

Kept apart from `queries.py` so the console's lists can grow without making that module
any longer; the same rules hold: every list is keyset-paginated and served by an index
in `store/tables.py`, every count is capped, nothing loads a whole table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.model import (
    ApprovalRequest,
    ApprovalStatus,
    Case,
    CaseStatus,
    Channel,
    Remedy,
    Role,
)
from frontliner.store.mapping import map_entities
from frontliner.store.pagination import MAX_LIMIT, Order, Page, first, page
from frontliner.store.tables import (
    approval_requests,
    cases,
    escalations,
    interactions,
    remedies,
    users,
)

map_entities()

# Signed closing exceptions, newest first: a partial index holds only the few cases a
# lead resolved without the customer's confirmation (migration 0006).
EXCEPTIONS_INDEX = sa.Index(
    "ix_cases_exceptions_resolved_at",
    cases.c.resolved_at,
    cases.c.id,
    sqlite_where=cases.c.exception_by_id.is_not(None),
    postgresql_where=cases.c.exception_by_id.is_not(None),
)

# Confirmations staff recorded from the customer's cited words, newest first: a partial
# index holds only those cases (migration 0007).
RECORDED_CONFIRMATIONS_INDEX = sa.Index(
    "ix_cases_recorded_confirmations_resolved_at",
    cases.c.resolved_at,
    cases.c.id,
    sqlite_where=cases.c.confirmation_interaction_id.is_not(None),
    postgresql_where=cases.c.confirmation_interaction_id.is_not(None),
)

# A count on a busy desk is capped: "999+" tells a lead all they need, and counting
# stops early instead of walking an index of 100,000 rows on every page view.
COUNT_CAP = 999


def capped_count(session: Session, query: sa.Select[tuple[int]], cap: int = COUNT_CAP) -> int:
    """How many rows `query` (selecting one column) has, counting no further than cap + 1."""
    limited = query.limit(cap + 1).subquery()
    total = session.scalar(sa.select(sa.func.count()).select_from(limited))
    return int(total or 0)


def names_of(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """The names of the users behind a page's worth of ids (at most MAX_LIMIT of them)."""
    wanted = sorted({i for i in ids if i is not None})[:MAX_LIMIT]
    if not wanted:
        return {}
    rows = session.execute(sa.select(users.c.id, users.c.name).where(users.c.id.in_(wanted)))
    return {row.id: row.name for row in rows}


@dataclass(frozen=True)
class Colleague:
    id: int
    name: str
    role: Role


def _colleagues_statement() -> sa.Select[Any]:
    per_role = sa.bindparam("per_role", type_=sa.Integer)
    parts = [
        sa.select(users.c.id, users.c.name, users.c.role, sa.literal(order).label("o"))
        .where(users.c.role == role, users.c.active.is_(True))
        .order_by(users.c.id).limit(per_role).subquery()
        for order, role in enumerate((Role.AGENT, Role.LEAD))
    ]
    union = sa.union_all(*(sa.select(*part.c) for part in parts)).subquery()
    return sa.select(union.c.id, union.c.name, union.c.role).order_by(union.c.o, union.c.id)


# Built once: a statement object keeps its cache key, so each page only binds the limit.
_COLLEAGUES = _colleagues_statement()


def colleagues(session: Session, per_role: int = 50) -> list[Colleague]:
    """Active agents, then active leads (the first `per_role` of each by id): whom a case
    can be handed over or escalated to. One statement and plain rows: the case page
    loaded them as two pages of full users (11% of its CPU at 20k cases)."""
    rows = session.execute(_COLLEAGUES, {"per_role": per_role})
    return [Colleague(row.id, row.name, Role(row.role)) for row in rows]


# --- approvals ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalRow:
    """One approval request as a lead decides it: the remedy, the limit it is above
    (`approval.reason`), the case and who asked."""

    approval: ApprovalRequest
    remedy: Remedy
    case_ref: str
    case_nature: str
    requested_by: str


def _approval_query() -> sa.Select[tuple[ApprovalRequest, Remedy, str, str, str]]:
    return (
        sa.select(ApprovalRequest, Remedy, cases.c.ref, cases.c.nature, users.c.name)
        .join(remedies, remedies.c.id == approval_requests.c.remedy_id)
        .join(cases, cases.c.id == approval_requests.c.case_id)
        .join(users, users.c.id == approval_requests.c.requested_by_id)
    )


def _approval_row(row: Sequence[Any]) -> ApprovalRow:
    approval, remedy, ref, nature, name = row
    assert isinstance(approval, ApprovalRequest) and isinstance(remedy, Remedy)
    return ApprovalRow(approval, remedy, str(ref), str(nature), str(name))


def approval_queue(
    session: Session, cursor: str | None = None, limit: int | None = None
) -> Page[ApprovalRow]:
    """Approval requests waiting for a lead, the longest-waiting first."""
    query = _approval_query().where(approval_requests.c.status == ApprovalStatus.PENDING)
    order = Order(approval_requests.c.created_at, approval_requests.c.id, descending=False)
    return page(session, query, order, cursor, limit, _approval_row)


def approval_by_id(session: Session, approval_id: int) -> ApprovalRow | None:
    row = session.execute(_approval_query().where(approval_requests.c.id == approval_id)).first()
    return None if row is None else _approval_row(tuple(row))


def recent_decisions(session: Session, limit: int = 10) -> list[ApprovalRow]:
    """The latest approved or declined requests (newest request first), for context."""
    n = min(limit, MAX_LIMIT)
    newest_first = (approval_requests.c.created_at.desc(), approval_requests.c.id.desc())
    # The newest n of each status, each read from the end of the (status, created_at, id)
    # index: "status IN (both)" ordered by date read and sorted every decided request
    # (730 ms at a million cases).
    per_status = [
        sa.select(approval_requests.c.id).where(approval_requests.c.status == status)
        .order_by(*newest_first).limit(n)
        for status in (ApprovalStatus.APPROVED, ApprovalStatus.DECLINED)
    ]
    candidates = sa.union_all(*(s.subquery().select() for s in per_status)).subquery()
    query = (
        _approval_query()
        .where(approval_requests.c.id.in_(sa.select(candidates.c.id)))
        .order_by(*newest_first)
        .limit(n)
    )
    return [_approval_row(tuple(row)) for row in session.execute(query)]


# Escalations for the console come from `queries.list_escalations` (with what each case
# is about), the same query the API lists them with.

# --- the closing rule ----------------------------------------------------------------------


def awaiting_confirmation(
    session: Session, cursor: str | None = None, limit: int | None = None
) -> Page[Case]:
    """Cases waiting for the customer's confirmation, the longest-waiting first: the
    ones a lead may need to close with a signed exception."""
    query = sa.select(Case).where(cases.c.status == CaseStatus.AWAITING_CONFIRMATION)
    order = Order(cases.c.updated_at, cases.c.id, descending=False)
    return page(session, query, order, cursor, limit, first)


def exceptions_signed(
    session: Session, cursor: str | None = None, limit: int | None = None
) -> Page[Case]:
    """Cases a lead resolved with a signed exception, the most recent first (a reopened
    case loses its exception and leaves this list)."""
    query = sa.select(Case).where(cases.c.exception_by_id.is_not(None))
    return page(session, query, Order(cases.c.resolved_at, cases.c.id), cursor, limit, first)


@dataclass(frozen=True)
class RecordedConfirmation:
    """A case resolved on the customer's words as staff recorded them: the words cited,
    where they came in, and who recorded them."""

    case: Case
    words: str
    channel: Channel | None
    recorded_by: str | None


def recorded_confirmations(
    session: Session, cursor: str | None = None, limit: int | None = None
) -> Page[RecordedConfirmation]:
    """Cases resolved on a confirmation staff recorded (not the customer's own), the most
    recent first, with the cited words. A reopened case leaves the list (its audit trail
    keeps the entry)."""
    query = (
        sa.select(Case, interactions.c.body, interactions.c.channel, users.c.name)
        .outerjoin(interactions, interactions.c.id == cases.c.confirmation_interaction_id)
        .outerjoin(users, users.c.id == cases.c.confirmation_recorded_by_id)
        .where(cases.c.confirmation_interaction_id.is_not(None))
    )

    def row(found: Sequence[Any]) -> RecordedConfirmation:
        case, words, channel, name = found
        return RecordedConfirmation(case, words or "", channel, name)

    return page(session, query, Order(cases.c.resolved_at, cases.c.id), cursor, limit, row)


# --- the console's counts ------------------------------------------------------------------


@dataclass(frozen=True)
class ConsoleCounts:
    approvals: int
    escalated_to_me: int
    escalations_open: int
    awaiting_confirmation: int


def console_counts(session: Session, lead_id: int) -> ConsoleCounts:
    """What waits for a lead, each count capped at COUNT_CAP + 1."""
    open_escalations = sa.select(escalations.c.id).where(escalations.c.resolved_at.is_(None))
    return ConsoleCounts(
        approvals=capped_count(
            session,
            sa.select(approval_requests.c.id).where(
                approval_requests.c.status == ApprovalStatus.PENDING
            ),
        ),
        escalated_to_me=capped_count(
            session, open_escalations.where(escalations.c.handler_id == lead_id)
        ),
        escalations_open=capped_count(session, open_escalations),
        awaiting_confirmation=capped_count(
            session,
            sa.select(cases.c.id).where(cases.c.status == CaseStatus.AWAITING_CONFIRMATION),
        ),
    )
