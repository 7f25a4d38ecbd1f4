"""Desk-wide settings a lead changes from the lead console (e.g. whether the coach's
error-level findings warn or block a reply): one row per key, the newest value wins.

A setting nobody stored yet reads as None; the caller supplies the default, so a fresh
desk works without any row here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.store.tables import _at, _fk, _id, metadata

MAX_VALUE = 200

desk_settings = sa.Table(
    "desk_settings",
    metadata,
    _id(),  # every table has an id (the test fixtures reset sequences by it)
    sa.Column("key", sa.String(64), nullable=False, unique=True),
    sa.Column("value", sa.String(MAX_VALUE), nullable=False),
    _at("updated_at"),
    _fk("updated_by_id", "users.id"),
)


def get_setting(session: Session, key: str) -> str | None:
    value = session.scalar(sa.select(desk_settings.c.value).where(desk_settings.c.key == key))
    return None if value is None else str(value)


def put_setting(session: Session, key: str, value: str, by_id: int | None,
                now: datetime | None = None) -> None:
    """Store `value` under `key` (in the caller's transaction; the caller commits)."""
    row = {"value": value, "updated_at": now or datetime.now(UTC), "updated_by_id": by_id}
    changed = session.execute(
        sa.update(desk_settings).where(desk_settings.c.key == key).values(**row)
    )
    if getattr(changed, "rowcount", 0) == 0:
        session.execute(sa.insert(desk_settings).values(key=key, **row))
