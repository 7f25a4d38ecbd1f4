"""Events the sign-in throttle counts: failed sign-ins, successful ones (a person's usual
places) and requests for e-mailed links.

Kept in the database so that every app process counts the same attempts. The account
is stored as the sha256 of the normalised address: the guesses of an attacker (often
addresses nobody has) are not kept in clear. Counts are capped, so a flood of attempts
never turns one check into a long scan.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.store.tables import _at, _id, metadata
from frontliner.store.types import UtcDateTime

MAX_CLIENT = 64

throttle_events = sa.Table(
    "throttle_events",
    metadata,
    _id(),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("account", sa.String(64), nullable=False),  # sha256 hex; "" when none
    sa.Column("client", sa.String(MAX_CLIENT), nullable=False),
    _at("at"),
    sa.Index(None, "kind", "account", "client", "at"),
    sa.Index(None, "kind", "client", "at"),
    sa.Index(None, "at"),
)


def account_key(address: str) -> str:
    """The stored form of an e-mail address as typed (spaces and case do not count)."""
    return hashlib.sha256(" ".join(address.split()).lower().encode("utf-8")).hexdigest()


def record_event(session: Session, kind: str, account: str, client: str, at: datetime) -> None:
    session.execute(sa.insert(throttle_events).values(
        kind=kind, account=account, client=client[:MAX_CLIENT], at=at))


def _matching(kind: str, since: datetime, account: str | None,
              client: str | None) -> list[sa.ColumnElement[bool]]:
    e = throttle_events.c
    where = [e.kind == kind, e.at > since]
    if account is not None:
        where.append(e.account == account)
    if client is not None:
        where.append(e.client == client[:MAX_CLIENT])
    return where


def count_events(session: Session, kind: str, since: datetime, cap: int, *,
                 account: str | None = None, client: str | None = None) -> int:
    """How many such events since `since`, counted up to `cap`."""
    e = throttle_events.c
    inner = sa.select(e.id).where(*_matching(kind, since, account, client)).limit(cap).subquery()
    return int(session.scalar(sa.select(sa.func.count()).select_from(inner)) or 0)


def count_accounts(session: Session, kind: str, client: str, since: datetime, cap: int) -> int:
    """How many different accounts had such an event from `client` since `since` (up to
    `cap`)."""
    e = throttle_events.c
    inner = (sa.select(e.account).where(*_matching(kind, since, None, client)).distinct()
             .limit(cap).subquery())
    return int(session.scalar(sa.select(sa.func.count()).select_from(inner)) or 0)


def event_times(session: Session, kind: str, since: datetime, *, account: str | None = None,
                client: str | None = None) -> tuple[datetime | None, datetime | None]:
    """The first and the last such event since `since` (None, None when there is none)."""
    e = throttle_events.c
    # type_coerce: the aggregate is read back through the column's type (aware UTC).
    first, last = session.execute(
        sa.select(sa.type_coerce(sa.func.min(e.at), UtcDateTime()),
                  sa.type_coerce(sa.func.max(e.at), UtcDateTime()))
        .where(*_matching(kind, since, account, client))).one()
    return first, last


def forget_events(session: Session, kind: str, account: str, client: str) -> None:
    e = throttle_events.c
    session.execute(sa.delete(throttle_events).where(
        e.kind == kind, e.account == account, e.client == client[:MAX_CLIENT]))


def prune_events(session: Session, kind: str, before: datetime) -> None:
    e = throttle_events.c
    session.execute(sa.delete(throttle_events).where(e.kind == kind, e.at <= before))
