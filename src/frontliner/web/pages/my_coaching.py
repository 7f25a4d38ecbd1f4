"""`/work/coaching`: an agent's own coaching page. Their coach findings per rule, week by
week; their best replies as examples; the reviews leads made of their replies. Only the
signed-in person's own replies are ever read here: no ranking, no colleague's figures.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from frontliner.store import coaching_queries, review_queries
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.templating import render
from frontliner.web.pages.workspace import sidenav

router = APIRouter()
REVIEWS_SHOWN = 20
BEST_SINCE = timedelta(days=90)  # examples from recent work: the coach's rules change


@router.get("/work/coaching")
def my_coaching(request: Request, user: StaffPageUser, uow: UowDep,
                cursor: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    assert user.id is not None
    session = session_of(uow)
    now = datetime.now(UTC)
    trend = coaching_queries.rule_trend(session, user.id, now.date())
    reviews = review_queries.list_reviews(session, author_id=user.id, cursor=cursor,
                                          limit=REVIEWS_SHOWN)
    context = {
        "sidenav": sidenav(session, user), "trend": trend,
        "best": coaching_queries.best_replies(session, user.id, since=now - BEST_SINCE),
        "best_score": coaching_queries.BEST_SCORE,
        "reviews": reviews.items, "next_cursor": reviews.next_cursor,
    }
    return render(request, "agent/my_coaching.html", context)
