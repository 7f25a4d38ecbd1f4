"""The read side of the API: lists, search, timelines, case detail.

Reads do not go through the domain (it only enforces rules on writes); the web calls
these directly with the session of a unit of work (`uow.session`) after deciding what
the actor may see. Every list is keyset-paginated (`store/pagination.py`), bounded to
MAX_LIMIT rows, and served by an index in `store/tables.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.model import (
    ApiToken,
    ApprovalRequest,
    ApprovalStatus,
    ArticleStatus,
    AuditEntry,
    Case,
    CaseStatus,
    Contact,
    Customer,
    Escalation,
    Fire,
    FireNote,
    FollowUp,
    Handover,
    HandoverStatus,
    Interaction,
    KnowledgeArticle,
    Kudos,
    PreparedReply,
    Remedy,
    Role,
    SatisfactionRating,
    Size,
    User,
)
from frontliner.store.mapping import map_entities
from frontliner.store.pagination import Order, Page, first, page
from frontliner.store.tables import (
    api_tokens,
    approval_requests,
    audit_entries,
    cases,
    contacts,
    customers,
    escalations,
    fire_notes,
    fires,
    follow_ups,
    handovers,
    interactions,
    knowledge_articles,
    kudos,
    prepared_replies,
    remedies,
    satisfaction_ratings,
    users,
)
from frontliner.store.types import json_list_contains

map_entities()  # the queries select entity classes, so the mapping must exist

# How many of a case's own items the detail view shows at once (the rest are paged).
DETAIL_ITEMS = 50


def contains(column: sa.ColumnElement[Any], text: str) -> sa.ColumnElement[bool]:
    """Case-insensitive substring search with the user's text taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


# --- cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilter:
    """Every field narrows the list; None means "any"."""

    owner_id: int | None = None
    handler_id: int | None = None
    customer_id: int | None = None
    statuses: Sequence[CaseStatus] | None = None
    size: Size | None = None
    fire_id: int | None = None
    search: str | None = None  # in the nature of the problem
    follow_up_due_by: datetime | None = None  # with an open follow-up due by then
    unowned: bool = False  # only cases nobody owns (the owner left, no one could take it)


def _case_conditions(f: CaseFilter) -> list[sa.ColumnElement[bool]]:
    equal = {
        cases.c.owner_id: f.owner_id,
        cases.c.handler_id: f.handler_id,
        cases.c.customer_id: f.customer_id,
        cases.c.size: f.size,
        cases.c.fire_id: f.fire_id,
    }
    conditions = [column == value for column, value in equal.items() if value is not None]
    if f.unowned:
        conditions.append(cases.c.owner_id.is_(None))
    if f.statuses:
        conditions.append(cases.c.status.in_(list(f.statuses)))
    if f.search:
        conditions.append(contains(cases.c.nature, f.search))
    if f.follow_up_due_by is not None:
        due = sa.select(follow_ups.c.id).where(
            follow_ups.c.case_id == cases.c.id,
            follow_ups.c.done_at.is_(None),
            follow_ups.c.due_at <= f.follow_up_due_by,
        )
        conditions.append(due.exists())
    return conditions


def list_cases(
    session: Session, filters: CaseFilter, cursor: str | None = None, limit: int | None = None
) -> Page[Case]:
    """Cases, most recently changed first."""
    query = sa.select(Case).where(*_case_conditions(filters))
    return page(session, query, Order(cases.c.updated_at, cases.c.id), cursor, limit, first)


_CASE_COLUMNS = tuple(cases.c.keys())


def list_case_rows(
    session: Session, filters: CaseFilter, cursor: str | None = None, limit: int | None = None
) -> Page[dict[str, Any]]:
    """`list_cases` as plain column values, for a view that only renders them: a page
    of fifty skips building, tracking and identity-mapping fifty ORM objects."""
    query = sa.select(cases).where(*_case_conditions(filters))
    order = Order(cases.c.updated_at, cases.c.id)
    return page(
        session, query, order, cursor, limit, lambda r: dict(zip(_CASE_COLUMNS, r, strict=True))
    )


def count_cases(session: Session, filters: CaseFilter, cap: int = 1_000) -> int:
    """How many cases match, counting at most `cap` (a queue shows "1000+" beyond it), so
    a count never scans more rows than a few pages would."""
    return int(session.scalar(_capped_case_count(filters, cap)) or 0)


