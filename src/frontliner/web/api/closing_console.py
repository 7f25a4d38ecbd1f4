"""For leads: the confirmations staff recorded for customers (rather than the customers
themselves), with the words they cited - the same list as the lead console's."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from frontliner.store import lead_queries
from frontliner.web.deps import LeadUser, PageDep, UowDep
from frontliner.web.lookup import render_page, session_of
from frontliner.web.schemas.cases import RecordedConfirmationOut
from frontliner.web.schemas.common import ERRORS, PageOut

router = APIRouter(prefix="/closing", tags=["closing"], responses=ERRORS)


@router.get(
    "/recorded-confirmations",
    response_model=PageOut[RecordedConfirmationOut],
    summary="Cases resolved on a confirmation staff recorded, newest first (lead)",
)
def recorded_confirmations(user: LeadUser, uow: UowDep, page: PageDep) -> Any:
    found = lead_queries.recorded_confirmations(session_of(uow), page.cursor, page.limit)
    return render_page(found, RecordedConfirmationOut)
