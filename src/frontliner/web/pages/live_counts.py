"""The queue counts of the side navigation, as JSON, for the live updates
(`static/js/live.js` asks again when a change may have moved a case into or out of one of
the agent's queues). The same bounded counts the page itself shows."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.workspace import COUNT_CAP, queue_counts

router = APIRouter()


@router.get("/work/queue-counts")
def counts(user: StaffPageUser, uow: UowDep) -> JSONResponse:
    found = queue_counts(session_of(uow), user, datetime.now(UTC))
    return JSONResponse({"counts": found, "cap": COUNT_CAP},
                        headers={"Cache-Control": "no-store"})
