"""Search in the browser: the box in every page's header, `/` to reach it, ranked hits
with the words marked; a customer's search finds only their own cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import LiveServer, screenshot

from frontliner.desk import interactions


def test_agent_presses_slash_on_a_case_page_and_finds_a_case_by_words_of_its_messages(
    agent_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    desk = live_server.desk
    found = desk.open_case(nature="Kitchen appliance trouble",
                           message="The carafe of my new Zanzibar juicer cracked on day one.",
                           customer=("Wendell Quayle", "wendell.q@example.org"))
    other = desk.open_case(nature="Parcel late", message="Where is my parcel?")
    page = agent_page
    page.goto(f"/work/cases/{other.ref}")
    page.keyboard.press("/")
    box = page.get_by_label("Search", exact=True)
    assert box.evaluate("el => el === document.activeElement")
    box.type("carafe zanzibar")
    box.press("Enter")
    page.wait_for_url("**/work/search?q=carafe+zanzibar**")
    hits = page.locator("#search-hits li")
    assert hits.count() == 1
    assert hits.first.get_attribute("data-ref") == found.ref
    marks = hits.first.locator("mark").all_inner_texts()
    assert [m.lower() for m in marks] == ["carafe", "zanzibar"]
    screenshot(page, live_server, "search-results", tmp_path)

    # A customer's name finds the customer, whose cases are one click away.
    page.get_by_label("Words, a case reference").fill("Quayle")
    page.get_by_role("button", name="Search", exact=True).click()
    page.locator('#search-hits li[data-kind="customer"] a').first.click()
    page.wait_for_url("**customer=**")
    assert found.ref in page.locator("#customer-cases + ul").inner_text()

    # Filters narrow it: the case is e-mail, so phone finds nothing.
    page.goto("/work/search?q=carafe&channel=phone")
    assert page.locator("#search-hits li").count() == 0
    assert "Nothing matches" in page.locator("main").inner_text()


def test_customer_searches_their_own_cases_and_not_the_desks_notes(
    customer_page: Any, live_server: LiveServer
) -> None:
    desk = live_server.desk
    mine = desk.open_case(nature="Thermostat frozen", message="My thermostat froze again.")
    desk.run(interactions.add_note, desk.agent, mine.id, "thermostat batch recall suspected")
    desk.open_case(nature="Thermostat noisy", message="A thermostat whistles all night.",
                   customer=("Other Person", "other.person@example.org"))
    page = customer_page
    page.goto("/portal")
    page.keyboard.press("/")
    page.keyboard.type("thermostat")
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/search?q=thermostat**")
    refs = [li.get_attribute("data-ref") for li in page.locator("#search-hits li").all()]
    assert refs == [mine.ref]
    page.goto("/portal/search?q=recall")
    assert page.locator("#search-hits li").count() == 0
    # A word no case reference can hold (references have no I, L or O): a short stem such
    # as "hum" could match a random reference's group of the customer's own cases.
    page.goto("/portal/search?q=whistles")
    assert page.locator("#search-hits li").count() == 0
