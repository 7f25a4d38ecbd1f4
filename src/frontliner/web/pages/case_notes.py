"""Forms of the case page beside the reply composer: log a phone call (the customer's
words as their message on the phone channel, with the agent's summary as an internal
note), add an internal note (staff only, never shown to the customer), and accept or
reject a held message (mail naming the case from an unchecked sender)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from frontliner.desk import held_mail, interactions
from frontliner.desk.errors import NotFound
from frontliner.desk.model import Case, HeldMessage
from frontliner.web.deps import UowDep
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.case_actions import attempt

router = APIRouter()
HeldId = Annotated[int, Path(ge=1, le=2_147_483_647)]


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


@router.post("/work/cases/{ref}/held/{held_id}/accept")
async def accept_held(
    request: Request, ref: str, held_id: HeldId, user: StaffPageUser, uow: UowDep
) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        held_mail.accept_held(uow, user, _held_on(uow, case, held_id))
        return "Held message accepted: it is on the case as the customer's message."

    return await attempt(request, uow, user, ref, "held", op)


@router.post("/work/cases/{ref}/held/{held_id}/reject")
async def reject_held(
    request: Request, ref: str, held_id: HeldId, user: StaffPageUser, uow: UowDep
) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        held_mail.reject_held(uow, user, _held_on(uow, case, held_id),
                              str(values.get("reason", "")))
        return "Held message rejected: it stays out of the case, with your reason."

    return await attempt(request, uow, user, ref, "held", op)


def _held_on(uow: UowDep, case: Case, held_id: int) -> int:
    """The held message's id if it is on this page's case (else the same 404 as none)."""
    held = uow.get(HeldMessage, held_id)
    if held is None or held.case_id != case.id:
        raise NotFound("No such held message on this case.", {"held_id": held_id})
    return held_id
