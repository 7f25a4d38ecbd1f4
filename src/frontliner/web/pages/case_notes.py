"""Two forms of the case page beside the reply composer: log a phone call (the customer's
words as their message on the phone channel, with the agent's summary as an internal
note) and add an internal note (staff only, never shown to the customer)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from frontliner.desk import interactions
from frontliner.desk.model import Case
from frontliner.web.deps import UowDep
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.case_actions import attempt

router = APIRouter()


def _id(case: Case) -> int:
    assert case.id is not None
    return case.id


@router.post("/work/cases/{ref}/call")
async def log_call(request: Request, ref: str, user: StaffPageUser, uow: UowDep) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        interactions.log_call(uow, user, _id(case), str(values.get("said", "")),
                              str(values.get("summary", "")))
        return "Call logged: the customer's words are on the case as their message."

    return await attempt(request, uow, user, ref, "call", op)


@router.post("/work/cases/{ref}/note")
async def add_note(request: Request, ref: str, user: StaffPageUser, uow: UowDep) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        interactions.add_note(uow, user, _id(case), str(values.get("note", "")))
        return "Internal note added. Only staff see it."

    return await attempt(request, uow, user, ref, "note", op)
