"""The forms of the case page: each parses its fields, calls ONE desk operation, commits,
and goes back to the case with a short message (POST -> 303 -> GET). A refusal (bad
input, a limit, a case changed meanwhile) shows the case page again with the message
next to the form and every field as the agent typed it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.desk import access, closing, empowerment, escalation, ownership
from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.model import Case, RemedyStatus, User
from frontliner.desk.ports import UnitOfWork
from frontliner.web.deps import UowDep
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.case_page import FLASH, render_case
from frontliner.web.pages.errors import PageError
from frontliner.web.schemas.bounds import Id

router = APIRouter()

MAX_FIELD = 10_000
_REFUSALS = (Invalid, Conflict, Forbidden)
_STATUS = {Invalid: 422, Conflict: 409, Forbidden: 403}


async def form_values(request: Request) -> dict[str, Any]:
    """The posted fields (repeated fields as lists), each bounded in size."""
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form:
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        if any(len(v) > MAX_FIELD for v in items):
            raise PageError(413, f"The field {key!r} is longer than {MAX_FIELD} characters.")
        values[key] = items if len(items) > 1 or key.endswith("[]") else (items[0] if items
                                                                           else "")
    return values


def version_of(values: dict[str, Any]) -> int | None:
    raw = str(values.get("version", "")).strip()
    return int(raw) if raw.isdigit() else None


def cents(raw: str, field: str = "amount") -> int:
    """"12.50" (or "12,50") in the desk's currency -> 1250."""
    text = raw.strip().replace(",", ".") or "0"
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Invalid(f"{raw!r} is not an amount of money.", {field: "like 12.50"}) from None
    if value < 0 or value != value.quantize(Decimal("0.01")) or value > 10_000_000:
        raise Invalid(f"{raw!r} is not an amount of money.", {field: "like 12.50"})
    return int(value * 100)


def whole(raw: str, field: str) -> int:
    text = raw.strip() or "0"
    if not text.isdigit() or len(text) > 6:
        raise Invalid(f"{raw!r} is not a whole number of days.", {field: "like 3"})
    return int(text)


def done(ref: str, message: str, request: Request, anchor: str = "") -> Response:
    request.session[FLASH] = message
    return RedirectResponse(f"/work/cases/{ref}{anchor}", status_code=303)


async def attempt(
    request: Request,
    uow: UnitOfWork,
    user: User,
    ref: str,
    form: str,
    operation: Callable[[Case, dict[str, Any]], str],
) -> Response:
    """Run `operation(case, values)` (one desk operation) and commit; on a refusal show
    the page again with the message under `form`."""
    values = await form_values(request)
    case = access.load_case_by_ref(uow, user, ref)
    try:
        message = operation(case, values)
        uow.commit()
    except _REFUSALS as refusal:
        uow.rollback()
        status = next(code for kind, code in _STATUS.items() if isinstance(refusal, kind))
        return render_case(request, uow, user, ref, values={**values, "form": form},
                           errors={form: refusal.message}, status_code=status)
    return done(ref, message, request, f"#{form}")


def _case_id(case: Case) -> int:
    assert case.id is not None
    return case.id


@router.post("/work/cases/{ref}/acknowledge")
async def acknowledge(request: Request, ref: str, user: StaffPageUser, uow: UowDep) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        ownership.acknowledge(uow, user, _case_id(case), version_of(values))
        return "You acknowledged the case: it is yours until the customer confirms the fix."

    return await attempt(request, uow, user, ref, "status", op)


@router.post("/work/cases/{ref}/remedy")
async def remedy(request: Request, ref: str, user: StaffPageUser, uow: UowDep) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        given = empowerment.apply_remedy(
            uow, user, _case_id(case), str(values.get("kind", "")),
            amount=cents(str(values.get("amount", ""))),
            days=whole(str(values.get("days", "")), "days"),
            note=str(values.get("note", "")), expected_version=version_of(values))
        what = given.kind.value.replace("_", " ")
        if given.status == RemedyStatus.APPLIED:
            return f"Applied: {what}. It is within your empowerment and recorded on the case."
        return (f"The {what} is above your limits, so a lead has been asked to approve it; "
                "the answer will appear on this case.")

    return await attempt(request, uow, user, ref, "remedy", op)


