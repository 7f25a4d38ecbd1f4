"""Practice's records come back from the database exactly as saved, on SQLite and
PostgreSQL, and an agent's progress on a scenario is one row however often they try."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from tests.conftest import T0, Seeded

from frontliner.coach.engine import default_coach
from frontliner.desk.errors import Conflict
from frontliner.desk.model import User
from frontliner.desk.practice import records as p
from frontliner.desk.practice.grading import grade
from frontliner.desk.practice.library import library_scenario
from frontliner.desk.practice.operations import record_attempt
from frontliner.store import practice_queries
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def test_every_practice_record_round_trips(uow_factory: UowFactory, seeded: Seeded) -> None:
    saved: list[Any] = [
        p.PracticeScenario(title="Cold soup", data={"title": "Cold soup", "thread": []},
                           origin="case", author_id=seeded.lead_id, created_at=T0,
                           updated_at=T0, archived=True, source_case_id=seeded.case_id),
        p.PracticeAttempt(user_id=seeded.agent_id, scenario_key="late-parcel-birthday", at=T0,
                          reply="Sorry!", score=70, passed=False,
                          grade={"score": 70, "findings": [{"rule": "guess"}]}),
        p.PracticeProgress(user_id=seeded.agent_id, scenario_key="late-parcel-birthday",
                           attempts=3, best_score=90, passed=True, last_at=T0, passed_at=T0),
        p.PracticeWelcome(user_id=seeded.agent_id, shown_at=T0),
    ]
    with uow_factory() as uow:
        for obj in saved:
            uow.add(obj)
        uow.commit()
    kinds = {type(obj) for obj in saved}
    assert kinds == {v for v in vars(p).values()
                     if dataclasses.is_dataclass(v) and isinstance(v, type)}
    for obj in saved:
        expected = _fields(obj)
        with uow_factory() as uow:
            assert _fields(uow.get(type(obj), expected["id"])) == expected


def test_progress_keeps_the_best_score_and_the_first_pass(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    scenario = library_scenario("double-charge-card")
    assert scenario is not None and scenario.bad_answer
    coach = default_coach()
    replies = [scenario.bad_answer, scenario.model_answer, scenario.bad_answer]
    with uow_factory() as uow:
        agent = uow.get(User, seeded.agent_id)
        assert agent is not None
        for reply in replies:
            record_attempt(uow, agent, scenario.key, reply, grade(coach, scenario, reply))
        uow.commit()
        progress = practice_queries.progress_of(uow.session, seeded.agent_id)[scenario.key]
        attempts = practice_queries.attempts_of(uow.session, seeded.agent_id, scenario.key)
    assert (progress.attempts, progress.passed) == (3, True)
    assert progress.best_score == max(a.score for a in attempts)
    assert [a.passed for a in attempts] == [False, True, False]  # newest first


def test_a_second_progress_row_for_the_same_scenario_is_a_conflict(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        for _ in range(2):
            uow.add(p.PracticeProgress(user_id=seeded.agent_id, scenario_key="x"))
        with pytest.raises(Conflict):
            uow.commit()
