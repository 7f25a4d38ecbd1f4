"""A big case end to end across three roles, all in the browser: the agent's remedy is
above their limit and the case is escalated; the lead approves it in the console using
only the keyboard and hands the case back; the agent asks the customer to confirm; the
customer confirms the fix in the portal and rates the service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import BrowserDesk, LiveServer, screenshot

from frontliner.desk import empowerment
from frontliner.desk.model import (
    ApprovalRequest,
    ApprovalStatus,
    Case,
    CaseStatus,
    Remedy,
    RemedyKind,
    RemedyStatus,
    SatisfactionRating,
)


def _agent_escalates_with_a_big_refund(agent: Any, desk: BrowserDesk) -> Case:
    """The agent, in the workspace: a refund of 120.00 (above the 50.00 an agent may give
    per case) goes to a lead for approval, and the case is escalated with its facts."""
    case = desk.open_case(nature="TV arrived with a cracked screen",
                          message="The screen was cracked when I opened the box. Not happy.")
    agent.goto(f"/work/cases/{case.ref}")
    agent.get_by_label("Remedy", exact=True).select_option("refund")
    agent.get_by_label("Amount").fill("120.00")
    agent.get_by_label("Note", exact=True).fill("full refund, the TV is unusable")
    agent.get_by_role("button", name="Give remedy").click()
    assert "a lead has been asked to approve it" in agent.locator("#flash").inner_text()

    agent.get_by_label("Why it needs more authority or expertise").fill("refund above my limit")
    agent.get_by_label("What happened: date, time, details").fill(
        "cracked on delivery, photos received")
    agent.locator("#person-name-0").fill("Dan Driver")
    agent.locator("#person-contact-0").fill("dan@courier.test")
    agent.get_by_label("Handler").select_option(label="Lee Lead (lead)")
    agent.get_by_role("button", name="Escalate", exact=True).click()
    assert "Escalated to Lee Lead" in agent.locator("#flash").inner_text()
    return case


UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter(e => e.type !== 'hidden')
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
               && !(e.tagName === 'BUTTON' && e.textContent.trim()))
  .map(e => e.name || e.id || e.tagName)"""


def assert_accessible_basics(page: Any) -> None:
    """Every control has a label (or a button its words), and the page one h1."""
    assert page.evaluate(UNLABELLED) == []
    assert page.locator("h1").count() == 1


def _focused_text(page: Any) -> str:
    return str(page.evaluate("document.activeElement.textContent || ''")).strip()


