"""New rows written with SQLAlchemy Core instead of the ORM's unit of work.

Opening a case writes a handful of new rows and changes none. Staged on the ORM session
they cost four flushes per case (each a walk of the session, a sort of its mappers and
the bookkeeping of every object), about half of the intake's CPU. Here each row is one
prepared `INSERT ... RETURNING id` (SQLite >= 3.35 and PostgreSQL both have it), and rows
whose ids nobody needs go in one executemany per table.

An inserted entity with its id is then attached to the session as a persistent object
(as if it had just been loaded), so the rest of the unit of work sees it like any other:
`uow.get` finds it without a query, and a later change to it is flushed as an UPDATE
with the case's version check.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, make_transient_to_detached

from frontliner.store.mapping import map_entities
from frontliner.store.tables import TABLES

# Per entity class, built on first use: its columns, and its two statements (a
# statement object built once keeps its compiled form in SQLAlchemy's cache).
_COLUMNS: dict[type, tuple[tuple[str, str], ...]] = {}
_RETURNING_ID: dict[type, sa.Insert] = {}
_PLAIN: dict[type, sa.Insert] = {}


def _columns(kind: type) -> tuple[tuple[str, str], ...]:
    """(attribute, column) of every mapped column of `kind` except its id."""
    found = _COLUMNS.get(kind)
    if found is None:
        map_entities()
        mapper: Any = sa.inspect(kind)
        found = _COLUMNS[kind] = tuple((attr.key, attr.columns[0].key)
                                       for attr in mapper.column_attrs if attr.key != "id")
    return found


def _insert_returning_id(kind: type) -> sa.Insert:
    found = _RETURNING_ID.get(kind)
    if found is None:
        table = TABLES[kind]
        found = _RETURNING_ID[kind] = table.insert().returning(table.c.id)
    return found


def _insert(kind: type) -> sa.Insert:
    found = _PLAIN.get(kind)
    if found is None:
        found = _PLAIN[kind] = TABLES[kind].insert()
    return found


def values_of(obj: Any) -> dict[str, Any]:
    """The row of `obj`, by column name (the column types convert the values)."""
    state = obj.__dict__
    return {column: state[attr] for attr, column in _columns(type(obj)) if attr in state}


def insert_one(session: Session, obj: Any) -> None:
    """INSERT `obj` and set its id; it is then persistent in `session`."""
    # On the session's connection (its transaction), past the ORM's statement handling.
    new_id = session.connection().execute(
        _insert_returning_id(type(obj)), values_of(obj)).scalar_one()
    obj.id = int(new_id)
    make_transient_to_detached(obj)
    session.add(obj)  # detached -> persistent: no SQL, just the identity map


def insert_all(session: Session, objs: Sequence[Any]) -> None:
    """INSERT every object in one executemany per kind, in order; their ids stay unset
    (nobody reads them back) and they are not attached to the session."""
    by_kind: dict[type, list[dict[str, Any]]] = {}
    for obj in objs:
        by_kind.setdefault(type(obj), []).append(values_of(obj))
    connection = session.connection()
    for kind, rows in by_kind.items():
        connection.execute(_insert(kind), rows)
