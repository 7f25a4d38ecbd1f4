"""Appending many rows to a table in one driver call.

`conn.execute(insert(table), rows)` runs every value of every row through its column
type's bind processing inside SQLAlchemy's generic per-row loop; for an import of
hundreds of thousands of rows that loop costs more than the database does. `insert_rows`
applies the same bind processors (so the same values are stored: aware UTC times,
enum values, JSON), a column at a time, and hands the rows to the driver at once:
PostgreSQL's COPY through psycopg, SQLite's executemany. It runs in the caller's
transaction, and triggers fire as for any insert (the SQLite search index).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection


def insert_rows(conn: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (each with the same keys, the table's column names; a column left
    out gets its server default or NULL, as with a Core insert)."""
    if not rows:
        return
    dialect = conn.dialect
    names = list(rows[0])
    columns: list[list[Any]] = []
    for name in names:
        values = [row[name] for row in rows]
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        columns.append(list(map(process, values)) if process is not None else values)
    params = list(zip(*columns, strict=True))
    quote = dialect.identifier_preparer
    target = f"{quote.format_table(table)} " \
             f"({', '.join(quote.format_column(table.c[n]) for n in names)})"
    if dialect.name == "postgresql":
        _copy(conn, target, params)
    else:
        marks = ", ".join("?" * len(names))
        conn.exec_driver_sql(f"INSERT INTO {target} VALUES ({marks})", params)


def _copy(conn: Connection, target: str, params: list[tuple[Any, ...]]) -> None:
    statement = f"COPY {target} FROM STDIN"
    driver = conn.connection.driver_connection
    assert driver is not None, "a connection in use has its driver connection"
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in params:
                copy.write_row(row)
    except conn.dialect.loaded_dbapi.Error as error:
        # Raised as SQLAlchemy raises a statement's error (IntegrityError, ...), so
        # callers handle a refused COPY like a refused INSERT.
        raise sa.exc.DBAPIError.instance(statement, None, error,
                                         conn.dialect.loaded_dbapi.Error) from error


def any_of(conn: Connection, column: sa.ColumnElement[Any],
           values: Iterable[Any]) -> sa.ColumnElement[bool]:
    """`column IN values` with the values as one parameter (a PostgreSQL array; a JSON
    array read by SQLite's json_each) instead of one bound parameter each: a lookup of
    thousands of keys is one short statement, with no parameter limit to chunk for."""
    wanted = list(values)
    if not wanted:
        return sa.false()
    if conn.dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, wanted, type_=postgresql.ARRAY(column.type)))
    listed = sa.func.json_each(json.dumps(wanted)).table_valued("value")
    return column.in_(sa.select(listed.c.value))