def test_lead_approves_escalated_remedy_by_keyboard_and_customer_confirms_and_rates(
    agent_page: Any, lead_page: Any, customer_page: Any, browser_desk: BrowserDesk,
    live_server: LiveServer, tmp_path: Path,
) -> None:
    desk = browser_desk
    case = _agent_escalates_with_a_big_refund(agent_page, desk)

    # The lead sees what waits, with the remedy, the limit it is above and who asked.
    lead = lead_page
    lead.goto("/lead")
    assert lead.get_by_role("heading", level=1).inner_text() == "Approvals"
    item = lead.locator("li.approval", has_text=case.ref)
    text = item.inner_text()
    assert "Refund of 120.00" in text and "Sam Agent" in text
    assert "above the per-case limit of 50.00" in text
    assert "full refund, the TV is unusable" in text
    assert_accessible_basics(lead)
    screenshot(lead, live_server, "lead-approvals", tmp_path)

    # Keyboard only: from the note, Tab reaches Approve, Enter decides.
    note = item.get_by_label("Note to Sam Agent (needed to decline)")
    note.focus()
    lead.keyboard.type("Approved: the customer keeps nothing broken.")
    lead.keyboard.press("Tab")
    assert _focused_text(lead) == "Approve"
    lead.keyboard.press("Enter")
    assert f"Approved: the remedy is applied on case {case.ref}" in lead.get_by_role(
        "status").inner_text()
    assert lead.locator("li.approval", has_text=case.ref).count() == 0

    # The escalation to the lead, with its facts; handed back to the owner.
    lead.get_by_role("link", name="Escalations").click()
    entry = lead.locator("li", has_text=case.ref).first
    assert_accessible_basics(lead)
    assert "Dan Driver (dan@courier.test)" in entry.inner_text()
    entry.get_by_label("What was done, for the owner").fill("Refund of 120.00 approved.")
    entry.get_by_role("button", name="Hand back to the owner").click()
    assert "is back with its owner" in lead.get_by_role("status").inner_text()

    # The owner reads the lead's answer on the case and asks the customer to confirm.
    agent_page.goto(f"/work/cases/{case.ref}")
    assert "Approved: the customer keeps nothing broken." in agent_page.locator(
        "#remedy").inner_text()
    agent_page.get_by_role("button", name="Ask the customer to confirm the fix").click()
    assert agent_page.locator("#case-status").inner_text() == "awaiting confirmation"

    # The customer finds the case, sees the refund, confirms and rates.
    portal = customer_page
    portal.goto("/portal")
    row = portal.locator("tr", has_text=case.ref)
    assert "please tell us" in row.inner_text()
    row.get_by_role("link", name=case.ref).click()
    assert portal.get_by_role("heading", level=1).inner_text().startswith(
        "TV arrived with a cracked screen")
    assert "Refund of 120.00" in portal.locator("main").inner_text()
    assert "The screen was cracked" in portal.locator(".conversation").inner_text()
    assert_accessible_basics(portal)
    screenshot(portal, live_server, "portal-case", tmp_path)
    portal.get_by_role("button", name="Yes, it is solved").click()
    assert "the case is solved" in portal.get_by_role("status").inner_text()

    portal.get_by_role("radio", name="5").check()
    portal.get_by_label("Anything you would like to tell us? (optional)").fill("Quick and kind.")
    portal.get_by_role("button", name="Send my rating").click()
    assert "You rated this 5 out of 5" in portal.locator("main").inner_text()
    portal.get_by_label("Want to thank Sam Agent? (optional)").fill("Sam sorted it in a day.")
    portal.get_by_role("button", name="Send my thanks").click()
    assert "your kind words are passed on" in portal.get_by_role("status").inner_text()

    # Recognition reaches the agent's page (no ranking, just what was said and by whom).
    lead.goto(f"/team/{desk.agent.id}")
    thanks = lead.locator("li", has_text="Sam sorted it in a day.").inner_text()
    assert "From a customer" in thanks

    with desk.uow_factory() as uow:
        stored = uow.get(Case, case.id or 0)
        assert stored is not None and stored.status == CaseStatus.RESOLVED
        assert stored.confirmed_by_customer
        approval = uow.find(ApprovalRequest, case_id=case.id)[0]
        assert approval.status == ApprovalStatus.APPROVED
        assert approval.note == "Approved: the customer keeps nothing broken."
        assert uow.find(SatisfactionRating, case_id=case.id)[0].score == 5


def test_lead_declining_on_a_phone_without_a_note_is_refused_and_nothing_is_applied(
    lead_page: Any, browser_desk: BrowserDesk
) -> None:
    desk = browser_desk
    case = desk.open_case(nature="Charged twice for one order")
    remedy = desk.run(empowerment.apply_remedy, desk.agent, case.id, RemedyKind.REFUND,
                      amount=9_000)
    lead_page.set_viewport_size({"width": 390, "height": 844})
    lead_page.goto("/lead/approvals")
    assert lead_page.evaluate("document.documentElement.scrollWidth") <= 390
    item = lead_page.locator("li.approval", has_text=case.ref)
    item.get_by_role("button", name="Decline").click()
    alert = lead_page.locator("li.approval", has_text=case.ref).get_by_role("alert")
    assert "a note telling the agent why it is declined" in alert.inner_text()

    item = lead_page.locator("li.approval", has_text=case.ref)
    item.get_by_label("Note to Sam Agent (needed to decline)").fill(
        "The order was refunded already; offer a replacement instead.")
    item.get_by_role("button", name="Decline").click()
    assert f"Declined on case {case.ref}" in lead_page.get_by_role("status").inner_text()
    decided = lead_page.locator("table", has_text=case.ref).inner_text()
    assert "declined" in decided and "offer a replacement instead" in decided

    with desk.uow_factory() as uow:
        stored = uow.find(ApprovalRequest, remedy_id=remedy.id)[0]
        assert stored.status == ApprovalStatus.DECLINED
        again = uow.get(Remedy, remedy.id)
        assert again is not None and again.status == RemedyStatus.DECLINED