def _capped_case_count(filters: CaseFilter, cap: int) -> sa.Select[Any]:
    matching = sa.select(cases.c.id).where(*_case_conditions(filters)).limit(cap).subquery()
    return sa.select(sa.func.count()).select_from(matching)


def count_queues(
    session: Session, queues: dict[str, CaseFilter], follow_ups_of: int, due_by: datetime,
    cap: int = 1_000,
) -> dict[str, int]:
    """`count_cases` for each queue and `count_follow_ups_due`, in one statement: every
    agent page shows them, and five round trips each waited for a core on a busy host."""
    counts = [_capped_case_count(f, cap).scalar_subquery().label(f"q{n}")
              for n, f in enumerate(queues.values())]
    counts.append(_follow_ups_due(follow_ups_of, due_by, cap).scalar_subquery().label("due"))
    row = session.execute(sa.select(*counts)).one()
    found = {key: int(row[n] or 0) for n, key in enumerate(queues)}
    found["follow-ups"] = int(row[-1] or 0)
    return found


@dataclass(frozen=True)
class CaseDetail:
    """Everything a case page shows, each list bounded to DETAIL_ITEMS (newest kept)."""

    case: Case
    customer: Customer
    contacts: list[Contact]
    owner: User | None
    handler: User | None
    open_handover: Handover | None
    open_follow_ups: list[FollowUp]
    remedies: list[Remedy]
    approvals: list[ApprovalRequest]
    escalations: list[Escalation]
    interactions: list[Interaction]
    ratings: list[SatisfactionRating] = field(default_factory=list)


# The detail view's statements are built once: a statement object keeps its own cache
# key, so each view only binds ids instead of rebuilding and re-keying eleven queries.
_CASE_ID = sa.bindparam("case_id", type_=sa.Integer)
_CUSTOMER_ID = sa.bindparam("customer_id", type_=sa.Integer)


def _newest(entity: type[Any], table: sa.Table) -> sa.Select[Any]:
    return (
        sa.select(entity)
        .where(table.c.case_id == _CASE_ID)
        .order_by(table.c.id.desc())
        .limit(DETAIL_ITEMS)
    )


_CASE_BY_REF = sa.select(Case).where(cases.c.ref == sa.bindparam("ref", type_=sa.String))
_CONTACTS = (
    sa.select(Contact)
    .where(contacts.c.customer_id == _CUSTOMER_ID)
    .order_by(contacts.c.id)
    .limit(DETAIL_ITEMS)
)
_OPEN_HANDOVER_WHERE = sa.and_(
    handovers.c.case_id == _CASE_ID, handovers.c.status == HandoverStatus.OFFERED
)
_OPEN_FOLLOW_UPS_WHERE = sa.and_(follow_ups.c.case_id == _CASE_ID, follow_ups.c.done_at.is_(None))
# Each of a case's own lists: the newest DETAIL_ITEMS rows, shown oldest first.
_LISTS: dict[str, tuple[sa.Select[Any], sa.ColumnElement[bool]]] = {
    "open_handover": (
        sa.select(Handover).where(_OPEN_HANDOVER_WHERE).order_by(handovers.c.id.desc()).limit(1),
        _OPEN_HANDOVER_WHERE,
    ),
    "open_follow_ups": (
        sa.select(FollowUp)
        .where(_OPEN_FOLLOW_UPS_WHERE)
        .order_by(follow_ups.c.due_at, follow_ups.c.id)
        .limit(DETAIL_ITEMS),
        _OPEN_FOLLOW_UPS_WHERE,
    ),
    "remedies": (_newest(Remedy, remedies), remedies.c.case_id == _CASE_ID),
    "approvals": (
        _newest(ApprovalRequest, approval_requests),
        approval_requests.c.case_id == _CASE_ID,
    ),
    "escalations": (_newest(Escalation, escalations), escalations.c.case_id == _CASE_ID),
    "interactions": (_newest(Interaction, interactions), interactions.c.case_id == _CASE_ID),
    "ratings": (
        _newest(SatisfactionRating, satisfaction_ratings),
        satisfaction_ratings.c.case_id == _CASE_ID,
    ),
}
# One indexed probe per list, in one round trip: most cases have messages but no
# remedies, approvals, escalations or ratings, and an empty list costs no query then.
_PRESENT = sa.select(*(sa.exists().where(where).label(name) for name, (_, where) in _LISTS.items()))


