"""Server-side sessions of the web pages and the API's cookie login.

The browser holds only a random id; this table holds its sha256 (a copy of the database
opens no session), the session's small data (the signed-in user, the CSRF token, the
confirmation to show once) and what the person sees in "where you're signed in": when it
started, when it was last used, from which browser and address. Ending a session is
deleting its row, so every app process sees it at once.

A session belonging to a user stops working when the user is deactivated or signed out
everywhere (`users.signed_out_at` after the session began), without touching the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.store.tables import _at, _fk, _id, metadata, users
from frontliner.store.types import json_dict

MAX_USER_AGENT = 300
MAX_CLIENT = 64
MAX_LISTED = 50

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    _id(),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    _fk("user_id", "users.id", cascade=True),
    sa.Column("data", json_dict(), nullable=False),
    _at("created_at"),
    _at("last_seen_at"),
    _at("expires_at"),
    sa.Column("user_agent", sa.String(MAX_USER_AGENT), nullable=False),
    sa.Column("client", sa.String(MAX_CLIENT), nullable=False),
    # a user's sessions, most recently used first ("where you're signed in")
    sa.Index(None, "user_id", "last_seen_at", "id"),
    # ended by age or by idleness: pruned on these
    sa.Index(None, "expires_at"),
    sa.Index(None, "last_seen_at"),
)


@dataclass(frozen=True)
class SessionRow:
    id: int
    user_id: int | None
    data: dict[str, Any]
    created_at: datetime
    last_seen_at: datetime
    user_agent: str
    client: str


def _still_valid(now: datetime, idle: timedelta) -> sa.ColumnElement[bool]:
    """Not past its lifetime nor idle too long, and (for a signed-in session) its user is
    active and was not signed out everywhere since it began."""
    s = web_sessions.c
    return sa.and_(
        s.expires_at > now,
        s.last_seen_at > now - idle,
        sa.or_(
            s.user_id.is_(None),
            sa.and_(users.c.active.is_(True),
                    sa.or_(users.c.signed_out_at.is_(None),
                           s.created_at > users.c.signed_out_at)),
        ),
    )


def _select() -> sa.Select[Any]:
    s = web_sessions.c
    return sa.select(s.id, s.user_id, s.data, s.created_at, s.last_seen_at, s.user_agent,
                     s.client).select_from(
        web_sessions.outerjoin(users, users.c.id == s.user_id))


def _row(found: Any) -> SessionRow:
    return SessionRow(id=found.id, user_id=found.user_id, data=dict(found.data or {}),
                      created_at=found.created_at, last_seen_at=found.last_seen_at,
                      user_agent=found.user_agent, client=found.client)


def find_session(session: Session, token_hash: str, now: datetime,
                 idle: timedelta) -> SessionRow | None:
    found = session.execute(
        _select().where(web_sessions.c.token_hash == token_hash, _still_valid(now, idle))
    ).first()
    return None if found is None else _row(found)


def create_session(session: Session, token_hash: str, user_id: int | None,
                   data: dict[str, Any], now: datetime, lifetime: timedelta,
                   user_agent: str, client: str) -> None:
    session.execute(sa.insert(web_sessions).values(
        token_hash=token_hash, user_id=user_id, data=data, created_at=now, last_seen_at=now,
        expires_at=now + lifetime, user_agent=user_agent[:MAX_USER_AGENT],
        client=client[:MAX_CLIENT]))


def save_session(session: Session, session_id: int, now: datetime,
                 data: dict[str, Any] | None = None) -> None:
    """Note the session as used now, and store its data when it changed."""
    values: dict[str, Any] = {"last_seen_at": now}
    if data is not None:
        values["data"] = data
    session.execute(sa.update(web_sessions).where(web_sessions.c.id == session_id)
                    .values(**values))


def delete_session(session: Session, session_id: int) -> None:
    session.execute(sa.delete(web_sessions).where(web_sessions.c.id == session_id))


def delete_sessions_of(session: Session, user_id: int) -> int:
    done = session.execute(sa.delete(web_sessions).where(web_sessions.c.user_id == user_id))
    return int(getattr(done, "rowcount", 0) or 0)


def sessions_of(session: Session, user_id: int, now: datetime,
                idle: timedelta) -> list[SessionRow]:
    """The user's working sessions, most recently used first (at most MAX_LISTED)."""
    s = web_sessions.c
    rows = session.execute(
        _select().where(s.user_id == user_id, _still_valid(now, idle))
        .order_by(s.last_seen_at.desc(), s.id.desc()).limit(MAX_LISTED))
    return [_row(found) for found in rows]


def prune_sessions(session: Session, now: datetime, idle: timedelta) -> None:
    """Forget sessions past their lifetime or idle too long (both columns indexed)."""
    s = web_sessions.c
    session.execute(sa.delete(web_sessions).where(s.expires_at <= now))
    session.execute(sa.delete(web_sessions).where(s.last_seen_at <= now - idle))
