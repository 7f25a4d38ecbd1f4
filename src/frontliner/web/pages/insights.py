"""The insights pages: `/lead/insights` (the whole desk, for leads and admins) and
`/insights/mine` (anyone on staff: their own figures, nobody else's). `/insights` and
`/reports` lead each person to the one they may read.

Every figure is read from the rollups (`store/insight_figures.py`), the same as the API
gives; each chart is drawn by Chart.js (served from /static/vendor) from the JSON in its
canvas's `data-chart` attribute, with the same numbers in a table beside it.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.desk import access
from frontliner.desk.model import Channel, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store.insight_figures import FIGURES, Figure, Table, figure
from frontliner.store.tables import teams
from frontliner.web.deps import UowDep
from frontliner.web.insight_params import (
    NO_CATEGORY,
    InsightQuery,
    InsightQueryDep,
    as_of,
    bring_up_to_date,
)
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import LeadPageUser, StaffPageUser
from frontliner.web.pages.lead import console
from frontliner.web.pages.templating import render

router = APIRouter()
TEAMS_LISTED = 200


def chart_data(table: Table) -> str:
    """The JSON a chart is drawn from: the first column's labels, one series per other
    numeric column."""
    series = [{"label": column, "data": [row[i] for row in table.rows]}
              for i, column in enumerate(table.columns) if i > 0 and
              all(isinstance(row[i], int | float) or row[i] is None for row in table.rows)]
    return json.dumps({"kind": table.chart, "title": table.caption,
                       "labels": [str(row[0]) for row in table.rows], "series": series})


def _context(request: Request, uow: UnitOfWork, query: InsightQuery,
             agent_id: int) -> dict[str, Any]:
    bring_up_to_date(request)
    session = session_of(uow)
    flt = query.filters(agent_id)
    figures: list[Figure] = [figure(session, key, flt) for key in FIGURES]
    charts = {t.key: chart_data(t) for fig in figures for t in fig.tables if t.chart}
    team_rows = session.execute(sa.select(teams.c.id, teams.c.name).order_by(teams.c.name)
                                .limit(TEAMS_LISTED)).all()
    return {"figures": figures, "charts": charts, "query": query, "params": query.params(),
            "as_of": as_of(uow), "teams": team_rows, "channels": [c.value for c in Channel],
            "no_category": NO_CATEGORY, "mine": agent_id != 0, "label_of": label_of, "done": "",
            "shown": shown}


@router.get("/lead/insights")
def desk_insights(request: Request, user: LeadPageUser, uow: UowDep,
                  query: InsightQueryDep) -> Response:
    agent_id = access.insights_of(user, desk_wide=True)
    context = {**console(uow, user, "insights"), "layout": "lead/console.html",
               **_context(request, uow, query, agent_id), "action": "/lead/insights",
               "csv_base": "/api/v1/insights"}
    return render(request, "lead/insights.html", context)


@router.get("/insights/mine")
def my_insights(request: Request, user: StaffPageUser, uow: UowDep,
                query: InsightQueryDep) -> Response:
    agent_id = access.insights_of(user, desk_wide=False)
    context = {**_frame(uow, user), **_context(request, uow, query, agent_id),
               "action": "/insights/mine", "csv_base": "/api/v1/insights/mine"}
    return render(request, "lead/insights.html", context)


def _frame(uow: UnitOfWork, user: User) -> dict[str, Any]:
    if access.has_authority(user):
        return {**console(uow, user, "insights"), "layout": "lead/console.html"}
    return {"layout": "lead/plain.html"}


@router.get("/insights")
@router.get("/reports")
def insights_home(user: StaffPageUser) -> Response:
    target = "/lead/insights" if access.has_authority(user) else "/insights/mine"
    return RedirectResponse(target, status_code=303)


def label_of(key: str) -> str:
    """A summary key as a person reads it: `median_seconds` -> "Median"."""
    words = key.removesuffix("_seconds").replace("_", " ")
    return words[:1].upper() + words[1:]


def shown(key: str, value: object) -> str:
    """A summary value for the page: durations in days, hours and minutes; rates in %."""
    if value is None:
        return "–"
    if key.endswith("_seconds") and isinstance(value, int | float):
        return duration(int(value))
    if key.endswith(("_rate", "_share")):
        return f"{value} %"
    return str(value)


def duration(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = -(-rest // 60)
    parts = [f"{days} d"] if days else []
    parts += [f"{hours} h"] if hours else []
    parts += [f"{minutes} min"] if minutes or not parts else []
    return " ".join(parts)
