"""The SQLite full-text index (FTS5 over a table of documents) and the triggers that keep
it in step with its sources, in the same transaction as every write, whatever wrote (ORM,
Core bulk inserts, a migration).

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
PG_VECTOR = "search_tsv"  # PostgreSQL: the generated tsvector column (migration 0027)
DOCS_TABLE = "search_docs"

# The index's own tables come from migration 0022: search_docs, one document per
# searchable row in the order written (so the newest matches are a rowid range), and the
# FTS5 index over it (external content: the text is stored once, in search_docs).


def mapped_name(name: str | None, _type: str, _parents: Any) -> bool:
    """For Alembic's comparison: the search structures live outside the mapped metadata
    (SQLite's FTS5 and document tables, PostgreSQL's stored vectors and their indexes)."""
    # (and desk_config_version, store/config_cache.py: kept outside on purpose)
    return not (name or "").startswith((FTS_TABLE, DOCS_TABLE, "ix_search_", PG_VECTOR,
                                        "desk_config_version"))


class Kind(IntEnum):
    """What a document of the index holds."""

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
    owner: str = "''"  # the token of the customer whose portal shows it (owner_token)

    def document(self, r: str) -> str:
        """The search_docs row of source row `r`, as a SELECT list."""
        cells = (self.kind, self.title, self.body, self.case_id, self.customer_id, self.owner)
        kind, title, body, case_id, customer_id, owner = (c.format(r=r) for c in cells)
        return f"{kind}, {r}.id, {case_id}, {customer_id}, {title}, {body}, {owner}"

    def add(self, r: str) -> str:
        key = f"kind = {self.kind.format(r=r)} AND source_id = {r}.id"
        return (
            f"INSERT INTO {DOCS_TABLE} ({_DOC_COLUMNS}) SELECT {self.document(r)}; "
            f"INSERT INTO {FTS_TABLE} (rowid, {_INDEXED}) "
            f"SELECT id, {_INDEXED} FROM {DOCS_TABLE} WHERE {key}"
        )

    def remove(self, r: str) -> str:
        key = f"kind = {self.kind.format(r=r)} AND source_id = {r}.id"
        return (
            f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {_INDEXED}) "
            f"SELECT 'delete', id, {_INDEXED} FROM {DOCS_TABLE} WHERE {key}; "
            f"DELETE FROM {DOCS_TABLE} WHERE {key}"
        )


_DOC_COLUMNS = "kind, source_id, case_id, customer_id, title, body, owner"
_INDEXED = "title, body, owner"


def owner_token(customer_id: int) -> str:
    return f"c{customer_id}"


SOURCES = (
    Source("cases", "1", "{r}.ref || ' ' || {r}.contact_name || ' ' || {r}.contact_value",
           "{r}.nature", "{r}.id", "{r}.customer_id",
           "ref, nature, contact_name, contact_value, customer_id", "'c' || {r}.customer_id"),
    Source("interactions", "(CASE WHEN {r}.direction = 'note' THEN 3 ELSE 2 END)", "''",
           "{r}.body", "{r}.case_id", "{r}.customer_id", "body, direction, case_id, customer_id",
           "(CASE WHEN {r}.direction = 'note' THEN '' ELSE 'c' || {r}.customer_id END)"),
    Source("customers", "4", "{r}.name", "''", "NULL", "{r}.id", "name"),
    Source("contacts", "5", "{r}.value", "''", "NULL", "{r}.customer_id", "value, customer_id"),
    Source("knowledge_articles", "6", "{r}.title", "{r}.body", "NULL", "NULL", "title, body"),
)


def _triggers(source: Source) -> dict[str, str]:
    t = source.table
    return {
        f"search_{t}_ai": f"AFTER INSERT ON {t} BEGIN {source.add('new')}; END",
        f"search_{t}_au": f"AFTER UPDATE OF {source.watched} ON {t} "
        f"BEGIN {source.remove('old')}; {source.add('new')}; END",
        f"search_{t}_ad": f"AFTER DELETE ON {t} BEGIN {source.remove('old')}; END",
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
    repaired = False
    for source in SOURCES:
        missing = {n: ddl for n, ddl in _triggers(source).items() if n not in present}
        for name, ddl in missing.items():
            connection.execute(sa.text(f"CREATE TRIGGER {name} {ddl}"))
        if missing:
            _reload(connection, source)
            repaired = True
    if repaired:
        connection.execute(sa.text(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')"))


def _reload(connection: Connection, source: Source) -> None:
    """The source's documents written afresh (the caller rebuilds the index after)."""
    kinds = "(2, 3)" if source.table == "interactions" else f"({source.kind})"
    connection.execute(sa.text(f"DELETE FROM {DOCS_TABLE} WHERE kind IN {kinds}"))
    connection.execute(sa.text(
        f"INSERT INTO {DOCS_TABLE} ({_DOC_COLUMNS}) "
        f"SELECT {source.document('t')} FROM {source.table} AS t ORDER BY t.id"
    ))
