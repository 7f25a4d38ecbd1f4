"""Practice's read side: one agent's progress and attempts, the desk's own scenarios,
and the resolved cases a lead may turn into scenarios. Every query is bounded."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.model import Case, CaseStatus
from frontliner.desk.practice.records import PracticeAttempt, PracticeProgress, PracticeScenario
from frontliner.store.pagination import Order, Page, first, page
from frontliner.store.practice_tables import (
    practice_attempts,
    practice_progress,
    practice_scenarios,
)
from frontliner.store.tables import cases

# More scenarios than any desk keeps; the progress of one agent fits in one read.
MAX_PROGRESS = 2000
ATTEMPTS_SHOWN = 10
CLOSED_CASES_SHOWN = 20


def progress_of(session: Session, user_id: int) -> dict[str, PracticeProgress]:
    rows = session.scalars(sa.select(PracticeProgress)
                           .where(practice_progress.c.user_id == user_id)
                           .limit(MAX_PROGRESS))
    return {row.scenario_key: row for row in rows}


def attempts_of(session: Session, user_id: int, key: str,
                limit: int = ATTEMPTS_SHOWN) -> list[PracticeAttempt]:
    """One agent's latest attempts at one scenario, newest first."""
    query = (sa.select(PracticeAttempt)
             .where(practice_attempts.c.user_id == user_id,
                    practice_attempts.c.scenario_key == key)
             .order_by(practice_attempts.c.id.desc()).limit(limit))
    return list(session.scalars(query))


def desk_scenarios(session: Session, archived: bool = False, cursor: str | None = None,
                   limit: int | None = None) -> Page[PracticeScenario]:
    """The desk's own scenarios (archived or not), newest first."""
    query = sa.select(PracticeScenario).where(practice_scenarios.c.archived == archived)
    order = Order(practice_scenarios.c.id, practice_scenarios.c.id)
    return page(session, query, order, cursor, limit, first)


def closed_cases(session: Session, limit: int = CLOSED_CASES_SHOWN) -> list[Case]:
    """The most recently touched resolved or closed cases, to pick one to learn from."""
    found: list[Case] = []
    for status in (CaseStatus.CLOSED, CaseStatus.RESOLVED):
        found += session.scalars(sa.select(Case).where(cases.c.status == status)
                                 .order_by(cases.c.updated_at.desc(), cases.c.id.desc())
                                 .limit(limit))
    found.sort(key=lambda c: (c.updated_at or c.opened_at, c.id or 0), reverse=True)
    return found[:limit]
