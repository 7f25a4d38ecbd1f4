"""An agent records a customer's confirmation given on the phone: the call is logged on
the case page, the coach reads it as "solved" and offers one click to record it; the desk
refuses it before the closing checklist (the reason on the page, the checklist one click
away) and accepts it after; the lead sees it among the confirmations staff recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.browser.conftest import BrowserDesk, LiveServer, screenshot

from frontliner.desk.model import Case, CaseStatus

RECORD = "Record the customer's confirmation from this message"
SAID = "Ann rang back: the replacement arrived this morning and everything works perfectly now."


def _case(desk: BrowserDesk, ref: str) -> Case:
    with desk.uow_factory() as uow:
        found = uow.case_by_ref(ref)
        assert found is not None
        return found


def test_agent_records_a_phone_confirmation_refused_before_the_checklist(
    agent_page: Any, lead_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    desk = live_server.desk
    case = desk.open_case(customer=("Rita Ring", "rita.ring@example.com"))
    page = agent_page
    page.goto(f"/work/cases/{case.ref}")
    page.get_by_role("button", name="Acknowledge: I own this").click()
    expect(page.locator("#case-status")).to_have_text("open")

    # The customer calls back: the agent logs the call; the coach reads it as solved.
    page.locator("#call summary").click()
    page.get_by_label("What the customer said").fill(SAID)
    page.get_by_role("button", name="Log the call").click()
    call = page.locator("article.message", has_text="Ann rang back")
    expect(call.locator(".badge-solved")).to_contain_text("says it is solved")

    # One click, refused: the checklist is not done. The reason shows by the button.
    call.get_by_role("button", name=RECORD).click()
    refusal = page.get_by_role("alert").filter(has_text="closing checklist")
    expect(refusal).to_contain_text("share the plan")
    expect(refusal).to_contain_text("satisfied")
    expect(page.locator("#case-status")).to_have_text("open")
    assert _case(desk, case.ref).status == CaseStatus.OPEN
    screenshot(page, live_server, "agent-confirmation-refused", tmp_path)

    # The checklist is one click away; each step is one more.
    refusal.get_by_role("link", name="Go to the closing checklist").click()
    for step in ("Plan shared with the customer", "Permission asked for the plan",
                 "Asked whether they are satisfied"):
        page.locator("#closing").get_by_role("button", name=f"Mark: {step}").click()
        expect(page.locator("#closing")).to_contain_text(step)

    page.locator("article.message", has_text="Ann rang back").get_by_role(
        "button", name=RECORD).click()
    expect(page.locator("#flash")).to_contain_text("Recorded")
    expect(page.locator("#case-status")).to_have_text("resolved")
    expect(page.locator("article.message", has_text="Ann rang back")).to_contain_text(
        "cited as the customer's confirmation, recorded by Sam Agent")
    expect(page.locator("#recorded-confirmation")).to_contain_text("recorded by staff")
    stored = _case(desk, case.ref)
    assert stored.status == CaseStatus.RESOLVED and stored.confirmed_via == "agent_recorded"
    screenshot(page, live_server, "agent-confirmation-recorded", tmp_path)

    # The lead sees it as a confirmation staff recorded, with the customer's words.
    lead_page.goto("/lead/closing")
    row = lead_page.get_by_role("row", name=case.ref)
    expect(row).to_contain_text("Ann rang back")
    expect(row).to_contain_text("Sam Agent")
    expect(row).to_contain_text("phone")
    screenshot(lead_page, live_server, "lead-recorded-confirmations", tmp_path)
