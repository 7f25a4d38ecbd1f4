"""Recording the customer's confirmation on the case page: the agent cites the message
(or logged call) in which the customer says it is solved. One desk operation
(`closing.confirm_fixed`), exactly as `POST /api/v1/cases/{ref}/confirm` calls it, so
the page refuses what the API refuses: a new case, the checklist not done, words that
are not the customer's. A refusal shows the case again with the reason beside the
button that was pressed, and a link to the checklist; nothing closes on its own."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from frontliner.desk import access, closing
from frontliner.desk.errors import Invalid
from frontliner.desk.model import Case
from frontliner.web.deps import UowDep
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.case_actions import attempt, version_of

router = APIRouter()


def cited(values: dict[str, Any]) -> int:
    raw = str(values.get("interaction_id", "")).strip()
    if not raw.isdigit():
        raise Invalid.missing({"interaction_id": "the customer's message that says it is "
                                                 "solved"})
    return int(raw)


@router.post("/work/cases/{ref}/confirm")
async def record_confirmation(request: Request, ref: str, user: StaffPageUser,
                              uow: UowDep) -> Response:
    """From a message's one-click button (form `confirm-<id>`) or the closing card's
    form (`confirm`): the refusal is shown where the agent clicked."""
    form = request.query_params.get("from", "")
    where = f"confirm-{form}" if form.isdigit() else "confirm"

    def op(case: Case, values: dict[str, Any]) -> str:
        assert case.id is not None
        access.check_version(case, version_of(values))
        closing.confirm_fixed(uow, user, case.id, str(values.get("note", "")),
                              interaction_id=cited(values))
        return ("Recorded: the customer says it is solved, in their own words cited on the "
                "case. The case is resolved; a new message from them reopens it.")

    return await attempt(request, uow, user, ref, where, op)
