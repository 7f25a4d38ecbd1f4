"""`store.bulk`: rows written in one driver call (PostgreSQL COPY, SQLite executemany)
are stored exactly as a Core insert stores them, a refused write raises as an insert
does and leaves nothing, and `any_of` finds thousands of keys in one statement. On
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from frontliner.desk.model import Presence, Role
from frontliner.store.bulk import any_of, insert_rows
from frontliner.store.import_tables import tags
from frontliner.store.tables import users


def test_bulk_rows_read_back_as_a_core_insert_stores_them(engine: Engine) -> None:
    row: dict[str, Any] = {
        "name": "Ann O'Neil", "role": Role.AGENT, "team_id": None, "skills": ["billing"],
        "password_hash": None, "active": True, "customer_id": None,
        "created_at": datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=2))),
        "presence": Presence.OFFLINE, "last_seen_at": None, "capacity": 3}
    with engine.begin() as conn:
        conn.execute(sa.insert(users), [dict(row, email="core@bulk.test")])
        insert_rows(conn, users, [dict(row, email="bulk@bulk.test")])
    with engine.connect() as conn:
        got = {r.email: r._asdict() for r in conn.execute(
            sa.select(users).where(users.c.email.in_(["core@bulk.test", "bulk@bulk.test"])))}
    core, bulk = got["core@bulk.test"], got["bulk@bulk.test"]
    assert {k: v for k, v in bulk.items() if k not in ("id", "email")} == \
        {k: v for k, v in core.items() if k not in ("id", "email")}
    assert bulk["created_at"] == datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    assert bulk["skills"] == ["billing"] and bulk["role"] == "agent"


def test_a_refused_bulk_write_raises_as_an_insert_does_and_leaves_nothing(
        engine: Engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as conn:
        insert_rows(conn, tags, [{"name": "bulk-a"}, {"name": "bulk-b"}, {"name": "bulk-a"}])
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(tags).where(
            tags.c.name.like("bulk-%"))) == 0


def test_any_of_finds_thousands_of_keys_in_one_statement(engine: Engine) -> None:
    names = [f"key-{n}" for n in range(3_000)]
    with engine.begin() as conn:
        insert_rows(conn, tags, [{"name": n} for n in names])
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        with engine.connect() as conn:
            found = set(conn.scalars(sa.select(tags.c.name).where(
                any_of(conn, tags.c.name, [*names[500:], "key-none", "it's"]))))
            nothing = list(conn.scalars(sa.select(tags.c.name).where(
                any_of(conn, tags.c.name, []))))
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert found == set(names[500:]) and nothing == []
    assert len(statements) == 2
