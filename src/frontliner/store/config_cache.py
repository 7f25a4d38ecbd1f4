"""Desk settings and empowerment profiles kept in process memory, checked by a token.

Every intake reads a few settings (automatic assignment's idle time and capacity) and
an empowerment profile (triage's money limit): three queries per case for rows that
change a few times a year. Here they are read once per process and kept, with the
token they were read under.

`desk_config_version` holds one row with a random token. Triggers on `desk_settings`
and `empowerment_profiles` (and on `users` deletes, whose cascade removes overrides)
draw a new token in the transaction of every write, whatever wrote it: the desk, a page
writing a setting through its session, a script, a test emptying the tables. A unit of
work reads the token once (one primary-key read, before its first write) and uses the
memory only when it holds that same token, so a change committed by any process is
seen by the next unit of work of every process: never a stale value, with no time
window. The token is random rather than a counter: a transaction that wrote and rolled
back can leave nothing behind that a later token would match.

Order matters: the token is read before the values, so values newer than their token
can be kept (the next token differs and they are read again), never older ones.

The triggers and the row are kept by `ensure` (run after every upgrade), like
`store/staff_loads.py`: SQLite drops a table's triggers when a batch migration rebuilds it.
The table lives outside the mapped metadata, so the tests' emptying of every table
leaves it (and their DELETEs draw new tokens).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

TABLE = "desk_config_version"
WATCHED = (("desk_settings", ("INSERT", "UPDATE", "DELETE")),
           ("empowerment_profiles", ("INSERT", "UPDATE", "DELETE")),
           ("users", ("DELETE",)))

_SQLITE_NEW_TOKEN = "abs(random())"
_PG_NEW_TOKEN = "floor(random() * 9e15)::bigint"
_TOKEN = sa.text(f"SELECT token FROM {TABLE} WHERE id = 1")

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION desk_config_new_token() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {TABLE} SET token = {_PG_NEW_TOKEN} WHERE id = 1;
    RETURN NULL;
END
$$
"""


def _trigger(table: str, op: str) -> str:
    return f"desk_config_{table}_{op.lower()}"


def ensure(connection: Connection) -> None:
    """Create the token's table, its row and every missing trigger (idempotent)."""
    postgres = connection.dialect.name == "postgresql"
    new_token = _PG_NEW_TOKEN if postgres else _SQLITE_NEW_TOKEN
    connection.execute(sa.text(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY, token BIGINT NOT NULL)"))
    connection.execute(sa.text(
        f"INSERT INTO {TABLE} (id, token) SELECT 1, {new_token} "
        f"WHERE NOT EXISTS (SELECT 1 FROM {TABLE} WHERE id = 1)"))
    if postgres:
        # Only this schema's tables (a database may hold several desks' schemas).
        present = {row[0] for row in connection.execute(sa.text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid IN ("
            + ", ".join(f"to_regclass('{t}')" for t, _ops in WATCHED) + ")"))}
    else:
        present = {row[0] for row in connection.execute(sa.text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    existing = set(sa.inspect(connection).get_table_names())
    wanted = [(t, op) for t, ops in WATCHED if t in existing for op in ops
              if _trigger(t, op) not in present]
    if postgres and wanted:
        connection.execute(sa.text(_PG_FUNCTION))
    for table, op in wanted:
        name = _trigger(table, op)
        if postgres:
            # Once per statement: one new token however many rows it wrote.
            connection.execute(sa.text(
                f"CREATE TRIGGER {name} AFTER {op} ON {table} FOR EACH STATEMENT "
                "EXECUTE FUNCTION desk_config_new_token()"))
        else:
            connection.execute(sa.text(
                f"CREATE TRIGGER {name} AFTER {op} ON {table} "
                f"BEGIN UPDATE {TABLE} SET token = {new_token} WHERE id = 1; END"))


def read_token(connection: Connection) -> int:
    """The current token (the row is made by `ensure`, at every upgrade)."""
    return int(connection.execute(_TOKEN).scalar_one())


@dataclass
class Kept:
    """What one process read under one token."""

    token: int
    settings: dict[str, str | None] = field(default_factory=dict)
    profiles: dict[tuple[int | None, str], dict[str, Any] | None] = field(
        default_factory=dict)


# By token alone: a token is a random 63-bit number drawn per change, so two databases
# (the tests' SQLite and PostgreSQL in one process) never share one. The newest few
# are kept.
_KEPT: dict[int, Kept] = {}
_MAX_KEPT = 8
_LOCK = threading.Lock()


def kept_for(token: int) -> Kept:
    """The memory for `token`: the one kept, or a new empty one."""
    found = _KEPT.get(token)
    if found is not None:
        return found
    with _LOCK:
        found = _KEPT.get(token)
        if found is None:
            while len(_KEPT) >= _MAX_KEPT:
                del _KEPT[next(iter(_KEPT))]
            found = _KEPT[token] = Kept(token)
        return found
