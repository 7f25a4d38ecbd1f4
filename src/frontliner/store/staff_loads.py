"""Open cases per member of staff, kept by the database as cases are written.

Automatic assignment weighs each candidate's open cases (owned plus handled, unresolved)
on every new case. Counting them was a search of the cases table per candidate, which
grows with the desk. Instead `staff_loads` holds one row per person, and triggers on
`cases` adjust it in the transaction of every write (ORM, Core bulk inserts, an import,
a migration), so it is never stale and reading a load is a primary-key lookup.

A case counts once for its owner and once for its handler (both when they are the same
person), exactly as the counts it replaces did.

The triggers are defined here, not in a migration, because SQLite drops a table's
triggers when a batch migration rebuilds that table: `ensure` runs after every upgrade,
restores any missing trigger and then counts every load afresh.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

TABLE = "staff_loads"
# The statuses a case no longer counts in (desk.model.CaseStatus values).
_DONE = "('resolved', 'closed')"


def _bump(person: str, row: str, by: int) -> str:
    """SQL adding `by` to the load of `row`.`person` (owner_id / handler_id)."""
    return (
        f"INSERT INTO {TABLE} (user_id, open_cases) SELECT {row}.{person}, {by} "
        f"WHERE {row}.{person} IS NOT NULL AND {row}.status NOT IN {_DONE} "
        f"ON CONFLICT (user_id) DO UPDATE SET open_cases = {TABLE}.open_cases + {by}"
    )


def _count(row: str, by: int) -> str:
    return f"{_bump('owner_id', row, by)}; {_bump('handler_id', row, by)};"


_CHANGED = (
    "OLD.status IS NOT NEW.status OR OLD.owner_id IS NOT NEW.owner_id "
    "OR OLD.handler_id IS NOT NEW.handler_id"
)

_SQLITE_TRIGGERS = {
    "staff_loads_cases_ai": f"AFTER INSERT ON cases BEGIN {_count('NEW', 1)} END",
    "staff_loads_cases_au": (
        "AFTER UPDATE OF status, owner_id, handler_id ON cases "
        f"WHEN {_CHANGED} BEGIN {_count('OLD', -1)} {_count('NEW', 1)} END"
    ),
    "staff_loads_cases_ad": f"AFTER DELETE ON cases BEGIN {_count('OLD', -1)} END",
}

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION staff_loads_follow_cases() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_count('OLD', -1)}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_count('NEW', 1)}
    END IF;
    RETURN NULL;
END
$$
"""
_PG_TRIGGERS = {
    "staff_loads_cases_ai": "AFTER INSERT ON cases FOR EACH ROW",
    "staff_loads_cases_au": (
        "AFTER UPDATE OF status, owner_id, handler_id ON cases FOR EACH ROW "
        "WHEN (OLD.status IS DISTINCT FROM NEW.status "
        "OR OLD.owner_id IS DISTINCT FROM NEW.owner_id "
        "OR OLD.handler_id IS DISTINCT FROM NEW.handler_id)"
    ),
    "staff_loads_cases_ad": "AFTER DELETE ON cases FOR EACH ROW",
}

# Every load counted from the cases themselves: the first fill, and the repair after a
# trigger went missing.
_RECOUNT = f"""
INSERT INTO {TABLE} (user_id, open_cases)
SELECT person, count(*) FROM (
    SELECT owner_id AS person FROM cases
    WHERE owner_id IS NOT NULL AND status NOT IN {_DONE}
    UNION ALL
    SELECT handler_id FROM cases WHERE handler_id IS NOT NULL AND status NOT IN {_DONE}
) AS held GROUP BY person
"""


def _present(connection: Connection) -> set[str]:
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'cases'::regclass"
    return {row[0] for row in connection.execute(sa.text(query))}


def ensure(connection: Connection) -> None:
    """With the table in place: create any missing trigger, then count every load again
    (the cases may have changed while a trigger was missing)."""
    if TABLE not in sa.inspect(connection).get_table_names():
        return
    present = _present(connection)
    postgres = connection.dialect.name == "postgresql"
    wanted = _PG_TRIGGERS if postgres else _SQLITE_TRIGGERS
    missing = {name: ddl for name, ddl in wanted.items() if name not in present}
    if not missing:
        return
    if postgres:
        connection.execute(sa.text(_PG_FUNCTION))
    for name, ddl in missing.items():
        body = " EXECUTE FUNCTION staff_loads_follow_cases()" if postgres else ""
        connection.execute(sa.text(f"CREATE TRIGGER {name} {ddl}{body}"))
    recount(connection)


def recount(connection: Connection) -> None:
    """Count every load afresh from the cases (under the caller's transaction)."""
    connection.execute(sa.text(f"DELETE FROM {TABLE}"))
    connection.execute(sa.text(_RECOUNT))
