"""What every lead console page says about cases waiting for an owner (count and age)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from frontliner.store import assignment_queries


def age_text(since: datetime | None, now: datetime) -> str:
    """"3 minutes", "2 hours", "4 days": how long something has waited, roughly."""
    if since is None:
        return ""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 1:
        return "less than a minute"
    for size, unit in ((1440, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size or unit == "minute":
            count = minutes // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return ""  # pragma: no cover - the loop always returns


def waiting_context(session: Session) -> dict[str, Any]:
    waiting = assignment_queries.unassigned_summary(session)
    return {"waiting": waiting,
            "waiting_age": age_text(waiting.oldest_opened_at, datetime.now(UTC))}
