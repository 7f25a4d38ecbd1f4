"""The writes of practice mode, as named operations.

- `record_attempt`: keep an agent's graded reply and bring their progress up to date.
- `write_scenario` / `edit_scenario` / `archive_scenario`: a lead's own scenarios; a
  scenario is saved only when its own model answer passes the coach.
- `welcome_on_first_sign_in`: whether to show a new agent the way to practice (once).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from frontliner.coach import Coach
from frontliner.desk.access import require_authority, require_staff
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Invalid, NotFound
from frontliner.desk.model import Role, User, id_of
from frontliner.desk.ports import UnitOfWork
from frontliner.desk.practice.grading import Grade, grade
from frontliner.desk.practice.library import library_scenario
from frontliner.desk.practice.records import (
    DESK_PREFIX,
    PracticeAttempt,
    PracticeProgress,
    PracticeScenario,
    PracticeWelcome,
)
from frontliner.desk.practice.scenario import MAX_TEXT, Scenario, parse_scenario

ORIGINS = ("written", "case")


def find_scenario(uow: UnitOfWork, key: str) -> Scenario:
    """A packaged scenario by its file name, or a lead's (not archived) by `desk-<id>`."""
    scenario = library_scenario(key)
    if scenario is not None:
        return scenario
    stored = _stored(uow, key)
    if stored is None or stored.archived:
        raise NotFound(f"No practice scenario {key}.", {"scenario": key})
    return stored_scenario(stored)


def _stored(uow: UnitOfWork, key: str) -> PracticeScenario | None:
    number = key.removeprefix(DESK_PREFIX)
    if not key.startswith(DESK_PREFIX) or not number.isdigit() or len(number) > 12:
        return None
    return uow.get(PracticeScenario, int(number))


def stored_of(uow: UnitOfWork, key: str) -> PracticeScenario:
    """One of the desk's own scenarios (archived or not), for a lead to edit."""
    stored = _stored(uow, key)
    if stored is None:
        raise NotFound(f"No practice scenario {key} of this desk.", {"scenario": key})
    return stored


def stored_scenario(stored: PracticeScenario) -> Scenario:
    return parse_scenario(stored.key, stored.data, origin=stored.origin)


def record_attempt(uow: UnitOfWork, actor: User, key: str, reply: str, result: Grade,
                   now: datetime | None = None) -> PracticeAttempt:
    """Keep one graded attempt and the agent's progress on the scenario."""
    require_staff(actor)
    if not reply.strip():
        raise Invalid("Write a reply first.", {"reply": "is empty"})
    if len(reply) > MAX_TEXT:
        raise Invalid(f"A reply is at most {MAX_TEXT:,} characters.", {"reply": "too long"})
    at = resolve_now(now)
    user_id = id_of(actor)
    attempt = PracticeAttempt(user_id=user_id, scenario_key=key, at=at, reply=reply,
                              score=result.score, passed=result.passed, grade=result.to_dict())
    uow.add(attempt)
    found = uow.find(PracticeProgress, limit=1, user_id=user_id, scenario_key=key)
    progress = found[0] if found else PracticeProgress(user_id=user_id, scenario_key=key)
    if not found:
        uow.add(progress)
    progress.attempts += 1
    progress.best_score = max(progress.best_score, result.score)
    progress.last_at = at
    if result.passed and not progress.passed:
        progress.passed, progress.passed_at = True, at
    uow.flush()
    return attempt


def attempt_of(uow: UnitOfWork, actor: User, attempt_id: int) -> PracticeAttempt:
    """One of the actor's own attempts (another agent's is not found)."""
    attempt = uow.get(PracticeAttempt, attempt_id)
    if attempt is None or attempt.user_id != actor.id:
        raise NotFound(f"No practice attempt {attempt_id}.", {"attempt_id": attempt_id})
    return attempt


def check_model_answer(coach: Coach, scenario: Scenario) -> Grade:
    """A scenario whose model answer fails its own grade would teach the wrong thing."""
    result = grade(coach, scenario, scenario.model_answer)
    if not result.passed:
        problems = [f.finding.message for f in result.findings]
        problems += [f"not met: {c.expectation.label}" for c in result.expectations if not c.met]
        detail = "; ".join(problems) or f"score {result.score}"
        raise Invalid(f"The model answer does not pass its own grade: {detail}",
                      {"model_answer": "does not pass the coach"})
    return result


def write_scenario(uow: UnitOfWork, actor: User, data: dict[str, Any], coach: Coach, *,
                   origin: str = "written", source_case_id: int | None = None,
                   now: datetime | None = None) -> PracticeScenario:
    require_authority(actor)
    if origin not in ORIGINS:
        raise Invalid(f"origin must be one of {', '.join(ORIGINS)}", {"origin": "unknown"})
    scenario = _checked(data, origin, coach)
    at = resolve_now(now)
    stored = PracticeScenario(title=scenario.title, data=scenario.to_dict(), origin=origin,
                              author_id=id_of(actor), created_at=at, updated_at=at,
                              source_case_id=source_case_id)
    uow.add(stored)
    uow.flush()
    return stored


def edit_scenario(uow: UnitOfWork, actor: User, key: str, data: dict[str, Any], coach: Coach,
                  now: datetime | None = None) -> PracticeScenario:
    require_authority(actor)
    stored = stored_of(uow, key)
    scenario = _checked(data, stored.origin, coach)
    stored.title, stored.data = scenario.title, scenario.to_dict()
    stored.updated_at = resolve_now(now)
    return stored


def archive_scenario(uow: UnitOfWork, actor: User, key: str, archived: bool = True,
                     now: datetime | None = None) -> PracticeScenario:
    """Take a lead's scenario off the practice list (or put it back); attempts stay."""
    require_authority(actor)
    stored = stored_of(uow, key)
    stored.archived, stored.updated_at = archived, resolve_now(now)
    return stored


def _checked(data: dict[str, Any], origin: str, coach: Coach) -> Scenario:
    scenario = parse_scenario("desk-new", {k: v for k, v in data.items() if k != "bad_answer"},
                              origin=origin)
    check_model_answer(coach, scenario)
    return scenario


def welcome_on_first_sign_in(uow: UnitOfWork, user: User, now: datetime | None = None) -> bool:
    """True once per agent, on their first sign-in: then they are shown practice."""
    if user.role != Role.AGENT or user.id is None:
        return False
    if uow.find(PracticeWelcome, limit=1, user_id=user.id):
        return False
    uow.add(PracticeWelcome(user_id=user.id, shown_at=resolve_now(now)))
    return True
