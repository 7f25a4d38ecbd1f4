"""Keyset (cursor) pagination: every list page is one indexed range scan, never an OFFSET
over a whole table.

A page is sorted by (sort column, id). The cursor is opaque to clients: base64 of the
last row's sort value and id. The next page starts strictly after that pair, so rows
inserted meanwhile never shift a page (no duplicates, no gaps among existing rows).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.errors import Invalid
from frontliner.store.types import UtcDateTime

T = TypeVar("T")

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; `next_cursor` is None on the last page."""

    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True)
class Order:
    """Sort by `column` then `id_column`, newest/highest first when `descending`."""

    column: sa.ColumnElement[Any]
    id_column: sa.ColumnElement[int]
    descending: bool = True


def bounded(limit: int | None) -> int:
    """Clamp a requested page size to 1..MAX_LIMIT."""
    if limit is None:
        return DEFAULT_LIMIT
    return max(1, min(int(limit), MAX_LIMIT))


def encode_cursor(key: Any, id: int) -> str:
    value = key.isoformat() if isinstance(key, datetime) else key
    raw = json.dumps([value, id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: Order) -> tuple[Any, int]:
    """The (sort value, id) a cursor carries; a clear `Invalid` for anything else."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key, id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(id, int) or isinstance(id, bool):
            raise ValueError("id")
        if isinstance(order.column.type, UtcDateTime):
            key = datetime.fromisoformat(key)
        elif not isinstance(key, str | int) or isinstance(key, bool):
            raise ValueError("key")
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Invalid(
            "That cursor is not valid; start again from the first page.",
            {"cursor": "not a cursor from this list"},
        ) from None
    return key, id


def _after(order: Order, key: Any, id: int) -> sa.ColumnElement[bool]:
    # A row-value comparison, which both PostgreSQL and SQLite answer from the index.
    pair = sa.tuple_(order.column, order.id_column)
    bound = sa.tuple_(sa.literal(key, order.column.type), sa.literal(id))
    return pair < bound if order.descending else pair > bound


def page(
    session: Session,
    query: sa.Select[Any],
    order: Order,
    cursor: str | None,
    limit: int | None,
    build: Callable[[Sequence[Any]], T],
) -> Page[T]:
    """Run `query` for one page. `build` turns a result row (without the sort key and id
    this function appends) into an item."""
    size = bounded(limit)
    if cursor:
        query = query.where(_after(order, *decode_cursor(cursor, order)))
    direction = sa.desc if order.descending else sa.asc
    query = (
        query.add_columns(order.column.label("_page_key"), order.id_column.label("_page_id"))
        .order_by(direction(order.column), direction(order.id_column))
        .limit(size + 1)
    )
    rows = session.execute(query).all()
    more = len(rows) > size
    rows = rows[:size]
    items = [build(tuple(row)[:-2]) for row in rows]
    last = rows[-1] if rows and more else None
    next_cursor = encode_cursor(last[-2], last[-1]) if last is not None else None
    return Page(items=items, next_cursor=next_cursor)


def first(row: Sequence[Any]) -> Any:
    """`build` for queries that select a single entity."""
    return row[0]
