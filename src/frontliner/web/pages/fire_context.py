"""What the fire log page and the lead console show about suggested fires and drafts
waiting for a lead (read once per page; the counting is bounded, see
`UnitOfWork.suggestible_cases`)."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from frontliner.desk import access, fire_suggestions
from frontliner.desk.model import ArticleStatus, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store.lead_queries import capped_count
from frontliner.store.tables import knowledge_articles
from frontliner.web.lookup import session_of

COUNT_TTL = 30.0
_counted: dict[int, tuple[float, int]] = {}  # database -> (when counted, how many)


def suggestions_context(uow: UnitOfWork, user: User) -> dict[str, Any]:
    """What the fire log page shows a lead above the log (nothing for agents)."""
    if not access.has_authority(user):
        return {"suggestions": [], "thresholds": None}
    groups = fire_suggestions.suggested_fires(uow, user)
    existing = {g.key: uow.fire_by_key(g.key) for g in groups}
    return {"suggestions": groups, "existing": existing,
            "thresholds": fire_suggestions.thresholds(uow)}


def console_extra(uow: UnitOfWork, user: User) -> dict[str, int]:
    """The console's counts of suggested fires and of drafts waiting for a lead. The
    suggestion count is kept for COUNT_TTL seconds per database (every console page shows
    it; /fires itself always works it out afresh, and a lead's action there resets it)."""
    drafts = sa.select(knowledge_articles.c.id).where(
        knowledge_articles.c.status == ArticleStatus.DRAFT)
    session = session_of(uow)
    where, now = id(session.get_bind()), time.monotonic()
    kept = _counted.get(where)
    if kept is None or now - kept[0] > COUNT_TTL:
        kept = (now, len(fire_suggestions.suggested_fires(uow, user)))
        _counted[where] = kept
    return {"suggested_fires": kept[1], "knowledge_drafts": capped_count(session, drafts)}


def forget_count() -> None:
    """After a lead opened or dismissed a suggestion or changed the thresholds."""
    _counted.clear()
