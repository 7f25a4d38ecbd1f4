"""The lead console's abuse pages: the reports (every message staff reported as abuse,
every conversation ended over one) and the written policy agents see beside an abusive
message (edit it; every version is kept with who wrote it and when).

Ending a conversation over a message only an agent reported takes a lead: the report
links to the case, where a lead ends it when they agree (see docs/abuse-policy.md).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from frontliner.desk import abuse
from frontliner.desk.errors import Invalid
from frontliner.desk.model import AbuseAction, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store import abuse_queries
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import LeadPageUser
from frontliner.web.pages.lead import PAGE_SIZE, console, done, flash
from frontliner.web.pages.templating import render
from frontliner.web.policy_text import safe_policy

router = APIRouter(prefix="/lead")

HISTORY_SHOWN = 10  # earlier versions listed under the editor (the API pages through all)
CursorQuery = Annotated[str | None, Query(max_length=500)]
ActionQuery = Annotated[AbuseAction | None, Query()]


@router.get("/abuse")
def reports(request: Request, user: LeadPageUser, uow: UowDep, cursor: CursorQuery = None,
            action: ActionQuery = None) -> Response:
    found = abuse_queries.list_reports(session_of(uow), cursor, PAGE_SIZE, action)
    context = {**console(uow, user, "abuse"), "rows": found.items, "action": action,
               "next_cursor": found.next_cursor, "done": flash(request)}
    return render(request, "lead/abuse_reports.html", context)


def _policy_page(request: Request, uow: UnitOfWork, user: User, done_message: str = "",
                 typed: dict[str, str] | None = None, problem: Invalid | None = None,
                 status_code: int = 200) -> Response:
    session = session_of(uow)
    current = abuse_queries.current_policy(session)
    history = abuse_queries.policy_history(session, None, HISTORY_SHOWN)
    context: dict[str, Any] = {
        **console(uow, user, "abuse-policy"), "current": current,
        "current_html": safe_policy(current.policy.body, top=3), "history": history.items,
        "history_more": history.next_cursor is not None, "done": done_message,
        "typed": typed or {"body": current.policy.body, "note": ""},
        "problem": problem, "max_policy": abuse.MAX_POLICY, "max_note": abuse.MAX_NOTE,
    }
    return render(request, "lead/abuse_policy.html", context, status_code=status_code)


@router.get("/abuse-policy")
def policy(request: Request, user: LeadPageUser, uow: UowDep) -> Response:
    return _policy_page(request, uow, user, flash(request))


@router.post("/abuse-policy")
def save_policy(
    request: Request,
    user: LeadPageUser,
    uow: UowDep,
    body: Annotated[str, Form(max_length=abuse.MAX_POLICY + 1_000)] = "",
    note: Annotated[str, Form(max_length=abuse.MAX_NOTE + 100)] = "",
) -> Response:
    try:
        abuse.update_policy(uow, user, body, note)
        uow.commit()
    except Invalid as refused:
        uow.rollback()
        return _policy_page(request, uow, user, typed={"body": body, "note": note},
                            problem=refused, status_code=422)
    return done(request, "/lead/abuse-policy",
                "Policy saved: agents see this version beside abusive messages from now on.")
