"""Search pages: `/work/search` for staff (every case, note, customer and article, with
filters) and `/portal/search` for customers (their own cases only). The header of every
page carries the search box; `/` focuses it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from frontliner.desk.model import CaseStatus, Channel
from frontliner.desk.ports import UnitOfWork
from frontliner.store import queries
from frontliner.store.search import SearchFilter
from frontliner.web.api.search import hits_for
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import CustomerPageUser, StaffPageUser
from frontliner.web.pages.templating import render
from frontliner.web.pages.workspace import sidenav
from frontliner.web.schemas.search import SearchHitOut

router = APIRouter()

Words = Annotated[str, Query(max_length=200)]
Choice = Annotated[str, Query(max_length=40)]
MAX_ID = 2**31 - 1
STATUSES = {s.value: s for s in CaseStatus}
CHANNELS = {c.value: c for c in Channel}


def _day(value: str) -> date | None:
    """A date field of the filter form; anything that is not a date is no filter."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _start(day: date | None, days: int = 0) -> datetime | None:
    return None if day is None else datetime.combine(day + timedelta(days), time.min, UTC)


@router.get("/work/search")
def staff_search(
    request: Request, user: StaffPageUser, uow: UowDep, q: Words = "", status: Choice = "",
    channel: Choice = "", owner: Choice = "", since: Choice = "", until: Choice = "",
    customer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    filters = SearchFilter(
        statuses=[STATUSES[status]] if status in STATUSES else None,
        channel=CHANNELS.get(channel),
        owner_id=user.id if owner == "me" else None,
        opened_from=_start(_day(since)),
        opened_to=_start(_day(until), days=1),  # the "until" day itself is included
    )
    form = {"q": q, "status": status, "channel": channel, "owner": owner,
            "since": since, "until": until}
    context = {
        "sidenav": sidenav(session_of(uow), user, ""),
        "form": form, "statuses": STATUSES, "channels": CHANNELS,
        "hits": _marked(hits_for(uow, user, q, filters)) if q.strip() else [],
        "customer_cases": _cases_of(uow, customer),
    }
    return render(request, "agent/search.html", context)


def _cases_of(uow: UnitOfWork, customer_id: int | None) -> list[object]:
    """A customer found by a search: their latest cases."""
    if customer_id is None:
        return []
    found = queries.list_cases(session_of(uow), queries.CaseFilter(customer_id=customer_id),
                               None, 25)
    return list(found.items)


@router.get("/portal/search")
def customer_search(request: Request, user: CustomerPageUser, uow: UowDep,
                    q: Words = "") -> Response:
    hits = _marked(hits_for(uow, user, q, SearchFilter())) if q.strip() else []
    return render(request, "portal/search.html", {"form": {"q": q}, "hits": hits})


def _marked(hits: list[SearchHitOut]) -> list[tuple[SearchHitOut, Markup]]:
    # snippet_html is our own escaping of the stored text with <mark> added, nothing else.
    return [(hit, Markup(hit.snippet_html)) for hit in hits]
