"""Suggested fires on the fire log page (`/fires`, leads) and the lesson form of a
resolved case: the pages' side of `desk/fire_suggestions.py` and `closing.record_lesson`.

Leads see the groups of similar recent cases above the fire log, open one as a fire with
one click (its cases linked) or dismiss it, and set the thresholds (N cases within D
days). Counting them is bounded (`UnitOfWork.suggestible_cases`), so the console may show
how many wait on every page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from frontliner.desk import closing, fire_suggestions
from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.model import Case
from frontliner.web.deps import UowDep
from frontliner.web.pages.auth import LeadPageUser, StaffPageUser
from frontliner.web.pages.case_actions import attempt
from frontliner.web.pages.fire_context import forget_count
from frontliner.web.pages.lead import done

router = APIRouter()
_REFUSED = (Invalid, Conflict, Forbidden)


@router.post("/fires/suggestions/open")
def open_suggestion(request: Request, user: LeadPageUser, uow: UowDep,
                    key: Annotated[str, Form(max_length=300)] = "",
                    title: Annotated[str, Form(max_length=300)] = "") -> Response:
    try:
        fire = fire_suggestions.open_suggested_fire(uow, user, key, title or None)
        uow.commit()
        forget_count()
    except _REFUSED as refused:
        uow.rollback()
        return done(request, "/fires", refused.message)
    return done(request, f"/fires/{fire.id}",
                "Logged in the fire log with its cases linked; new cases about it join it.")


@router.post("/fires/suggestions/dismiss")
def dismiss_suggestion(request: Request, user: LeadPageUser, uow: UowDep,
                       key: Annotated[str, Form(max_length=300)] = "",
                       case_ids: Annotated[list[int] | None, Form()] = None) -> Response:
    try:
        group = fire_suggestions.dismiss_suggestion(uow, user, key, set(case_ids or ()))
        uow.commit()
        forget_count()
    except _REFUSED as refused:
        uow.rollback()
        return done(request, "/fires", refused.message)
    return done(request, "/fires", f"Dismissed: those {len(group.cases)} cases will not be "
                                   "suggested as a fire again.")


@router.post("/fires/suggestions/thresholds")
def set_thresholds(request: Request, user: LeadPageUser, uow: UowDep,
                   min_cases: Annotated[str, Form(max_length=6)] = "",
                   days: Annotated[str, Form(max_length=6)] = "") -> Response:
    try:
        fire_suggestions.set_thresholds(uow, user, _whole(min_cases), _whole(days))
        uow.commit()
        forget_count()
    except _REFUSED as refused:
        uow.rollback()
        return done(request, "/fires", refused.message)
    return done(request, "/fires", f"A fire is now suggested for {min_cases.strip()} similar "
                                   f"cases within {days.strip()} days.")


def _whole(raw: str) -> int:
    return int(raw.strip()) if raw.strip().isdigit() else 0


@router.post("/work/cases/{ref}/lesson")
async def record_lesson(request: Request, ref: str, user: StaffPageUser,
                        uow: UowDep) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        assert case.id is not None
        title = str(values.get("title", "")).strip()
        if len(title) > 200:
            raise Invalid("Titles stop at 200 characters.", {"title": "too long"})
        article = closing.record_lesson(uow, user, case.id, str(values.get("lesson", "")),
                                        draft_article=values.get("draft_article") == "yes",
                                        title=title or None)
        if article is None:
            return "Thank you: your lesson is kept with the case."
        return (f"Thank you: your lesson is kept, and the draft article “{article.title}” "
                "waits in Knowledge for a lead to publish.")

    return await attempt(request, uow, user, ref, "lesson", op)
