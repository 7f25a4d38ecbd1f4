"""The insights pages in Chromium: the lead's figures with every chart drawn (by the
vendored Chart.js, under the strict CSP) beside its data table; an agent's own figures,
and no way into the desk's."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from tests.browser.conftest import BrowserDesk, LiveServer, screenshot

from frontliner.desk import interactions

REPLY = ("Thank you for telling us, and I am sorry. I have sent a new parcel today; "
         "I will write on Friday to check it arrived.")


def _case_with_reply(desk: BrowserDesk, category: str) -> None:
    case = desk.open_case(category=category, channel="email")
    desk.run(interactions.record_outbound, desk.agent, case.id, REPLY)


def test_a_lead_reads_the_figures_with_charts_beside_their_tables(
    lead_page: Any, live_server: LiveServer, browser_desk: BrowserDesk, tmp_path: Path
) -> None:
    category = f"insights-{uuid.uuid4().hex[:8]}"
    _case_with_reply(browser_desk, category)
    lead_page.goto("/lead/insights")
    lead_page.wait_for_selector("canvas[data-drawn='true']")
    canvases = lead_page.locator("canvas[data-chart]")
    assert canvases.count() >= 11
    assert lead_page.locator("canvas[data-drawn='true']").count() == canvases.count()
    screenshot(lead_page, live_server, "lead-insights", tmp_path)

    lead_page.fill("input[name=category]", category)
    lead_page.click("button:has-text('Show')")
    lead_page.wait_for_url(f"**category={category}**")
    volume = lead_page.locator("#figure-volume")
    assert volume.locator("dd[data-summary=cases_opened]").inner_text() == "1"
    row = lead_page.locator("#table-volume-by-channel tbody tr")
    assert row.count() == 1 and row.inner_text().split() == ["email", "1"]
    replies = lead_page.locator("#figure-first-reply dd[data-summary=count]")
    assert replies.inner_text() == "1"

    # filters combine: the same category by e-mail still finds the case, by chat nothing
    lead_page.select_option("select[name=channel]", "email")
    lead_page.click("button:has-text('Show')")
    lead_page.wait_for_url("**channel=email**")
    assert volume.locator("dd[data-summary=cases_opened]").inner_text() == "1"
    lead_page.select_option("select[name=channel]", "chat")
    lead_page.click("button:has-text('Show')")
    lead_page.wait_for_url("**channel=chat**")
    assert volume.locator("dd[data-summary=cases_opened]").inner_text() == "0"
    assert lead_page.locator("input[name=category]").input_value() == category
    with lead_page.expect_download() as download:
        lead_page.click("#figure-volume a:has-text('Download CSV')")
    assert download.value.suggested_filename == "insights-volume.csv"


def test_an_agent_sees_their_own_figures_and_not_the_desks(
    agent_page: Any, live_server: LiveServer, browser_desk: BrowserDesk, tmp_path: Path
) -> None:
    _case_with_reply(browser_desk, f"mine-{uuid.uuid4().hex[:8]}")
    agent_page.goto("/insights")
    agent_page.wait_for_url("**/insights/mine")
    assert agent_page.locator("h1").inner_text() == "My figures"
    assert agent_page.locator("select[name=team]").count() == 0
    agent_page.wait_for_selector("canvas[data-drawn='true']")
    opened = int(agent_page.locator("#figure-volume dd[data-summary=cases_opened]").inner_text())
    assert opened >= 1
    screenshot(agent_page, live_server, "my-figures", tmp_path)
    answer = agent_page.goto("/lead/insights")
    assert answer is not None and answer.status == 403
