"""The ranges of the numbers the desk accepts: ids, money, days.

A number outside them is a mistake or a probe, never a real request: the API refuses it
with 422 before any work (`web/schemas/bounds.py` builds its types from these), and the
desk refuses it with `Invalid` whichever door it came through. Ids and amounts are
INTEGER columns, which PostgreSQL holds up to 2**31 - 1; a larger one would fail in
the database instead of being a clear answer.
"""

from __future__ import annotations

from frontliner.desk.errors import Invalid

MIN_ID = 1
MAX_ID = 2**31 - 1  # the largest value of an INTEGER column
MAX_CENTS = 100_000_000  # 1,000,000.00 in the desk's currency: no remedy or limit is larger
MAX_DAYS = 3650  # ten years of extra time
MAX_COUNT = 1_000_000  # capacities, thresholds and other small counts


def is_id(value: int) -> bool:
    """Whether `value` could be the id of a stored row (a larger one never is)."""
    return MIN_ID <= value <= MAX_ID


def check_amounts(cents: dict[str, int], days: dict[str, int] | None = None) -> None:
    """Refuse money and day counts outside their range, naming each bad field."""
    problems = {name: f"between 0 and {MAX_CENTS} cents" for name, value in cents.items()
                if not 0 <= value <= MAX_CENTS}
    problems |= {name: f"between 0 and {MAX_DAYS} days" for name, value in (days or {}).items()
                 if not 0 <= value <= MAX_DAYS}
    if problems:
        raise Invalid("An amount is out of range.", problems)
