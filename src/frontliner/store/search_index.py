"""The SQLite full-text index (FTS5) and the triggers that keep it in step with its
sources, in the same transaction as every write, whatever wrote (ORM, Core bulk inserts,
a migration).

The triggers are defined here, not in a migration, because SQLite drops a table's
triggers whenever a batch migration rebuilds that table: `ensure` runs after every
upgrade and restores any missing trigger, re-indexing that source. PostgreSQL needs
none of this: its expression indexes (migration 0022) are maintained by the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

FTS_TABLE = "search_fts"


def mapped_name(name: str | None, _type: str, _parents: Any) -> bool:
    """For Alembic's comparison: the search structures live outside the mapped metadata
    (SQLite's FTS5 table and its shadow tables, PostgreSQL's expression indexes)."""
    return not (name or "").startswith((FTS_TABLE, "ix_search_"))


class Kind(IntEnum):
    """What an entry of the index holds; its rowid is the source id * 8 + kind."""

    CASE = 1  # reference, contact name and value, the problem
    MESSAGE = 2
    NOTE = 3  # internal: never searched for a customer
    CUSTOMER = 4  # name
    CONTACT = 5  # e-mail address, phone number
    ARTICLE = 6  # knowledge article: title and body


@dataclass(frozen=True)
class Source:
    table: str
    kind: str  # an SQL expression over the row alias {r}
    title: str
    body: str
    case_id: str
    customer_id: str
    watched: str  # the columns whose change re-indexes the row

    def values(self, r: str) -> str:
        k = self.kind.format(r=r)
        cells = (self.title, self.body, self.case_id, self.customer_id)
        title, body, case_id, customer_id = (c.format(r=r) for c in cells)
        return f"{r}.id * 8 + ({k}), {title}, {body}, {k}, {case_id}, {customer_id}"

    def delete(self, r: str) -> str:
        return f"DELETE FROM {FTS_TABLE} WHERE rowid = {r}.id * 8 + ({self.kind.format(r=r)})"


_INSERT = f"INSERT INTO {FTS_TABLE}(rowid, title, body, kind, case_id, customer_id)"

SOURCES = (
    Source("cases", "1", "{r}.ref || ' ' || {r}.contact_name || ' ' || {r}.contact_value",
           "{r}.nature", "{r}.id", "{r}.customer_id",
           "ref, nature, contact_name, contact_value, customer_id"),
    Source("interactions", "CASE WHEN {r}.direction = 'note' THEN 3 ELSE 2 END", "''",
           "{r}.body", "{r}.case_id", "{r}.customer_id", "body, direction, case_id, customer_id"),
    Source("customers", "4", "{r}.name", "''", "NULL", "{r}.id", "name"),
    Source("contacts", "5", "{r}.value", "''", "NULL", "{r}.customer_id", "value, customer_id"),
    Source("knowledge_articles", "6", "{r}.title", "{r}.body", "NULL", "NULL", "title, body"),
)


def _triggers(source: Source) -> dict[str, str]:
    t = source.table
    insert_new = f"{_INSERT} VALUES ({source.values('new')})"
    return {
        f"search_{t}_ai": f"AFTER INSERT ON {t} BEGIN {insert_new}; END",
        f"search_{t}_au": f"AFTER UPDATE OF {source.watched} ON {t} "
        f"BEGIN {source.delete('old')}; {insert_new}; END",
        f"search_{t}_ad": f"AFTER DELETE ON {t} BEGIN {source.delete('old')}; END",
    }


def _names(connection: Connection, type_: str) -> set[str]:
    rows = connection.execute(
        sa.text("SELECT name FROM sqlite_master WHERE type = :t"), {"t": type_}
    )
    return {row[0] for row in rows}


def ensure(connection: Connection) -> None:
    """On SQLite with the index in place: create any missing trigger and re-index its
    source (a rebuilt table lost its triggers and may have changed meanwhile)."""
    if connection.dialect.name != "sqlite" or FTS_TABLE not in _names(connection, "table"):
        return
    present = _names(connection, "trigger")
    for source in SOURCES:
        missing = {n: ddl for n, ddl in _triggers(source).items() if n not in present}
        if not missing:
            continue
        for name, ddl in missing.items():
            connection.execute(sa.text(f"CREATE TRIGGER {name} {ddl}"))
        _reindex(connection, source)


def _reindex(connection: Connection, source: Source) -> None:
    kinds = "(2, 3)" if source.table == "interactions" else f"({source.kind})"
    connection.execute(sa.text(f"DELETE FROM {FTS_TABLE} WHERE kind IN {kinds}"))
    connection.execute(
        sa.text(f"{_INSERT} SELECT {source.values('t')} FROM {source.table} AS t")
    )