def case_detail(session: Session, ref: str) -> CaseDetail | None:
    case = session.scalars(_CASE_BY_REF, {"ref": ref}).first()
    if case is None or case.id is None:
        return None
    return detail_of(session, case)


def detail_of(session: Session, case: Case) -> CaseDetail:
    """The detail of a case already loaded (e.g. by the access check) in `session`."""
    assert case.id is not None, "a stored case has an id"
    customer = session.get(Customer, case.customer_id)
    assert customer is not None  # a foreign key guarantees it
    ids = {"case_id": case.id}
    present = session.execute(_PRESENT, ids).one()._mapping
    lists: dict[str, list[Any]] = {}
    for name, (query, _) in _LISTS.items():
        rows = list(session.scalars(query, ids)) if present[name] else []
        lists[name] = rows if name in ("open_handover", "open_follow_ups") else rows[::-1]
    return CaseDetail(
        case=case,
        customer=customer,
        contacts=list(session.scalars(_CONTACTS, {"customer_id": case.customer_id})),
        owner=session.get(User, case.owner_id) if case.owner_id else None,
        handler=session.get(User, case.handler_id) if case.handler_id else None,
        open_handover=next(iter(lists["open_handover"]), None),
        open_follow_ups=lists["open_follow_ups"],
        remedies=lists["remedies"],
        approvals=lists["approvals"],
        escalations=lists["escalations"],
        interactions=lists["interactions"],
        ratings=lists["ratings"],
    )


def audit_trail(
    session: Session, case_id: int, cursor: str | None = None, limit: int | None = None
) -> Page[AuditEntry]:
    """A case's audit entries in the order they happened."""
    query = sa.select(AuditEntry).where(audit_entries.c.case_id == case_id)
    order = Order(audit_entries.c.at, audit_entries.c.id, descending=False)
    return page(session, query, order, cursor, limit, first)


def case_interactions(
    session: Session,
    case_id: int,
    cursor: str | None = None,
    limit: int | None = None,
    include_notes: bool = True,
) -> Page[Interaction]:
    """A case's messages in the order they happened (internal notes only for staff)."""
    query = sa.select(Interaction).where(interactions.c.case_id == case_id)
    if not include_notes:
        query = query.where(interactions.c.direction != "note")
    order = Order(interactions.c.at, interactions.c.id, descending=False)
    return page(session, query, order, cursor, limit, first)


# --- the customer's timeline ------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    interaction: Interaction
    case_ref: str
    case_status: CaseStatus


def customer_timeline(
    session: Session,
    customer_id: int,
    cursor: str | None = None,
    limit: int | None = None,
    include_notes: bool = True,
) -> Page[TimelineEntry]:
    """Every message of a customer across all their cases and channels, newest first."""
    query = (
        sa.select(Interaction, cases.c.ref, cases.c.status)
        .join(cases, cases.c.id == interactions.c.case_id)
        .where(interactions.c.customer_id == customer_id)
    )
    if not include_notes:
        query = query.where(interactions.c.direction != "note")
    order = Order(interactions.c.at, interactions.c.id)
    return page(session, query, order, cursor, limit, lambda r: TimelineEntry(r[0], r[1], r[2]))


# --- approvals, escalations, follow-ups, handovers ----------------------------------------


@dataclass(frozen=True)
class PendingApproval:
    approval: ApprovalRequest
    remedy: Remedy
    case_ref: str


def approvals_pending(
    session: Session, cursor: str | None = None, limit: int | None = None
) -> Page[PendingApproval]:
    """Approval requests waiting for a lead, the longest-waiting first."""
    query = (
        sa.select(ApprovalRequest, Remedy, cases.c.ref)
        .join(remedies, remedies.c.id == approval_requests.c.remedy_id)
        .join(cases, cases.c.id == approval_requests.c.case_id)
        .where(approval_requests.c.status == ApprovalStatus.PENDING)
    )
    order = Order(approval_requests.c.created_at, approval_requests.c.id, descending=False)
    return page(session, query, order, cursor, limit, lambda r: PendingApproval(r[0], r[1], r[2]))


