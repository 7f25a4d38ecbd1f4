"""Practice over the API: scenarios with my progress, attempts graded by the desk's
coach, and for leads the desk's own scenarios and turning a resolved case into one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from frontliner.desk.access import has_authority
from frontliner.desk.model import User
from frontliner.desk.practice import from_case, operations
from frontliner.desk.practice.records import PracticeAttempt, PracticeProgress, PracticeScenario
from frontliner.store import practice_queries
from frontliner.web.deps import LeadUser, PageDep, StaffUser, UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.coaching import desk_coach
from frontliner.web.practice_scene import listed, load_practice
from frontliner.web.schemas.common import ERRORS
from frontliner.web.schemas.practice import (
    AttemptIn,
    AttemptOut,
    CaseDraftOut,
    ProgressOut,
    ScenarioIn,
    ScenarioListOut,
    ScenarioOut,
    StoredScenarioOut,
)

router = APIRouter(prefix="/practice", tags=["practice"], responses=ERRORS)


def _progress(p: PracticeProgress | None) -> ProgressOut | None:
    return None if p is None else ProgressOut(attempts=p.attempts, best_score=p.best_score,
                                              passed=p.passed)


def _attempt(a: PracticeAttempt, model_answer: str | None = None) -> AttemptOut:
    assert a.id is not None
    return AttemptOut(id=a.id, scenario_key=a.scenario_key, at=a.at.isoformat(), reply=a.reply,
                      score=a.score, passed=a.passed, grade=a.grade, model_answer=model_answer)


def _stored(s: PracticeScenario) -> StoredScenarioOut:
    return StoredScenarioOut(key=s.key, title=s.title, origin=s.origin, archived=s.archived,
                             scenario=s.data)


@router.get("/scenarios", response_model=ScenarioListOut,
            summary="Scenarios with my progress: the library, then the desk's own")
def list_scenarios(user: StaffUser, uow: UowDep, page: PageDep) -> Any:
    rows, next_cursor = listed(uow, user, page.cursor, page.limit)
    items = [{"key": r.scenario.key, "title": r.scenario.title,
              "situation": r.scenario.situation, "origin": r.scenario.origin,
              "practises": list(r.scenario.practises), "topics": list(r.scenario.topics),
              "progress": _progress(r.progress)} for r in rows]
    return {"items": items, "next_cursor": next_cursor}


def _progress_on(uow: UowDep, user: User, key: str) -> PracticeProgress | None:
    assert user.id is not None
    return practice_queries.progress_of(session_of(uow), user.id).get(key)


@router.get("/scenarios/{key}", response_model=ScenarioOut,
            summary="One scenario; its model answer once I have attempted it")
def get_scenario(key: str, request: Request, user: StaffUser, uow: UowDep) -> Any:
    currency = str(request.app.state.settings.currency)
    scene = load_practice(uow, user, key, currency)
    progress = _progress_on(uow, user, key)
    data = scene.scenario.to_dict()
    if not has_authority(user):
        data.pop("bad_answer", None)
        if progress is None:
            data.pop("model_answer")
    return {"key": key, "origin": scene.scenario.origin, "scenario": data,
            "empowerment": scene.empowerment_dict(currency), "progress": _progress(progress)}


@router.post("/scenarios/{key}/attempts", response_model=AttemptOut, status_code=201,
             summary="Answer a scenario: graded by the desk's coach, kept with my progress")
def attempt(key: str, body: AttemptIn, request: Request, user: StaffUser, uow: UowDep) -> Any:
    scene = load_practice(uow, user, key, str(request.app.state.settings.currency))
    result = scene.grade(session_of(uow), body.reply)
    made = operations.record_attempt(uow, user, key, body.reply, result)
    uow.commit()
    return _attempt(made, scene.scenario.model_answer)


@router.get("/scenarios/{key}/attempts", response_model=list[AttemptOut],
            summary="My latest attempts at a scenario, newest first")
def my_attempts(key: str, user: StaffUser, uow: UowDep) -> Any:
    operations.find_scenario(uow, key)
    assert user.id is not None
    return [_attempt(a) for a in practice_queries.attempts_of(session_of(uow), user.id, key)]


@router.post("/scenarios", response_model=StoredScenarioOut, status_code=201,
             summary="Write a scenario for this desk (lead); its model answer must pass")
def write(body: ScenarioIn, user: LeadUser, uow: UowDep) -> Any:
    stored = operations.write_scenario(uow, user, body.data(), desk_coach(session_of(uow)))
    uow.commit()
    return _stored(stored)


@router.put("/scenarios/{key}", response_model=StoredScenarioOut,
            summary="Change one of this desk's scenarios (lead)")
def edit(key: str, body: ScenarioIn, user: LeadUser, uow: UowDep) -> Any:
    stored = operations.edit_scenario(uow, user, key, body.data(), desk_coach(session_of(uow)))
    uow.commit()
    return _stored(stored)


@router.post("/scenarios/{key}/archive", response_model=StoredScenarioOut,
             summary="Take one of this desk's scenarios off the list (lead)")
def archive(key: str, user: LeadUser, uow: UowDep) -> Any:
    stored = operations.archive_scenario(uow, user, key)
    uow.commit()
    return _stored(stored)


@router.get("/cases/{ref}/draft", response_model=CaseDraftOut,
            summary="A resolved case as a scenario draft, personal details removed (lead)")
def case_draft(ref: str, user: LeadUser, uow: UowDep) -> Any:
    draft = from_case.draft_from_case(uow, user, ref)
    return {"case_ref": ref, "scenario": draft.data, "removed": dict(draft.removed)}


@router.post("/cases/{ref}/scenario", response_model=StoredScenarioOut, status_code=201,
             summary="Save the checked draft of a resolved case as a scenario (lead)")
def save_case_scenario(ref: str, body: ScenarioIn, user: LeadUser, uow: UowDep) -> Any:
    stored = from_case.save_from_case(uow, user, ref, body.data(),
                                      desk_coach(session_of(uow)))
    uow.commit()
    return _stored(stored)
