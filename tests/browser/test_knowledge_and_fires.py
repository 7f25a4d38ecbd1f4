"""Knowledge and fires in the browser: an agent drafts an article and a prepared reply, a
lead edits and publishes them and the reply goes into a case's composer; a lesson becomes
a draft article; a suggested fire appears after N similar cases and one click opens it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.browser.conftest import LiveServer, screenshot

from frontliner.desk import closing

TOASTER = ["Toaster crumb tray rattles", "the crumb tray of my toaster is rattling",
           "Rattling crumb tray in the toaster", "My toaster's crumb tray rattles loudly",
           "Crumb tray rattle on the toaster"]


def test_agent_drafts_knowledge_and_a_lead_edits_and_publishes_it(
    agent_page: Any, lead_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    agent, lead = agent_page, lead_page
    agent.goto("/knowledge")
    agent.get_by_role("link", name="Write a new article").click()
    agent.get_by_label("Title").fill("Descaling a kettle that clicks off early")
    agent.get_by_label("Text").fill("Kettles that **click off early** need descaling:\n\n"
                                    "- fill with half water, half vinegar\n- boil twice")
    agent.get_by_role("button", name="Save draft").click()
    expect(agent.locator("#item-status")).to_have_text("✎ draft")
    expect(agent.locator("#item-body strong")).to_have_text("click off early")
    article_url = agent.url

    agent.goto("/knowledge/replies/new")
    agent.get_by_label("Title").fill("Kettle clicks off early")
    agent.get_by_label("The wording").fill(
        "Thank you for telling us. Descaling the kettle usually fixes this; I'll send the "
        "steps now and check back tomorrow.")
    agent.get_by_role("button", name="Save draft").click()
    expect(agent.locator("#item-status")).to_have_text("✎ draft")
    reply_url = agent.url

    lead.goto("/knowledge?status=draft")
    screenshot(lead, live_server, "knowledge-list", tmp_path)
    lead.get_by_role("link", name="Descaling a kettle that clicks off early").click()
    lead.get_by_role("link", name="Edit").click()
    lead.get_by_label("Text").fill("Kettles that **click off early** need descaling:\n\n"
                                   "- fill with half water, half vinegar\n- boil twice\n"
                                   "- rinse three times")
    lead.get_by_role("button", name="Save").click()
    lead.get_by_role("button", name="Publish").click()
    expect(lead.locator("#item-status")).to_have_text("✔ published")
    expect(lead.locator("#item-body li")).to_have_count(3)
    screenshot(lead, live_server, "knowledge-article", tmp_path)
    lead.goto(reply_url)
    lead.get_by_role("button", name="Publish").click()
    expect(lead.locator("#item-status")).to_have_text("✔ published")

    agent.goto(article_url)
    expect(agent.locator("#item-status")).to_have_text("✔ published")
    expect(agent.get_by_role("link", name="Edit")).to_have_count(0)

    case = live_server.desk.open_case(nature="Kettle clicks off early every time",
                                      message="It switches off before boiling.")
    agent.goto(f"/work/cases/{case.ref}")
    agent.get_by_role("button", name="Insert into reply").first.click()
    expect(agent.locator("#draft")).to_have_value(
        "Thank you for telling us. Descaling the kettle usually fixes this; I'll send the "
        "steps now and check back tomorrow.")


def test_a_lesson_on_a_resolved_case_becomes_a_draft_article(
    agent_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    desk = live_server.desk
    case = desk.open_case(nature="Fridge door seal came loose")
    desk.run(closing.sign_exception, desk.lead, case.id, "Customer moved abroad")
    page = agent_page
    page.goto(f"/work/cases/{case.ref}")
    page.get_by_label("What would help the next person").fill(
        "The seal clips back in from the top corner; no engineer needed.")
    page.get_by_label("Turn it into a draft knowledge article").check()
    page.get_by_label("Article title").fill("Refitting a loose fridge door seal")
    screenshot(page, live_server, "case-lesson", tmp_path)
    page.get_by_role("button", name="Save the lesson").click()
    expect(page.locator("#lesson-saved")).to_contain_text("clips back in")
    page.goto("/knowledge?status=draft")
    page.get_by_role("link", name="Refitting a loose fridge door seal").click()
    expect(page.locator("#item-body")).to_contain_text("no engineer needed")


def test_a_suggested_fire_appears_and_one_click_opens_it_with_its_cases(
    agent_page: Any, lead_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    desk = live_server.desk
    refs = [desk.open_case(nature=nature).ref for nature in TOASTER]
    lead = lead_page
    lead.goto("/fires")
    suggestion = lead.locator(".suggestion", has_text=refs[0])
    for ref in refs:
        expect(suggestion.get_by_role("link", name=ref)).to_be_visible()
    screenshot(lead, live_server, "fire-suggestions", tmp_path)
    suggestion.get_by_role("button", name="Open as a fire").click()
    expect(lead.get_by_role("heading", level=1)).to_contain_text("crumb tray")
    for ref in refs:
        expect(lead.get_by_role("link", name=ref)).to_be_visible()
    fire_path = lead.url.split(live_server.url, 1)[-1]
    screenshot(lead, live_server, "fire-from-suggestion", tmp_path)
    expect(lead.locator(".suggestion", has_text=refs[0])).to_have_count(0)

    agent_page.goto(f"/work/cases/{refs[2]}")
    expect(agent_page.locator("#fire-link")).to_have_attribute("href", fire_path)
