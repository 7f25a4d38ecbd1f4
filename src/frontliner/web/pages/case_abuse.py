"""The abuse policy flow on the case page: beside a customer's message the desk reads as
abuse, the policy and what the agent may do (the prepared boundary reply into the
composer, ending the conversation with a reason); under any other customer message, a
folded "report as abuse". The rules are the desk's (`desk/abuse.py`).

`web.abuse_scene.abuse_context` adds what the partials (agent/_abuse_message.html,
agent/_abuse_side.html) need to the case page; the two forms post here and go back to
the message.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from frontliner.desk import abuse, access
from frontliner.desk.errors import Invalid
from frontliner.desk.model import Case
from frontliner.web.abuse_scene import reach_us
from frontliner.web.deps import UowDep
from frontliner.web.lookup import case_id
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.case_actions import attempt

router = APIRouter()


def _message_id(values: dict[str, Any]) -> int:
    raw = str(values.get("interaction_id", "")).strip()
    if not raw.isdigit():
        raise Invalid("Which message is this about?", {"interaction_id": "a message"})
    return int(raw)


def _form(request: Request) -> str:
    # Refusals are shown under the message the form belongs to (the id also names the
    # anchor the page returns to, so only digits are taken).
    raw = str(request.query_params.get("message", ""))
    return "abuse-flow-" + (raw if raw.isdigit() and len(raw) < 19 else "")


@router.post("/work/cases/{ref}/abuse/end")
async def end_conversation(request: Request, ref: str, user: StaffPageUser,
                           uow: UowDep) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        abuse.end_conversation(uow, user, case_id(case), _message_id(values),
                               str(values.get("reason", "")),
                               reach_us=reach_us(request.app.state.settings))
        return ("Conversation ended and the reason recorded; the leads are told. The customer "
                "was told how to reach us. The case is still yours and still open.")

    return await attempt(request, uow, user, ref, _form(request), op)


@router.post("/work/cases/{ref}/abuse/report")
async def report(request: Request, ref: str, user: StaffPageUser, uow: UowDep) -> Response:
    def op(case: Case, values: dict[str, Any]) -> str:
        abuse.report_abuse(uow, user, case_id(case), _message_id(values),
                           str(values.get("kind", "")), str(values.get("reason", "")))
        if access.has_authority(user):
            return "Reported as abuse; the leads are told. You may end the conversation."
        return ("Reported as abuse; the leads are told. You may send the boundary reply; "
                "a lead decides on ending the conversation.")

    return await attempt(request, uow, user, ref, _form(request), op)
