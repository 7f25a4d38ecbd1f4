"""The insights in the API: each figure as JSON or CSV, for the whole desk (leads and
admins) or for the caller alone ("mine", any staff member). Filters: `from`, `to`,
`team`, `channel`, `category`. The figures come from the rollups (docs/insights.md)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from frontliner.desk.access import insights_of
from frontliner.store.insight_figures import FIGURES, Figure, as_json, figure
from frontliner.web.csv_export import Cell, csv_response
from frontliner.web.deps import CurrentUser, UowDep
from frontliner.web.insight_params import (
    InsightQuery,
    InsightQueryDep,
    as_of,
    bring_up_to_date,
    known_figure,
)
from frontliner.web.lookup import session_of
from frontliner.web.schemas.common import ERRORS

router = APIRouter(prefix="/insights", tags=["insights"], responses=ERRORS)
CSV_HEADER = ["figure", "table", "row", "column", "value"]


def read_figure(request: Request, uow: Any, key: str, query: InsightQuery,
                agent_id: int) -> Figure:
    bring_up_to_date(request)
    return figure(session_of(uow), known_figure(key), query.filters(agent_id))


def csv_rows(figures: Sequence[Figure]) -> Iterator[Sequence[Cell]]:
    """Every table cell as one line: figure, table, row label, column, value (a long
    format that any spreadsheet pivots; each table keeps its own columns)."""
    for fig in figures:
        for name, value in fig.summary.items():
            yield fig.key, "summary", "", name, value
        for table in fig.tables:
            for row in table.rows:
                for column, value in zip(table.columns[1:], row[1:], strict=True):
                    yield fig.key, table.key, row[0], column, value


def _answer(request: Request, uow: Any, key: str, query: InsightQuery,
            agent_id: int) -> dict[str, Any]:
    fig = read_figure(request, uow, key, query, agent_id)
    return {**as_json(fig), "filters": query.params(), "as_of": as_of(uow)}


@router.get("", summary="The figures the insights offer")
def list_figures(user: CurrentUser) -> dict[str, Any]:
    insights_of(user, desk_wide=False)
    return {"figures": sorted(FIGURES)}


@router.get("/mine/{key}.csv", summary="One of your own figures as CSV")
def my_figure_csv(key: str, request: Request, user: CurrentUser, uow: UowDep,
                  query: InsightQueryDep) -> Response:
    fig = read_figure(request, uow, key, query, insights_of(user, desk_wide=False))
    return csv_response(f"my-{fig.key}.csv", CSV_HEADER, csv_rows([fig]))


@router.get("/mine/{key}", summary="One of your own figures (about your cases, replies "
                                   "and approval requests)")
def my_figure(key: str, request: Request, user: CurrentUser, uow: UowDep,
              query: InsightQueryDep) -> dict[str, Any]:
    return _answer(request, uow, key, query, insights_of(user, desk_wide=False))


@router.get("/{key}.csv", summary="One figure of the whole desk as CSV (leads and admins)")
def figure_csv(key: str, request: Request, user: CurrentUser, uow: UowDep,
               query: InsightQueryDep) -> Response:
    fig = read_figure(request, uow, key, query, insights_of(user, desk_wide=True))
    return csv_response(f"insights-{fig.key}.csv", CSV_HEADER, csv_rows([fig]))


@router.get("/{key}", summary="One figure of the whole desk (leads and admins)")
def desk_figure(key: str, request: Request, user: CurrentUser, uow: UowDep,
                query: InsightQueryDep) -> dict[str, Any]:
    return _answer(request, uow, key, query, insights_of(user, desk_wide=True))
