"""An agent at work in the browser: a small case solved on first contact, and the coach
catching an "I can't" in a draft and fixing it with one click."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.browser.conftest import BrowserDesk, LiveServer, screenshot

from frontliner.desk import knowledge
from frontliner.desk.model import (
    AuditEntry,
    Case,
    CaseStatus,
    Direction,
    Interaction,
    Remedy,
    RemedyStatus,
)

GOOD_REPLY = (
    "Thank you for telling us, and I'm sorry the parcel never reached you. I have added a "
    "credit of 20.00 EUR to your account and a replacement leaves our warehouse today. "
    "Could you let me know once it has arrived?"
)


def _case(desk: BrowserDesk, ref: str) -> Case:
    with desk.uow_factory() as uow:
        found = uow.case_by_ref(ref)
        assert found is not None
        return found


def test_agent_solves_a_small_case_on_first_contact(
    agent_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    desk = live_server.desk
    prepared = "We are sorry your parcel went missing; a replacement is on its way today."
    reply = desk.run(knowledge.add_prepared_reply, desk.lead, "Missing parcel", prepared)
    desk.run(knowledge.publish_prepared_reply, desk.lead, reply.id)
    # A customer of their own: the others' cases for the seeded customer would make this
    # one a repeat contact (big) whatever order the tests run in.
    case = desk.open_case(customer=("Fay First", "fay.first@example.com"))
    page = agent_page

    page.goto("/work")
    mine = page.get_by_role("navigation", name="Queues").get_by_role("link", name="My cases")
    assert int(mine.locator(".count").inner_text().rstrip("+")) >= 1
    screenshot(page, live_server, "agent-queue", tmp_path)
    # Keyboard: / searches the queue, j selects the first case found (this one), Enter
    # opens it. (The queue lists the longest-waiting customer first: other tests' cases.)
    page.keyboard.press("/")
    page.keyboard.type(case.nature)
    page.keyboard.press("Enter")
    page.wait_for_url("**q=**")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.closest('tr').dataset.ref") == case.ref
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/work/cases/{case.ref}")
    assert page.locator("#case-size").inner_text() == "small"
    assert "50.00 EUR" in page.locator("#money-left").inner_text()

    # A remedy within the agent's empowerment applies at once: no one to ask.
    page.get_by_label("Remedy", exact=True).select_option("credit")
    page.get_by_label("Amount").fill("20.00")
    page.get_by_label("Note", exact=True).fill("parcel lost in transit")
    page.get_by_role("button", name="Give remedy").click()
    assert page.locator("#flash").inner_text().startswith("Applied: credit")
    assert "30.00 EUR" in page.locator("#money-left").inner_text()

    # A prepared reply for this kind of problem is suggested and goes into the draft.
    page.get_by_role("button", name="Insert into reply").first.click()
    draft = page.get_by_label("Your reply")
    assert draft.input_value() == prepared

    # The reply: the coach reads it as it is typed and finds nothing to stop it.
    draft.fill(GOOD_REPLY)
    draft.press("End")  # a keystroke: the debounced coach request goes out
    page.locator("#coach-summary").filter(has_not_text="reads your draft").wait_for()
    assert page.locator(".finding-item.sev-error").count() == 0
    screenshot(page, live_server, "agent-case", tmp_path)
    page.get_by_role("button", name="Send reply").click()
    assert page.locator("#flash").inner_text().startswith("Reply sent")
    assert GOOD_REPLY in page.locator(".message.dir-outbound").last.inner_text()

    page.get_by_role("button", name="Ask the customer to confirm the fix").click()
    assert page.locator("#case-status").inner_text() == "awaiting confirmation"

    stored = _case(desk, case.ref)
    assert stored.status == CaseStatus.AWAITING_CONFIRMATION and stored.size.value == "small"
    with desk.uow_factory() as uow:
        remedies = uow.find(Remedy, case_id=stored.id)
        replies = uow.find(Interaction, case_id=stored.id, direction=Direction.OUTBOUND)
    assert [(r.kind.value, r.amount, r.status) for r in remedies] == [
        ("credit", 2000, RemedyStatus.APPLIED)]
    assert [m.body for m in replies] == [GOOD_REPLY]


def test_coach_flags_i_cant_and_one_click_suggestion_fixes_it(
    agent_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    desk = live_server.desk
    case = desk.open_case(nature="Wants a refund for a worn jacket",
                          message="The zip broke after a week. I want my money back!")
    page = agent_page
    page.goto(f"/work/cases/{case.ref}")

    draft = page.get_by_label("Your reply")
    draft.fill("Hi Ann, I can't refund a worn jacket.")
    draft.press("End")
    flagged = page.locator('.finding-item[data-rule="cant"]').first
    flagged.wait_for()
    assert "I can't" in page.locator("mark.sev-error").first.inner_text()
    assert flagged.locator(".sev-label").inner_text().lower() == "error"
    screenshot(page, live_server, "agent-composer-findings", tmp_path)

    flagged.get_by_role("button", name="Use suggestion").click()
    expect(page.get_by_label("Your reply")).to_have_value(re.compile("what I can do is"))
    fixed = page.get_by_label("Your reply").input_value()
    assert "I can't refund" not in fixed
    assert fixed.startswith("Hi Ann, that can't be done, but what I can do is offer you")
    assert page.locator('.finding-item[data-rule="cant"]').count() == 0
    assert page.get_by_label("Your reply").evaluate("el => el === document.activeElement")

    # A reply that still carries an error asks why; the reason goes on record with it.
    draft = page.get_by_label("Your reply")
    draft.fill("We can't refund it.")
    page.get_by_role("button", name="Send reply").click()
    assert "say why" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Your reply").input_value() == "We can't refund it."  # kept
    page.get_by_label("Why should this reply go out as it is?").fill("the lead told me so")
    page.get_by_role("button", name="Send reply").click()
    assert page.locator("#flash").inner_text().startswith("Reply sent")
    with desk.uow_factory() as uow:
        sent = uow.find(AuditEntry, case_id=_case(desk, case.ref).id, action="reply_sent")
    assert sent[-1].detail["coach_errors"] == ["cant"]
    assert sent[-1].detail["override_reason"] == "the lead told me so"


def test_queue_and_case_page_fit_a_phone_screen_with_every_field_labelled(
    phone_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    case = live_server.desk.open_case(nature="Charged twice for one order")
    for path in ("/work", "/work/cases/new", f"/work/cases/{case.ref}"):  # the case last
        phone_page.goto(path)
        overflow = phone_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways on a phone by {overflow}px"
        unlabelled = phone_page.evaluate(
            "Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))"
            ".filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.name)")
        assert unlabelled == [], f"{path} has fields without a label: {unlabelled}"
    phone_page.get_by_role("link", name="Skip to main content").focus()
    assert phone_page.get_by_role("link", name="Skip to main content").is_visible()
    screenshot(phone_page, live_server, "agent-case-phone", tmp_path)
