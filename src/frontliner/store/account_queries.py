"""The read side of the admin pages and API: users, teams and their members, API tokens
and the account audit trail. Every list is one keyset page over an index."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.model import AccountAuditEntry, ApiToken, Team
from frontliner.store.pagination import Order, Page, first, page
from frontliner.store.tables import account_audit, api_tokens, teams, users

MAX_TEAMS = 200  # a desk has a handful; the pages list them whole, bounded all the same


def all_teams(session: Session) -> list[Team]:
    """Every team by name (at most MAX_TEAMS)."""
    return list(session.scalars(sa.select(Team).order_by(teams.c.name).limit(MAX_TEAMS)))


def team_names(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(sa.select(teams.c.id, teams.c.name).where(teams.c.id.in_(wanted)))
    return {row.id: row.name for row in rows}


def list_tokens(session: Session, user_id: int | None = None, cursor: str | None = None,
                limit: int | None = None) -> Page[ApiToken]:
    """API tokens, newest first; one user's, or (for an admin) everyone's."""
    query = sa.select(ApiToken)
    if user_id is not None:
        query = query.where(api_tokens.c.user_id == user_id)
    return page(session, query, Order(api_tokens.c.id, api_tokens.c.id), cursor, limit, first)


def audit_trail(session: Session, user_id: int | None = None, cursor: str | None = None,
                limit: int | None = None) -> Page[AccountAuditEntry]:
    """The account audit trail, newest first; of one user, or all of it."""
    query = sa.select(AccountAuditEntry)
    if user_id is not None:
        query = query.where(account_audit.c.user_id == user_id)
    order = Order(account_audit.c.at, account_audit.c.id)
    return page(session, query, order, cursor, limit, first)


def user_names(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(sa.select(users.c.id, users.c.name).where(users.c.id.in_(wanted)))
    return {row.id: row.name for row in rows}
