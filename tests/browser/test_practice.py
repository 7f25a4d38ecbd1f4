"""Practice in the browser: a new agent signs in and is shown practice (once), answers a
scenario with the live coach, is graded with each finding explained, sees the model
answer, tries again and passes; a lead turns a resolved case into a scenario whose saved
text has no customer name or e-mail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.browser.conftest import PASSWORD, WAIT_MS, LiveServer, screenshot

from frontliner.desk import closing, interactions, users
from frontliner.desk.model import Role

FIRST_TRY = "We are unable to refund payments from here. It should drop off by itself."
SECOND_TRY = ("Thank you for telling us, and I'm sorry you paid twice. I've refunded the "
              "extra 38.00 today; you'll see it on your card within three to five working "
              "days. Would a copy of the refund confirmation help?")


def _sign_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_new_agent_practises_is_graded_sees_the_model_answer_and_passes(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    with live_server.desk.uow_factory() as uow:
        users.create_user(uow, None, name="Noor New", email="noor@desk.test",
                          role=Role.AGENT, password=PASSWORD)
        uow.commit()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280,
                                                                       "height": 800})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    _sign_in(page, "noor@desk.test")
    expect(page).to_have_url(f"{live_server.url}/practice?welcome=1")
    expect(page.locator("#practice-welcome")).to_be_visible()
    screenshot(page, live_server, "practice-welcome", tmp_path)
    page.locator("#welcome-start").click()
    expect(page.get_by_role("heading", name="Charged twice for one order")).to_be_visible()
    expect(page.locator("#practice-power")).to_contain_text("refund")
    expect(page.locator("#model-answer")).to_have_count(0)

    draft = page.get_by_label("Write the reply you would send")
    draft.fill(FIRST_TRY)
    draft.press("End")  # a keystroke: the live coach's debounced request goes out
    expect(page.locator('#coach .finding-item[data-rule="cant"]')).to_be_visible()
    page.get_by_role("button", name="Check my reply").click()
    expect(page.locator("#grade-result")).to_contain_text("Not passed yet")
    finding = page.locator('#grade-findings [data-rule="cant"]')
    expect(finding).to_contain_text("Why it matters:")
    expect(finding).to_contain_text("000_4fd93583525eb211.txt")
    expect(page.locator('#grade-expectations [data-expectation="refunds-now"]')).to_have_class(
        "unmet")
    expect(page.locator("#model-answer")).to_contain_text("three to five working days")
    screenshot(page, live_server, "practice-graded", tmp_path)

    page.get_by_label("Write the reply you would send").fill(SECOND_TRY)
    page.get_by_role("button", name="Check my reply").click()
    expect(page.locator("#grade-result")).to_contain_text("Passed")
    expect(page.locator("#practice-attempts li")).to_have_count(2)
    screenshot(page, live_server, "practice-passed", tmp_path)

    page.get_by_role("link", name="All scenarios").click()
    row = page.locator('tr[data-key="double-charge-card"]')
    expect(row).to_contain_text("✔ passed")
    expect(page.locator("#practice-progress")).to_contain_text("You passed 1 of")
    screenshot(page, live_server, "practice-list", tmp_path)

    page.get_by_role("button", name="Log out").click()
    _sign_in(page, "noor@desk.test")
    expect(page).to_have_url(f"{live_server.url}/work")  # the welcome comes only once
    context.close()
    assert not errors, errors


def test_lead_turns_a_resolved_case_into_a_scenario_without_the_customers_details(
    lead_page: Any, agent_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    desk = live_server.desk
    case = desk.open_case(
        nature="Charged twice for a lamp", customer=("Wren Halloway", "wren.h@example.net"),
        message=("Hello, Wren Halloway here. You took 45.00 twice for my lamp, order "
                 "#77120. Ring me on +44 20 7946 0321 or mail wren.h@example.net."))
    assert case.id is not None
    desk.run(interactions.record_outbound, desk.agent, case.id,
             "Hi Wren, I'm sorry about that. I've refunded the second payment.")
    desk.run(closing.sign_exception, desk.lead, case.id, "customer did not answer")

    lead = lead_page
    lead.goto("/lead/practice")
    lead.get_by_role("link", name=f"Make a scenario of {case.ref}").click()
    expect(lead.locator("#removed-notice")).to_contain_text("Check the text")
    thread = lead.get_by_label("The customer's message or thread")
    for detail in ("Wren", "Halloway", "wren.h@example.net", "7946"):
        assert detail not in thread.input_value()
        assert detail not in lead.get_by_label("Title", exact=True).input_value()
    lead.get_by_label("Title", exact=True).fill("A lamp charged twice")
    lead.get_by_label("Model answer", exact=False).fill(
        "I'm sorry you were charged twice, and thank you for telling us. I've refunded the "
        "second 45.00 today; it reaches your card within five working days. Shall I e-mail "
        "you the receipt?")
    screenshot(lead, live_server, "lead-practice-from-case", tmp_path)
    lead.get_by_role("button", name="Save the scenario").click()
    expect(lead.get_by_role("status")).to_contain_text("Saved “A lamp charged twice”")
    screenshot(lead, live_server, "lead-practice", tmp_path)
    link = lead.get_by_role("link", name="A lamp charged twice", exact=True)
    href = link.get_attribute("href")
    assert href and href.startswith("/practice/desk-")

    agent_page.goto(href)
    expect(agent_page.get_by_role("heading", name="A lamp charged twice")).to_be_visible()
    body = agent_page.locator("main").inner_text()
    assert "Wren" not in body and "wren.h@example.net" not in body
