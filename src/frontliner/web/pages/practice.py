"""Practice pages for staff: `/practice` (the scenarios with my progress, and the
welcome a new agent sees once) and `/practice/<key>` (the scenario, a composer with the
live coach, the grade of my attempt, the model answer after an attempt, try again).

Attempts go through `desk.practice.operations.record_attempt`; the grade comes from the
desk's production coach (`web/practice_scene.py`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from frontliner.coach import Finding, Severity
from frontliner.desk.errors import Invalid
from frontliner.desk.model import User
from frontliner.desk.ports import UnitOfWork
from frontliner.desk.practice.grading import PASS_SCORE, seed_title
from frontliner.desk.practice.operations import attempt_of, record_attempt
from frontliner.desk.practice.records import PracticeAttempt
from frontliner.store import practice_queries
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.case_actions import form_values
from frontliner.web.pages.case_page import CoachView, coach_view
from frontliner.web.pages.composer import use_suggestion
from frontliner.web.pages.drafts import shown_findings, underline
from frontliner.web.pages.templating import render
from frontliner.web.practice_scene import PracticeScene, listed, load_practice

router = APIRouter()


def currency_of(request: Request) -> str:
    return str(request.app.state.settings.currency)


@router.get("/practice")
def practice_list(request: Request, user: StaffPageUser, uow: UowDep, welcome: str = "",
                  cursor: str | None = None) -> Response:
    rows, next_cursor = listed(uow, user, cursor)
    passed = sum(1 for r in rows if r.progress is not None and r.progress.passed)
    context = {"rows": rows, "next_cursor": next_cursor, "welcome": welcome == "1",
               "passed": passed, "first": rows[0].scenario if rows else None}
    return render(request, "practice/list.html", context)


def live_coach(scene: PracticeScene, session: Session, draft: str) -> CoachView:
    if not draft.strip():
        return coach_view(draft, None)
    return coach_view(draft, scene.check(session, draft))


def graded(attempt: PracticeAttempt) -> dict[str, Any]:
    """A stored attempt as the page shows it: the reply with its findings marked, each
    finding with its explanation, and the scenario's expectations met or not."""
    data = attempt.grade
    raw = data.get("findings", [])
    findings = [Finding(f["rule"], f["start"], f["end"], Severity.parse(f["severity"]),
                        f["message"], f.get("suggestion")) for f in raw]
    shown = shown_findings(findings, attempt.reply)
    explained = {(f["rule"], f["start"], f["end"]): f for f in raw}
    items = [(s, explained.get((s.finding.rule, s.finding.start, s.finding.end), {}))
             for s in shown]
    return {"attempt": attempt, "marked": underline(attempt.reply, shown), "shown": items,
            "expectations": data.get("expectations", [])}


def render_scenario(request: Request, uow: UnitOfWork, user: User, key: str, *,
                    attempt_id: int | None = None, draft: str | None = None,
                    errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    scene = load_practice(uow, user, key, currency_of(request))
    session = session_of(uow)
    assert user.id is not None
    attempts = practice_queries.attempts_of(session, user.id, key)
    shown = attempt_of(uow, user, attempt_id) if attempt_id is not None else None
    if shown is not None and shown.scenario_key != key:
        shown = None
    if draft is None:
        draft = shown.reply if shown is not None else ""
    context = {
        "scene": scene, "s": scene.scenario, "key": key, "attempts": attempts,
        "graded": graded(shown) if shown is not None else None,
        "show_model": bool(attempts), "coach": live_coach(scene, session, draft),
        "values": {"body": draft}, "errors": errors or {}, "pass_score": PASS_SCORE,
        "currency": currency_of(request), "seed_title": seed_title(scene.scenario.seed),
        "notice": None, "coach_apply_url": f"/practice/{key}/coach/apply",
    }
    return render(request, "practice/scenario.html", context, status_code=status_code)


@router.get("/practice/{key}")
def practice_scenario(request: Request, key: str, user: StaffPageUser, uow: UowDep,
                      attempt: int | None = None) -> Response:
    return render_scenario(request, uow, user, key, attempt_id=attempt)


@router.post("/practice/{key}/coach")
async def practice_coach(request: Request, key: str, user: StaffPageUser,
                         uow: UowDep) -> Response:
    values = await form_values(request)
    scene = load_practice(uow, user, key, currency_of(request))
    view = live_coach(scene, session_of(uow), str(values.get("body", "")))
    return render(request, "agent/_coach.html", {"coach": view,
                                                 "coach_apply_url": f"/practice/{key}/coach/apply"})


@router.post("/practice/{key}/coach/apply")
async def practice_apply(request: Request, key: str, user: StaffPageUser,
                         uow: UowDep) -> Response:
    """The suggestion put into the draft, answered with the practice composer."""
    values = await form_values(request)
    scene = load_practice(uow, user, key, currency_of(request))
    session = session_of(uow)
    draft, view, notice, _ = use_suggestion(values,
                                            lambda text: live_coach(scene, session, text))
    context = {"coach": view, "key": key, "values": {"body": draft}, "errors": {},
               "notice": notice, "coach_apply_url": f"/practice/{key}/coach/apply"}
    return render(request, "practice/_composer.html", context)


@router.post("/practice/{key}/attempts")
async def practice_attempt(request: Request, key: str, user: StaffPageUser,
                           uow: UowDep) -> Response:
    values = await form_values(request)
    reply = str(values.get("body", ""))
    scene = load_practice(uow, user, key, currency_of(request))
    try:
        result = scene.grade(session_of(uow), reply)
        attempt = record_attempt(uow, user, key, reply, result)
    except Invalid as error:
        uow.rollback()
        return render_scenario(request, uow, user, key, draft=reply,
                               errors={"composer": error.message}, status_code=422)
    uow.commit()
    return RedirectResponse(f"/practice/{key}?attempt={attempt.id}#grade", status_code=303)
