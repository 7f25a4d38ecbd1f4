"""Time for the desk: always timezone-aware UTC, and always injectable.

Every operation takes `now=None`; tests pass a fixed instant so rules about days and
schedules are checked without sleeping or racing the wall clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def utcnow() -> datetime:
    return datetime.now(UTC)


def resolve_now(now: datetime | None) -> datetime:
    """The instant an operation happens at; a naive datetime is a bug, not a guess."""
    if now is None:
        return utcnow()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("desk times must be timezone-aware (UTC)")
    return now.astimezone(UTC)


def start_of_day(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def add_working_days(start: datetime, days: int) -> datetime:
    """`start` moved forward by `days` working days (Monday to Friday), same time of day."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