def _people(values: dict[str, Any]) -> list[dict[str, str]]:
    names = values.get("person_name[]", [])
    contacts = values.get("person_contact[]", [])
    names = names if isinstance(names, list) else [names]
    contacts = contacts if isinstance(contacts, list) else [contacts]
    pairs = zip(names, contacts + [""] * (len(names) - len(contacts)), strict=False)
    return [{"name": n, "contact": c} for n, c in pairs if n.strip() or c.strip()]


@router.post("/work/cases/{ref}/escalate")
async def escalate(request: Request, ref: str, user: StaffPageUser, uow: UowDep) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        handler = str(values.get("handler_id", "")).strip()
        people = _people(values)
        found = escalation.escalate(
            uow, user, _case_id(case), str(values.get("reason", "")),
            str(values.get("details", "")),
            handler_id=int(handler) if handler.isdigit() else None,
            people_involved=people or None, expected_version=version_of(values))
        handler_user = uow.get(User, found.handler_id)
        name = handler_user.name if handler_user else "the handler"
        return (f"Escalated to {name}. You stay the owner; a follow-up reminds you to check "
                "until the customer confirms.")

    return await attempt(request, uow, user, ref, "escalate", op)


@router.post("/work/cases/{ref}/handover")
async def handover(request: Request, ref: str, user: StaffPageUser, uow: UowDep) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        to = str(values.get("to_user_id", "")).strip()
        if not to.isdigit():
            raise Invalid.missing({"to_user_id": "the colleague who should own the case"})
        ownership.offer_handover(uow, user, _case_id(case), int(to),
                                 str(values.get("note", "")), version_of(values))
        return "Handover offered. You stay the owner until your colleague accepts."

    return await attempt(request, uow, user, ref, "handover", op)


@router.post("/work/cases/{ref}/handover/{handover_id}/{answer}")
async def answer_handover(request: Request, ref: str, handover_id: Id, answer: str,
                          user: StaffPageUser, uow: UowDep) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        if answer == "accept":
            ownership.accept_handover(uow, user, handover_id)
            return "You accepted: the case is yours now."
        if answer == "decline":
            ownership.decline_handover(uow, user, handover_id, str(values.get("note", "")))
            return "You declined the handover; the owner keeps the case."
        if answer == "withdraw":
            ownership.withdraw_handover(uow, user, handover_id)
            return "Handover withdrawn; you keep the case."
        raise PageError(404, "There is no such answer to a handover.")

    return await attempt(request, uow, user, ref, "handover", op)


@router.post("/work/cases/{ref}/closing/{step}")
async def closing_step(request: Request, ref: str, step: str, user: StaffPageUser,
                       uow: UowDep) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        closing.mark_closing_step(uow, user, _case_id(case), step, version_of(values))
        return "Noted on the closing checklist."

    return await attempt(request, uow, user, ref, "closing", op)


@router.post("/work/cases/{ref}/request-confirmation")
async def request_confirmation(request: Request, ref: str, user: StaffPageUser,
                               uow: UowDep) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        closing.request_confirmation(uow, user, _case_id(case), version_of(values))
        return ("The customer is asked to confirm the fix. The case stays yours until they "
                "do (or a lead signs an exception).")

    return await attempt(request, uow, user, ref, "closing", op)


@router.post("/work/cases/{ref}/follow-ups/{follow_up_id}/done")
async def follow_up_done(request: Request, ref: str, follow_up_id: Id, user: StaffPageUser,
                         uow: UowDep) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        escalation.complete_follow_up(uow, user, follow_up_id, str(values.get("note", "")))
        return "Follow-up done."

    return await attempt(request, uow, user, ref, "follow-ups", op)
