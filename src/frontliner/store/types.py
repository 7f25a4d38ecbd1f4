"""Column types shared by every table.

SQLite keeps no time zone, PostgreSQL does; the domain always works in aware UTC
datetimes, so one type makes both databases hand back the same thing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.mutable import MutableDict, MutableList


class UtcDateTime(sa.TypeDecorator[datetime]):
    """An aware datetime in, an aware UTC datetime out, on every database.

    A naive datetime is refused rather than guessed at: a wrong hour on a follow-up
    or an opened-at stamp is worse than a loud error.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the desk stores aware UTC datetimes")
        value = value.astimezone(UTC)
        # SQLite compares datetimes as text: store them all in one form, without offset.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_of(kind: type[StrEnum], name: str) -> sa.Enum:
    """A string column limited to the enum's values by a CHECK (no native enum type, so
    adding a value is a plain migration on both databases)."""
    return sa.Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def json_list() -> Any:
    """A JSON list whose in-place changes (append, remove) are saved on commit.

    Only the list itself is tracked: changing a dict *inside* the list is not seen,
    so the domain replaces such items rather than editing them in place.
    """
    return MutableList.as_mutable(sa.JSON())


def json_dict(nullable: bool = False) -> Any:
    """A JSON object whose in-place changes (`d[k] = v`) are saved on commit."""
    return MutableDict.as_mutable(sa.JSON(none_as_null=nullable))


def json_list_contains(column: sa.ColumnElement[Any], item: str) -> sa.ColumnElement[bool]:
    """Whether a JSON list of strings holds `item`, on both databases.

    The list is stored as JSON text written by one serializer, so the item appears in it
    exactly as `json.dumps(item)` (quotes included, inner quotes escaped): a match on
    that text is a match on a whole element, never on part of one.
    """
    needle = json.dumps(item).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.cast(column, sa.Text).like(f"%{needle}%", escape="\\")