@dataclass(frozen=True)
class EscalationRow:
    escalation: Escalation
    case_ref: str
    case_status: CaseStatus
    case_nature: str  # what the case is about, for the lead's console


def list_escalations(
    session: Session,
    handler_id: int | None = None,
    open_only: bool = False,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[EscalationRow]:
    """Escalations, newest first; `open_only` keeps those not yet resolved."""
    query = sa.select(Escalation, cases.c.ref, cases.c.status, cases.c.nature).join(
        cases, cases.c.id == escalations.c.case_id
    )
    if handler_id is not None:
        query = query.where(escalations.c.handler_id == handler_id)
    if open_only:
        query = query.where(escalations.c.resolved_at.is_(None))
    order = Order(escalations.c.at, escalations.c.id)
    return page(
        session,
        query,
        order,
        cursor,
        limit,
        lambda r: EscalationRow(r[0], str(r[1]), CaseStatus(r[2]), str(r[3])),
    )


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: FollowUp
    case_ref: str


def follow_ups_due(
    session: Session,
    owner_id: int,
    due_by: datetime,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[FollowUpRow]:
    """An owner's open follow-ups due by `due_by`, the most overdue first."""
    query = (
        sa.select(FollowUp, cases.c.ref)
        .join(cases, cases.c.id == follow_ups.c.case_id)
        .where(
            follow_ups.c.owner_id == owner_id,
            follow_ups.c.done_at.is_(None),
            follow_ups.c.due_at <= due_by,
        )
    )
    order = Order(follow_ups.c.due_at, follow_ups.c.id, descending=False)
    return page(session, query, order, cursor, limit, lambda r: FollowUpRow(r[0], r[1]))


def count_follow_ups_due(
    session: Session, owner_id: int, due_by: datetime, cap: int = 1_000
) -> int:
    """How many of an owner's open follow-ups are due by `due_by`, counting at most `cap`."""
    return int(session.scalar(_follow_ups_due(owner_id, due_by, cap)) or 0)


def _follow_ups_due(owner_id: int, due_by: datetime, cap: int) -> sa.Select[Any]:
    matching = (
        sa.select(follow_ups.c.id)
        .where(
            follow_ups.c.owner_id == owner_id,
            follow_ups.c.done_at.is_(None),
            follow_ups.c.due_at <= due_by,
        )
        .limit(cap)
        .subquery()
    )
    return sa.select(sa.func.count()).select_from(matching)


def handovers_offered_to(
    session: Session, user_id: int, cursor: str | None = None, limit: int | None = None
) -> Page[Handover]:
    """Handovers waiting for this user to accept or decline, oldest first."""
    query = sa.select(Handover).where(
        handovers.c.to_user_id == user_id, handovers.c.status == HandoverStatus.OFFERED
    )
    order = Order(handovers.c.offered_at, handovers.c.id, descending=False)
    return page(session, query, order, cursor, limit, first)


# --- fire log, knowledge, prepared replies, kudos -----------------------------------------


def list_fires(
    session: Session,
    search: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Fire]:
    """The fire log, newest problem first."""
    query = sa.select(Fire)
    if search:
        query = query.where(sa.or_(contains(fires.c.title, search), contains(fires.c.fix, search)))
    return page(session, query, Order(fires.c.created_at, fires.c.id), cursor, limit, first)


def fire_log_notes(
    session: Session, fire_id: int, cursor: str | None = None, limit: int | None = None
) -> Page[FireNote]:
    """A fire's signed notes in the order they were written."""
    query = sa.select(FireNote).where(fire_notes.c.fire_id == fire_id)
    order = Order(fire_notes.c.at, fire_notes.c.id, descending=False)
    return page(session, query, order, cursor, limit, first)


def list_articles(
    session: Session,
    search: str | None = None,
    status: ArticleStatus | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[KnowledgeArticle]:
    """Knowledge articles, newest first, searched in title and body."""
    query = sa.select(KnowledgeArticle)
    if status is not None:
        query = query.where(knowledge_articles.c.status == status)
    if search:
        query = query.where(
            sa.or_(
                contains(knowledge_articles.c.title, search),
                contains(knowledge_articles.c.body, search),
            )
        )
    order = Order(knowledge_articles.c.created_at, knowledge_articles.c.id)
    return page(session, query, order, cursor, limit, first)


def list_prepared_replies(
    session: Session,
    search: str | None = None,
    tag: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
    status: ArticleStatus | None = None,
) -> Page[PreparedReply]:
    """Prepared replies, newest first, searched in title and body, or by tag."""
    query = sa.select(PreparedReply)
    if status is not None:
        query = query.where(prepared_replies.c.status == status)
    if search:
        query = query.where(
            sa.or_(
                contains(prepared_replies.c.title, search),
                contains(prepared_replies.c.body, search),
            )
        )
    if tag:
        query = query.where(json_list_contains(prepared_replies.c.tags, tag))
    order = Order(prepared_replies.c.created_at, prepared_replies.c.id)
    return page(session, query, order, cursor, limit, first)


def suggestions(
    session: Session, words: Sequence[str], limit: int = 3
) -> tuple[list[KnowledgeArticle], list[PreparedReply]]:
    """Published articles and prepared replies whose title or body holds any of `words`
    (a case's distinctive words), newest first: two bounded queries for a case page."""
    if not words:
        return [], []
    article_match = [
        sa.or_(contains(knowledge_articles.c.title, w), contains(knowledge_articles.c.body, w))
        for w in words
    ]
    reply_match = [
        sa.or_(contains(prepared_replies.c.title, w), contains(prepared_replies.c.body, w))
        for w in words
    ]
    articles = session.scalars(
        sa.select(KnowledgeArticle)
        .where(knowledge_articles.c.status == ArticleStatus.PUBLISHED, sa.or_(*article_match))
        .order_by(knowledge_articles.c.created_at.desc(), knowledge_articles.c.id.desc())
        .limit(limit)
    ).all()
    replies = session.scalars(
        sa.select(PreparedReply)
        .where(prepared_replies.c.status == ArticleStatus.PUBLISHED, sa.or_(*reply_match))
        .order_by(prepared_replies.c.created_at.desc(), prepared_replies.c.id.desc())
        .limit(limit)
    ).all()
    return list(articles), list(replies)


def kudos_for(
    session: Session, user_id: int, cursor: str | None = None, limit: int | None = None
) -> Page[Kudos]:
    """Kudos and fix credits an agent received, newest first."""
    query = sa.select(Kudos).where(kudos.c.to_user_id == user_id)
    return page(session, query, Order(kudos.c.at, kudos.c.id), cursor, limit, first)


# --- people -------------------------------------------------------------------------------

_TOKEN_HOLDER = (
    sa.select(ApiToken, User)
    .join(users, users.c.id == api_tokens.c.user_id)
    .where(api_tokens.c.token_hash == sa.bindparam("digest", type_=sa.String))
)


def token_holder(session: Session, digest: str) -> tuple[ApiToken, User] | None:
    """The API token with this hash and the user it belongs to, in one query: every
    request made with a token asks this first."""
    row = session.execute(_TOKEN_HOLDER, {"digest": digest}).first()
    return None if row is None else (row[0], row[1])


def list_customers(
    session: Session,
    search: str | None = None,
    include_merged: bool = False,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Customer]:
    """Customers by name; `search` matches part of the name or of any contact."""
    query = sa.select(Customer)
    if not include_merged:
        query = query.where(customers.c.merged_into_id.is_(None))
    if search:
        by_contact = sa.select(contacts.c.id).where(
            contacts.c.customer_id == customers.c.id, contains(contacts.c.value, search)
        )
        query = query.where(sa.or_(contains(customers.c.name, search), by_contact.exists()))
    order = Order(customers.c.name, customers.c.id, descending=False)
    return page(session, query, order, cursor, limit, first)


def list_users(
    session: Session,
    role: Role | None = None,
    active: bool | None = None,
    search: str | None = None,
    team_id: int | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[User]:
    """Users in the order they were created; filter by role, active, team, name or e-mail."""
    query = sa.select(User)
    if role is not None:
        query = query.where(users.c.role == role)
    if active is not None:
        query = query.where(users.c.active.is_(active))
    if team_id is not None:
        query = query.where(users.c.team_id == team_id)
    if search:
        query = query.where(sa.or_(contains(users.c.name, search), contains(users.c.email, search)))
    order = Order(users.c.id, users.c.id, descending=False)
    return page(session, query, order, cursor, limit, first)
