"""Suggested fires: groups of similar recent cases, opened as a fire or dismissed (leads),
and the thresholds that make them (N cases within D days)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from frontliner.desk import fire_suggestions
from frontliner.desk.similarity import Group
from frontliner.web.deps import CurrentUser, StaffUser, UowDep
from frontliner.web.lookup import render
from frontliner.web.schemas.common import ERRORS
from frontliner.web.schemas.knowledge import (
    DismissedOut,
    DismissSuggestionIn,
    FireOut,
    OpenSuggestionIn,
    SuggestionsOut,
    ThresholdsIn,
    ThresholdsOut,
)

router = APIRouter(prefix="/fire-suggestions", tags=["fire log"], responses=ERRORS)


def suggestion_out(group: Group) -> dict[str, Any]:
    return {"key": group.key, "title": group.title,
            "cases": [vars(case) for case in group.cases]}


@router.get("", response_model=SuggestionsOut,
            summary="Groups of similar recent cases not yet in the fire log (lead)")
def list_suggestions(user: CurrentUser, uow: UowDep) -> Any:
    groups = fire_suggestions.suggested_fires(uow, user)
    limits = fire_suggestions.thresholds(uow)
    return {"min_cases": limits.min_cases, "days": limits.days,
            "items": [suggestion_out(g) for g in groups]}


@router.post("/open", response_model=FireOut, status_code=201,
             summary="Log a suggestion in the fire log with its cases linked (lead)")
def open_suggestion(body: OpenSuggestionIn, user: CurrentUser, uow: UowDep) -> Any:
    fire = fire_suggestions.open_suggested_fire(uow, user, body.key, body.title)
    uow.commit()
    return render(FireOut, fire)


@router.post("/dismiss", response_model=DismissedOut,
             summary="Not a fire: these cases are not suggested again (lead)")
def dismiss_suggestion(body: DismissSuggestionIn, user: CurrentUser, uow: UowDep) -> Any:
    chosen = None if body.case_ids is None else set(body.case_ids)
    group = fire_suggestions.dismiss_suggestion(uow, user, body.key, chosen)
    uow.commit()
    return {"key": group.key, "case_ids": [c.case_id for c in group.cases]}


@router.get("/thresholds", response_model=ThresholdsOut,
            summary="When a fire is suggested: N cases within D days (staff)")
def get_thresholds(user: StaffUser, uow: UowDep) -> Any:
    return vars(fire_suggestions.thresholds(uow))


@router.put("/thresholds", response_model=ThresholdsOut, summary="Set the thresholds (lead)")
def put_thresholds(body: ThresholdsIn, user: CurrentUser, uow: UowDep) -> Any:
    limits = fire_suggestions.set_thresholds(uow, user, body.min_cases, body.days)
    uow.commit()
    return vars(limits)
