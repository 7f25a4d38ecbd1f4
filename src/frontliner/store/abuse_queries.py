"""The read side of the abuse policy flow: the policy in force and its history, the
leads' list of abuse reports, and what a case page needs about its abusive messages.

Every list is keyset-paginated on an index of `abuse_policies` / `abuse_reports`
(migration 0012); per-case reads are bounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from frontliner.desk import abuse
from frontliner.desk.model import AbuseAction, AbusePolicy, AbuseReport, User
from frontliner.store.mapping import map_entities
from frontliner.store.pagination import Order, Page, page
from frontliner.store.tables import abuse_policies, abuse_reports, cases, interactions, users

map_entities()

EXCERPT = 300  # characters of the reported message shown in the leads' list
CASE_REPORTS = 100  # reports read for one case page (a case with more is a lead's matter)


@dataclass(frozen=True)
class PolicyView:
    """The policy in force, with who wrote it (None: the policy Frontliner ships)."""

    policy: AbusePolicy
    written_by: str | None

    @property
    def shipped(self) -> bool:
        return self.policy.id is None


def current_policy(session: Session) -> PolicyView:
    query = (sa.select(AbusePolicy, users.c.name)
             .outerjoin(users, users.c.id == abuse_policies.c.written_by_id)
             .order_by(abuse_policies.c.written_at.desc(), abuse_policies.c.id.desc())
             .limit(1))
    row = session.execute(query).first()
    if row is None:
        return PolicyView(abuse.default_policy(), None)
    return PolicyView(row[0], row[1])


def policy_history(
    session: Session, cursor: str | None = None, limit: int | None = None
) -> Page[PolicyView]:
    """Every version a lead wrote, newest first (the shipped policy is not a row)."""
    query = (sa.select(AbusePolicy, users.c.name)
             .outerjoin(users, users.c.id == abuse_policies.c.written_by_id))
    order = Order(abuse_policies.c.written_at, abuse_policies.c.id)
    return page(session, query, order, cursor, limit, lambda row: PolicyView(row[0], row[1]))


@dataclass(frozen=True)
class ReportRow:
    """One line of the leads' list: the case, the message, who acted and why."""

    report: AbuseReport
    case_ref: str
    message: str
    message_at: datetime
    by_name: str | None
    owner_name: str | None


def _report_row(row: Sequence[Any]) -> ReportRow:
    report, ref, body, at, by_name, owner_name = row
    assert isinstance(report, AbuseReport)
    text = " ".join(str(body).split())
    excerpt = text if len(text) <= EXCERPT else text[:EXCERPT].rsplit(" ", 1)[0] + "..."
    return ReportRow(report, str(ref), excerpt, at, by_name, owner_name)


def list_reports(
    session: Session, cursor: str | None = None, limit: int | None = None,
    action: AbuseAction | None = None,
) -> Page[ReportRow]:
    """Abuse reports and ended conversations, newest first."""
    by, owner = aliased(users), aliased(users)
    query = (
        sa.select(AbuseReport, cases.c.ref, interactions.c.body, interactions.c.at,
                  by.c.name, owner.c.name)
        .join(cases, cases.c.id == abuse_reports.c.case_id)
        .join(interactions, interactions.c.id == abuse_reports.c.interaction_id)
        .outerjoin(by, by.c.id == abuse_reports.c.by_id)
        .outerjoin(owner, owner.c.id == cases.c.owner_id)
    )
    if action is not None:
        query = query.where(abuse_reports.c.action == action)
    return page(session, query, Order(abuse_reports.c.at, abuse_reports.c.id), cursor, limit,
                _report_row)


def reports_on_case(session: Session, case_id: int) -> list[AbuseReport]:
    query = (sa.select(AbuseReport).where(abuse_reports.c.case_id == case_id)
             .order_by(abuse_reports.c.at, abuse_reports.c.id).limit(CASE_REPORTS))
    return list(session.scalars(query).all())


def reporter_names(session: Session, reports: Sequence[AbuseReport]) -> dict[int, str]:
    ids = sorted({r.by_id for r in reports if r.by_id is not None})
    if not ids:
        return {}
    return {u.id or 0: u.name for u in session.scalars(sa.select(User).where(users.c.id.in_(ids)))}

