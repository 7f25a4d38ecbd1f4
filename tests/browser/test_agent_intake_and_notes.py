"""The agent workspace in the browser: a case opened for a caller through the New case
form (a refused field first, nothing typed lost), a phone call logged and an internal
note added on a case (the customer sees the call, never the note), the coach's reading
(frustration, abuse) on each customer message, and the queue read and worked from the
keyboard with the side navigation's counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.browser.conftest import BrowserDesk, LiveServer, screenshot
from tests.browser.test_lead_approval_flow import assert_accessible_basics

from frontliner.desk.model import Case, Channel, Direction, Interaction


def _stored(desk: BrowserDesk, ref: str) -> Case:
    with desk.uow_factory() as uow:
        found = uow.case_by_ref(ref)
        assert found is not None
        return found


def test_agent_opens_a_case_for_a_caller_after_a_refused_field_losing_nothing(
    agent_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    page = agent_page
    page.goto("/work")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="New case").click()
    assert page.get_by_role("heading", level=1).inner_text() == "New case"
    assert_accessible_basics(page)

    page.get_by_label("Phone call").check()
    page.get_by_label("Customer's name").fill("Cleo Caller")
    page.get_by_label("Contact: e-mail or phone").fill("+44 20 7946 0123")
    page.get_by_label("What the customer said, in their own words").fill(
        "The fridge door seal split on Sunday and everything is warm.")
    page.get_by_label("When did the problem happen? (UTC, optional)").fill("2026-03-01T08:15")
    page.get_by_label("Person 1: name").fill("Dan Driver")
    page.get_by_role("button", name="Open the case").click()  # no problem, no contact

    nature = page.get_by_label("What is the problem? (one line)")
    expect(nature).to_have_attribute("aria-invalid", "true")
    assert "the nature of the problem" in page.locator("#nature-error").inner_text()
    assert "a contact for person 1" in page.locator("#person_contact_0-error").inner_text()
    assert page.get_by_role("alert").inner_text().startswith("Missing:")
    # Everything typed is still there.
    assert page.get_by_label("Customer's name").input_value() == "Cleo Caller"
    assert page.get_by_label("Phone call").is_checked()
    assert page.get_by_label("When did the problem happen? (UTC, optional)").input_value(
        ) == "2026-03-01T08:15"
    assert "door seal split" in page.get_by_label(
        "What the customer said, in their own words").input_value()
    screenshot(page, live_server, "agent-new-case-refused", tmp_path)

    nature.fill("Fridge door seal split")
    page.get_by_label("Person 1: contact").fill("dan@courier.test")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url("**/work/cases/FL-*")
    assert "opened; it is yours" in page.locator("#flash").inner_text()
    assert page.locator("#problem-at").inner_text() == "2026-03-01 08:15 UTC"
    assert "the problem happened" in page.locator(".timeline").inner_text()
    ref = page.url.rsplit("/", 1)[1]
    case = _stored(live_server.desk, ref)
    assert (case.channel, case.owner_id) == (Channel.PHONE, live_server.desk.agent.id)
    assert case.problem_at == datetime(2026, 3, 1, 8, 15, tzinfo=UTC)
    assert case.people_involved == [{"name": "Dan Driver", "contact": "dan@courier.test"}]
    screenshot(page, live_server, "agent-new-case-opened", tmp_path)


def test_agent_logs_a_call_and_a_note_the_customer_never_sees(
    agent_page: Any, customer_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    desk = live_server.desk
    case = desk.open_case(nature="Blender jug cracked again",
                          message="Third jug this year. I'm really annoyed, this is useless!")
    page = agent_page
    page.goto(f"/work/cases/{case.ref}")
    first = page.locator(".message.dir-inbound").first
    assert "Frustration:" in first.locator(".badge.frustration").inner_text()

    page.get_by_role("link", name="Log a call").click()  # the toolbar opens the folded form
    page.get_by_label("What the customer said").fill(
        "You idiots, I know where you live. Fix it or else.")
    page.get_by_label("Your summary of the call (optional, internal)").fill(
        "Shouting; promised a call back by 5pm")
    page.get_by_role("button", name="Log the call").click()
    assert page.locator("#flash").inner_text().startswith("Call logged")
    call = page.locator(".message.dir-inbound").last
    assert "(phone call, logged by Sam Agent)" in call.locator(".meta").inner_text()
    abuse = call.locator(".badge.abuse")
    assert abuse.inner_text().strip() == "⚠ Abuse: insult, threat"
    assert "Frustration:" in call.locator(".badge.frustration").inner_text()

    page.get_by_role("link", name="Internal note").click()
    page.get_by_label("Internal note", exact=True).fill("Check supplier batch 42 before Friday.")
    page.get_by_role("button", name="Add the note").click()
    assert page.locator("#flash").inner_text().startswith("Internal note added")
    notes = page.locator(".message.dir-note")
    assert "Internal note (staff only)" in notes.last.inner_text()
    assert "Check supplier batch 42" in notes.last.inner_text()
    assert "Call summary: Shouting" in notes.first.inner_text()
    screenshot(page, live_server, "agent-case-call-note-abuse", tmp_path)

    customer_page.goto(f"/portal/cases/{case.ref}")
    seen = customer_page.locator("main").inner_text()
    assert "Fix it or else." in seen  # the call is the customer's own words
    assert "supplier batch" not in seen and "Call summary" not in seen
    with desk.uow_factory() as uow:
        kinds = [(m.direction, m.channel) for m in uow.find(Interaction, case_id=case.id)]
    assert kinds.count((Direction.NOTE, Channel.API)) == 2
    assert (Direction.INBOUND, Channel.PHONE) in kinds


def test_queue_rows_side_navigation_and_keyboard(
    agent_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    desk = live_server.desk
    long_ago = datetime.now(UTC) - timedelta(days=40)
    oldest = desk.open_case(nature="Oven clock resets nightly", customer=("Ola Old", "ola@ex.test"),
                            message="The clock resets every night.", now=long_ago)
    older = desk.open_case(nature="Toaster lever sticks", customer=("Tom Toast", "tom@ex.test"),
                           message="Lever sticks halfway.", now=long_ago + timedelta(hours=3))
    page = agent_page
    page.goto("/work")
    nav = page.get_by_role("navigation", name="Queues")
    mine = nav.get_by_role("link", name="My cases")
    assert mine.get_attribute("aria-current") == "page"
    assert int(mine.locator(".count").inner_text().rstrip("+")) >= 2
    for key in ("unassigned", "escalated", "follow-ups", "waiting"):
        assert page.locator(f"#count-{key}").inner_text().rstrip("+").isdigit()

    rows = page.locator("#queue tbody tr")
    assert rows.nth(0).get_attribute("data-ref") == oldest.ref  # the longest wait first
    assert rows.nth(1).get_attribute("data-ref") == older.ref
    first = rows.nth(0).inner_text()
    assert "Ola Old" in first and "Customer: The clock resets every night." in first
    assert "40 d" in first  # how long the customer has waited
    screenshot(page, live_server, "agent-queue-rows", tmp_path)

    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.closest('tr').dataset.ref") == older.ref
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.closest('tr').dataset.ref") == oldest.ref
    page.keyboard.press("/")
    search = page.get_by_label("Search this queue by problem")
    assert search.evaluate("el => el === document.activeElement")
    search.type("toaster")
    search.press("Enter")
    page.wait_for_url("**q=toaster**")
    assert page.locator("#queue tbody tr").count() == 1
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/work/cases/{older.ref}")
    # The side navigation is on the case page too.
    assert page.get_by_role("navigation", name="Queues").get_by_role(
        "link", name="My cases").is_visible()
