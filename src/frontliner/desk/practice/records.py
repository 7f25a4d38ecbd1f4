"""What practice keeps: a lead's own scenarios, every attempt, each agent's progress per
scenario, and whether an agent has been welcomed to practice. Mapped onto tables by
`store/practice_tables.py`, like the entities of `desk/model.py`.

Scenarios are named by a key: the file name of a packaged one, `desk-<id>` for a lead's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DESK_PREFIX = "desk-"


@dataclass(eq=False)
class PracticeScenario:
    """A scenario a lead wrote, or made from a closed case (its text anonymised)."""

    title: str
    data: dict[str, Any]  # the scenario as `Scenario.to_dict()` gives it
    origin: str  # "written" or "case"
    author_id: int
    created_at: datetime
    updated_at: datetime | None = None
    archived: bool = False
    source_case_id: int | None = None  # for leads only: which case it came from
    id: int | None = None

    @property
    def key(self) -> str:
        return f"{DESK_PREFIX}{self.id}"


@dataclass(eq=False)
class PracticeAttempt:
    user_id: int
    scenario_key: str
    at: datetime
    reply: str
    score: int
    passed: bool
    grade: dict[str, Any] = field(default_factory=dict)  # `Grade.to_dict()` when graded
    id: int | None = None


@dataclass(eq=False)
class PracticeProgress:
    """One agent's standing on one scenario: kept up to date by every attempt."""

    user_id: int
    scenario_key: str
    attempts: int = 0
    best_score: int = 0
    passed: bool = False
    last_at: datetime | None = None
    passed_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class PracticeWelcome:
    """An agent was shown the practice welcome (on their first sign-in): only once."""

    user_id: int
    shown_at: datetime
    id: int | None = None
