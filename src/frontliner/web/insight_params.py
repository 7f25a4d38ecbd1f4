"""What the insights' API and pages share: reading the filters from a request, and
bringing the rollups up to date before a read when audit entries are waiting."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from frontliner.desk.errors import Invalid
from frontliner.desk.model import Channel
from frontliner.store import insight_rollup
from frontliner.store.insight_figures import FIGURES
from frontliner.store.insight_queries import Filters
from frontliner.web.lookup import session_of

log = logging.getLogger("frontliner.web")

DEFAULT_DAYS = 30
MAX_DAYS = 731  # two years a request
CATCH_UP_ON_READ = 2_000  # audit entries a read may roll up first; the worker does more
NO_CATEGORY = "(none)"


@dataclass(frozen=True)
class InsightQuery:
    """The filters as given (for forms and links) and as the figures take them."""

    start: date
    end: date
    team: int | None
    channel: str | None
    category: str | None

    def filters(self, agent_id: int) -> Filters:
        """The figures' filters; one's own figures (`agent_id` set) take dates only."""
        if agent_id:
            return Filters(start=self.start, end=self.end, agent_id=agent_id)
        category = "" if self.category == NO_CATEGORY else self.category
        return Filters(start=self.start, end=self.end, team_id=self.team,
                       channel=self.channel, category=category)

    def params(self) -> dict[str, str]:
        given = {"from": self.start.isoformat(), "to": self.end.isoformat(),
                 "team": "" if self.team is None else str(self.team),
                 "channel": self.channel or "", "category": self.category or ""}
        return {k: v for k, v in given.items() if v}


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"'{name}' is a date like 2026-03-02.", {name: "YYYY-MM-DD"}) from None


def insight_query(
    from_: Annotated[str | None, Query(alias="from", max_length=10,
                                       description="First day (YYYY-MM-DD)")] = None,
    to: Annotated[str | None, Query(max_length=10,
                                    description="Last day, included (default: today)")] = None,
    team: Annotated[str | None, Query(max_length=12, description="Team id")] = None,
    channel: Annotated[str | None, Query(max_length=20)] = None,
    category: Annotated[str | None, Query(max_length=100,
                                          description=f"'{NO_CATEGORY}' for none")] = None,
) -> InsightQuery:
    end = _day(to, "to") or datetime.now(UTC).date()
    start = _day(from_, "from") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise Invalid("'from' is after 'to'.", {"from": "on or before 'to'"})
    if (end - start).days >= MAX_DAYS:
        raise Invalid(f"A range is at most {MAX_DAYS} days.", {"from": "closer to 'to'"})
    if channel and channel not in {c.value for c in Channel}:
        raise Invalid(f"Unknown channel {channel!r}.",
                      {"channel": f"one of {[c.value for c in Channel]}"})
    if team and not team.isdigit():
        raise Invalid("'team' is a team's id (a number).", {"team": "a number"})
    return InsightQuery(start=start, end=end, team=int(team) if team else None,
                        channel=channel or None, category=category or None)


InsightQueryDep = Annotated[InsightQuery, Depends(insight_query)]


def known_figure(key: str) -> str:
    if key not in FIGURES:
        raise Invalid(f"No figure called {key!r}.", {"figure": f"one of {sorted(FIGURES)}"})
    return key


def bring_up_to_date(request: Request) -> None:
    """Roll up what changed since the worker last did (a bounded amount), so a desk
    without a running worker still sees its latest cases. Never fails the read."""
    factory = request.app.state.uow_factory
    try:
        with factory() as uow:
            if not insight_rollup.pending(session_of(uow)):
                return
        with factory() as uow:
            insight_rollup.catch_up(session_of(uow), limit=CATCH_UP_ON_READ)
            uow.commit()
    except Exception:  # the figures are a little older; the page still answers
        log.warning("could not bring the insights up to date before a read", exc_info=True)


def as_of(uow: Any) -> datetime | None:
    return insight_rollup.as_of(session_of(uow))
