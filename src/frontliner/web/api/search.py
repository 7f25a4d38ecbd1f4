"""Search: cases, messages, notes, customers and articles, ranked, with snippets.
Customers search only their own cases and what their portal shows of them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from frontliner.desk.model import CaseStatus, Channel, Role, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store import search as store_search
from frontliner.web.deps import CurrentUser, UowDep
from frontliner.web.lookup import session_of
from frontliner.web.schemas.common import ERRORS
from frontliner.web.schemas.search import SearchHitOut, SearchOut

router = APIRouter(prefix="/search", tags=["search"], responses=ERRORS)

MAX_ID = 2**31 - 1


@router.get("", response_model=SearchOut, summary="Search the desk (full text, ranked)")
def search(
    user: CurrentUser,
    uow: UowDep,
    q: Annotated[str, Query(max_length=200, description="words, a reference, a name")] = "",
    status: Annotated[list[CaseStatus] | None, Query()] = None,
    owner_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    channel: Channel | None = None,
    opened_from: datetime | None = None,
    opened_to: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> Any:
    filters = store_search.SearchFilter(
        statuses=status, owner_id=owner_id, channel=channel,
        opened_from=opened_from, opened_to=opened_to,
    )
    return SearchOut(query=q, items=hits_for(uow, user, q, filters, limit))


def hits_for(uow: UnitOfWork, user: User, q: str, filters: store_search.SearchFilter,
             limit: int = 20) -> list[SearchHitOut]:
    """The hits `user` may see: a customer only their own cases, whatever the filters."""
    if user.role == Role.CUSTOMER:
        filters = store_search.SearchFilter(
            statuses=filters.statuses, channel=filters.channel,
            opened_from=filters.opened_from, opened_to=filters.opened_to,
            customer_id=user.customer_id or -1,
        )
    found = store_search.search(session_of(uow), q, filters, limit)
    return [_out(hit, user.role == Role.CUSTOMER) for hit in found]


def _out(hit: store_search.Hit, for_customer: bool) -> SearchHitOut:
    facts = hit.facts
    ref = facts.get("ref")
    if hit.kind == "case":
        url = f"/portal/cases/{ref}" if for_customer else f"/work/cases/{ref}"
    elif hit.kind == "article":
        url = f"/knowledge/{hit.id}"
    else:
        url = f"/work/search?customer={hit.id}"
    return SearchHitOut(
        kind=hit.kind,  # type: ignore[arg-type]
        matched=hit.matched,  # type: ignore[arg-type]
        id=hit.id,
        title=str(facts.get("title", "")),
        snippet=store_search.plain(hit.snippet),
        snippet_html=store_search.highlight_html(hit.snippet),
        score=round(hit.score, 6),
        url=url,
        ref=ref,
        status=facts.get("status"),
        channel=facts.get("channel"),
        opened_at=facts.get("opened_at"),
    )
