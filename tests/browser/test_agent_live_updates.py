"""Live updates in Chromium: what an agent sees change without reloading the page.

Each change comes through a real entry point (the customer's portal, the chat widget,
the lead console) in another browser context; the agent's page must show it in place. A
marker set on the agent's page before the change proves the page was never reloaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import (
    PASSWORD,
    WAIT_MS,
    BrowserDesk,
    LiveServer,
    Person,
    screenshot,
)

from frontliner.desk import escalation
from frontliner.desk.model import Case


def _log_in(browser: Any, server: LiveServer, person: Person) -> Iterator[Any]:
    """A page of its own for `person` (the shared fixtures keep one login per role)."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/login")
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    yield page
    context.close()
    assert not errors, f"the browser reported errors: {errors}"


@pytest.fixture
def kim_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    yield from _log_in(browser, live_server, live_server.desk.agent2)


def _live(page: Any) -> None:
    """Wait until the page's live connection is open, and mark the page: a reload would
    lose the mark."""
    expect(page.locator("#live")).to_have_attribute("data-live-state", "connected")
    page.evaluate("window.__notReloaded = true")


def _not_reloaded(page: Any) -> bool:
    return bool(page.evaluate("window.__notReloaded === true"))


def _count(page: Any, queue: str) -> int:
    return int(page.locator(f"#count-{queue}").inner_text().rstrip("+"))


def _case(desk: BrowserDesk, ref: str) -> Case:
    with desk.uow_factory() as uow:
        found = uow.case_by_ref(ref)
        assert found is not None
        return found


def test_a_customer_message_appears_on_the_open_case_page_without_a_reload(
    agent_page: Any, customer_page: Any, browser_desk: BrowserDesk, live_server: LiveServer,
    tmp_path: Path,
) -> None:
    case = browser_desk.open_case("Blender jug cracked on first use")
    agent = agent_page
    agent.goto(f"/work/cases/{case.ref}")
    _live(agent)
    messages_before = agent.locator(".conversation .message").count()

    customer_page.goto(f"/portal/cases/{case.ref}")
    customer_page.get_by_label("Your message").fill("It also leaks <b>from the lid</b> now.")
    customer_page.get_by_role("button", name="Send message").click()
    expect(customer_page.get_by_role("status")).to_contain_text("your message is with")

    arrived = agent.locator(".conversation .message.dir-inbound").last
    expect(arrived).to_contain_text("It also leaks <b>from the lid</b> now.")  # text, not markup
    expect(agent.locator(".conversation .message")).to_have_count(messages_before + 1)
    expect(agent.locator("#notices")).to_contain_text("New message from the customer")
    assert _not_reloaded(agent)

    # The agent's own reply through the composer (a normal post and reload) shows once.
    agent.get_by_label("Your reply").fill(
        "Thank you for telling us, and I am sorry about the lid. A new jug leaves today; "
        "could you tell me when it has arrived?")
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.locator(".conversation .message.dir-outbound")).to_have_count(1)
    _live(agent)
    # The customer answers: once that is on the page, the live view has passed the reply
    # (changes arrive in order), so a duplicate of the reply would be there too.
    customer_page.get_by_label("Your message").fill("Thank you, I will watch for it.")
    customer_page.get_by_role("button", name="Send message").click()
    expect(agent.locator(".conversation .message.dir-inbound").last).to_contain_text(
        "Thank you, I will watch for it.")
    expect(agent.locator(".conversation .message.dir-outbound")).to_have_count(1)
    assert _not_reloaded(agent)
    screenshot(agent, live_server, "agent-live-message", tmp_path)


def test_agents_on_the_queue_page_see_a_new_chat_and_their_count_change(
    agent_page: Any, kim_page: Any, anonymous_page: Any, browser_desk: BrowserDesk,
    live_server: LiveServer, tmp_path: Path,
) -> None:
    pages = {browser_desk.agent.id: agent_page, browser_desk.agent2.id: kim_page}
    before = {}
    for person_id, page in pages.items():
        page.goto("/work?queue=mine")
        _live(page)
        before[person_id] = (_count(page, "mine"), _count(page, "unassigned"))

    visitor = anonymous_page
    visitor.goto("/chat")
    visitor.get_by_role("button", name="Chat with us").click()
    visitor.get_by_label("Your name").fill("Vic Visitor")
    visitor.get_by_label("Your e-mail").fill("vic@example.org")
    visitor.get_by_label("How can we help?").fill("My order 4471 never came")
    visitor.get_by_role("button", name="Start chat").click()
    visitor.get_by_text(re.compile(r"Connected\. Case FL-")).wait_for()
    ref = visitor.get_by_role("status").inner_text().split("Case ", 1)[1].rstrip(".")
    owner_id = _case(browser_desk, ref).owner_id

    # The chat's owner (or, while nobody owns it, every agent) gets the notice.
    told = [owner_id] if owner_id is not None else list(pages)
    for person_id, page in pages.items():
        notices = page.locator("#notices")
        if person_id in told:
            expect(notices).to_contain_text("New chat from Vic Visitor: My order 4471 never came")
            expect(notices.get_by_role("link", name=f"Open case {ref}")).to_have_attribute(
                "href", f"/work/cases/{ref}")
            queue, index = ("mine", 0) if owner_id is not None else ("unassigned", 1)
            expect(page.locator(f"#count-{queue}")).to_have_text(
                str(before[person_id][index] + 1))
        assert _not_reloaded(page)
    others = [page for person_id, page in pages.items() if person_id not in told]
    for page in others:
        expect(page.locator("#notices")).not_to_contain_text("New chat from Vic Visitor")
    screenshot(pages[told[0]], live_server, "agent-live-new-chat", tmp_path)


def test_the_owner_gets_the_lead_hand_back_note_live_and_on_the_case(
    agent_page: Any, lead_page: Any, browser_desk: BrowserDesk, live_server: LiveServer,
    tmp_path: Path,
) -> None:
    desk = browser_desk
    case = desk.open_case("Refund for a double charge")
    assert case.id is not None
    desk.run(escalation.escalate, desk.agent, case.id, "refund above my limit",
             "charged twice on 2 March", handler_id=desk.lead.id,
             people_involved=[{"name": "Pat Payments", "contact": "pat@bank.example"}])
    owner = agent_page
    owner.goto(f"/work/cases/{case.ref}")
    expect(owner.locator(".facts-line")).to_contain_text("Handler: Lee Lead")
    _live(owner)

    lead_page.goto("/lead/escalations?scope=mine")
    item = lead_page.locator(f"li.card:has(a:text('{case.ref}'))")
    item.get_by_label("What was done, for the owner").fill(
        "Refund of 80.00 approved and sent; please tell the customer.")
    item.get_by_role("button", name="Hand back to the owner").click()
    expect(lead_page.get_by_role("status").filter(has_text="is back with its owner")
           ).to_be_visible()

    expect(owner.locator("#notices")).to_contain_text(
        f"Lee Lead handed case {case.ref} back: Refund of 80.00 approved and sent")
    assert _not_reloaded(owner)
    owner.reload()
    card = owner.locator("#hand-back")
    expect(card).to_contain_text("Handed back to you by Lee Lead")
    expect(card).to_contain_text("Refund of 80.00 approved and sent; please tell the customer.")
    expect(owner.locator(".facts-line")).not_to_contain_text("Handler")
    expect(owner.locator(".facts-line")).to_contain_text("Owner: Sam Agent")
    screenshot(owner, live_server, "agent-hand-back-note", tmp_path)
