"""The agent workspace: the queues an agent works from, each with its count.

Queues are read-side lists (`store/queries.py`), keyset-paginated and bounded; counts stop
at COUNT_CAP so a queue of a hundred thousand cases costs no more than a page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from frontliner.desk.model import Case, CaseStatus, Handover, User
from frontliner.store import queries, workspace_queries
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.errors import PageError
from frontliner.web.pages.templating import render
from frontliner.web.schemas.bounds import Id

router = APIRouter()

PAGE_SIZE = 25
COUNT_CAP = 1_000
# Everything an owner still has to do something about (the customer has not confirmed).
ACTIVE = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.ESCALATED,
          CaseStatus.AWAITING_CONFIRMATION, CaseStatus.WAITING_ON_CUSTOMER)


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    hint: str  # what the queue holds, for the person who opens it the first time
    shortcut: str  # keyboard: press the key to open this queue


QUEUES = (
    Queue("mine", "My cases", "Cases you own that the customer has not confirmed yet.", "1"),
    Queue("unassigned", "Unassigned", "Cases left without an owner: take one on.", "2"),
    Queue("escalated", "Escalated to me", "Cases you handle for their owner.", "3"),
    Queue("follow-ups", "Follow-ups due", "Promises to customers that are due now.", "4"),
    Queue("waiting", "Waiting on customer", "Your cases waiting for the customer's reply.", "5"),
)
BY_KEY = {q.key: q for q in QUEUES}


def _filters(key: str, user: User) -> queries.CaseFilter:
    if key == "mine":
        return queries.CaseFilter(owner_id=user.id, statuses=ACTIVE)
    if key == "unassigned":
        return queries.CaseFilter(unowned=True, statuses=ACTIVE)
    if key == "escalated":
        return queries.CaseFilter(handler_id=user.id, statuses=(CaseStatus.ESCALATED,))
    return queries.CaseFilter(owner_id=user.id, statuses=(CaseStatus.WAITING_ON_CUSTOMER,))


def queue_counts(session: Session, user: User, now: datetime) -> dict[str, int]:
    assert user.id is not None
    queues = {q.key: _filters(q.key, user) for q in QUEUES if q.key != "follow-ups"}
    return queries.count_queues(session, queues, user.id, now, COUNT_CAP)


def waited(since: datetime | None, now: datetime) -> str:
    """How long the customer has waited for us, as a person says it: "3 h 20 min"."""
    if since is None:
        return ""
    minutes = max(0, int((now - since).total_seconds() // 60))
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def sidenav(session: Session, user: User, current: str | None = None) -> dict[str, Any]:
    """What the side navigation of every agent page shows: the queues with their
    (capped) counts, `current` highlighted. Five bounded counts per page."""
    return {"queues": QUEUES, "counts": queue_counts(session, user, datetime.now(UTC)),
            "count_cap": COUNT_CAP, "current": current}


def queue_rows(
    session: Session, key: str, user: User, now: datetime, cursor: str | None,
    search: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """The rows of one queue page and the cursor of the next page."""
    assert user.id is not None
    if key == "follow-ups":
        due = queries.follow_ups_due(session, user.id, now, cursor, PAGE_SIZE)
        ids = [r.follow_up.case_id for r in due.items]
        who = workspace_queries.customers_of(session, ids)
        last = workspace_queries.last_messages(session, ids)
        rows: list[dict[str, Any]] = [
            {"ref": r.case_ref, "nature": r.follow_up.note or "Follow up with the customer",
             "status": "follow-up", "size": None, "updated_at": r.follow_up.due_at,
             "customer": who.get(r.follow_up.case_id, ("", None))[0],
             "channel": who.get(r.follow_up.case_id, ("", None))[1],
             "last": last.get(r.follow_up.case_id), "due": True} for r in due.items]
        return rows, due.next_cursor
    filters = replace(_filters(key, user), search=search or None)
    found = workspace_queries.queue_rows(session, filters, cursor, PAGE_SIZE)
    rows = [{"ref": c.ref, "nature": c.nature, "status": c.status, "size": c.size,
             "customer": c.customer, "channel": c.channel, "last": c.last,
             "updated_at": c.updated_at, "due": False, "waiting_since": c.waiting_since,
             "waited": waited(c.waiting_since, now)} for c in found.items]
    return rows, found.next_cursor


@router.get("/work")
def queues_page(
    request: Request,
    user: StaffPageUser,
    uow: UowDep,
    queue: Annotated[str, Query(max_length=20)] = "mine",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    if queue not in BY_KEY:
        raise PageError(404, f"There is no queue called {queue!r}.")
    session = session_of(uow)
    now = datetime.now(UTC)
    # A forged or stale cursor is the store's Invalid: an error page saying to start over.
    search = (q or "").strip() if queue != "follow-ups" else ""
    rows, next_cursor = queue_rows(session, queue, user, now, cursor, search)
    context = {
        "sidenav": sidenav(session, user, queue),
        "current": BY_KEY[queue],
        "search": search,
        "rows": rows,
        "next_cursor": next_cursor,
        "handovers": workspace_queries.handovers_offered(session, user.id or 0, limit=10),
    }
    return render(request, "agent/queues.html", context)


@router.get("/work/handovers/{handover_id}")
def handover_link(handover_id: Id, user: StaffPageUser, uow: UowDep) -> Response:
    """A handover offered to you opens on its case, where you accept or decline it."""
    handover = uow.get(Handover, handover_id)
    case = uow.get(Case, handover.case_id) if handover is not None else None
    if handover is None or case is None or user.id not in (handover.to_user_id,
                                                          handover.from_user_id):
        raise PageError(404, "There is no such handover for you.")
    return RedirectResponse(f"/work/cases/{case.ref}#handover", status_code=303)

