"""The read side of held messages: a case's, for its page and the API (staff only)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.model import HeldMessage, HeldStatus
from frontliner.store.tables import held_messages

MAX_LISTED = 100


def held_of_case(
    session: Session, case_id: int, *, waiting_only: bool = False, limit: int = MAX_LISTED
) -> list[HeldMessage]:
    """The case's held messages, oldest first (those still waiting, or all)."""
    query = sa.select(HeldMessage).where(held_messages.c.case_id == case_id)
    if waiting_only:
        query = query.where(held_messages.c.status == HeldStatus.HELD)
    return list(session.scalars(query.order_by(held_messages.c.id).limit(min(limit, MAX_LISTED))))
