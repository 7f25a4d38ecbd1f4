"""The insights pages: leads read the desk's figures, every chart with its table and a
CSV link; agents are led to their own figures and never reach the desk's."""

from __future__ import annotations

import json
import re
from typing import Any

from api_support import PASSWORD, Desk, api_fixture, desk_fixture  # noqa: F401
from test_pages_lead_console import _token, lead_fixture  # noqa: F401

from frontliner.store.insight_figures import FIGURES

CANVAS = re.compile(r'<canvas data-chart="([^"]+)"')


def test_a_lead_reads_every_figure_with_a_table_beside_each_chart(lead: Any) -> None:
    page = lead.get("/lead/insights", params={"from": "2026-03-02", "to": "2026-03-08"})
    assert page.status_code == 200
    for key in FIGURES:
        assert f'id="figure-{key}"' in page.text
        assert f'href="/api/v1/insights/{key}.csv?from=2026-03-02&amp;to=2026-03-08"' in page.text
    charts = CANVAS.findall(page.text)
    assert len(charts) >= len(FIGURES)
    first = json.loads(charts[0].replace("&#34;", '"').replace("&quot;", '"'))
    assert first["kind"] == "bar" and first["series"][0]["label"] == "Cases"
    # one data table per chart at least
    assert page.text.count("<table") >= len(charts)
    assert "<script>" not in page.text  # the chart data rides in an attribute, not a script


def test_insights_and_reports_lead_each_person_to_what_they_may_read(
        lead: Any, api: Any, desk: Desk) -> None:
    for path in ("/insights", "/reports"):
        answer = lead.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/lead/insights"


def test_an_agent_reads_only_their_own_figures(api: Any, desk: Desk) -> None:
    token = _token(api.get("/login").text)
    api.post("/login", data={"email": desk.agent2.email, "password": PASSWORD,
                             "csrf_token": token})
    assert api.get("/lead/insights").status_code == 403
    answer = api.get("/insights", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/insights/mine"
    mine = api.get("/insights/mine")
    assert mine.status_code == 200
    assert "My figures" in mine.text and 'name="team"' not in mine.text
    assert 'href="/api/v1/insights/mine/volume.csv' in mine.text


def test_bad_filters_on_the_page_are_a_clear_error(lead: Any) -> None:
    answer = lead.get("/lead/insights", params={"from": "2026-13-40"})
    assert answer.status_code == 422
