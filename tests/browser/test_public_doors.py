"""The public doors in Chromium: the contact form, and the chat widget (on the /chat
page, the same script other sites embed) talking to an agent who answers through the
REST API. The browser fixtures fail a test on any script error or CSP violation."""

from __future__ import annotations

import re
from typing import Any

import httpx
from tests.browser.conftest import LiveServer

from frontliner.desk.model import Channel, Direction, Interaction
from frontliner.web.tokens import issue_token


def test_contact_form_in_a_browser_gives_the_case_reference(
    anonymous_page: Any, live_server: LiveServer
) -> None:
    page = anonymous_page
    page.goto("/contact")
    page.get_by_label("Your name").fill("Rosa Parks")
    page.get_by_label("E-mail").fill("rosa@example.org")
    page.get_by_label("What's wrong?").fill("The kettle I bought leaks")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"/contact/thanks$"))
    ref = page.locator(".case-ref").inner_text()
    with live_server.desk.uow_factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None and case.channel == Channel.WEB
        assert case.nature == "The kettle I bought leaks"


def test_embedded_widget_chats_with_an_agent_live(
    anonymous_page: Any, live_server: LiveServer
) -> None:
    page = anonymous_page
    page.goto("/chat")  # Frontliner's own page with the widget (same script as embedded)
    page.get_by_role("button", name="Chat with us").click()
    page.get_by_label("Your name").fill("Vic Visitor")
    page.get_by_label("Your e-mail").fill("vic@example.org")
    page.get_by_label("How can we help?").fill("Where is my order <b>4471</b>?")
    page.get_by_role("button", name="Start chat").click()
    page.get_by_text(re.compile(r"Connected\. Case FL-")).wait_for()
    page.get_by_text("Where is my order <b>4471</b>?").wait_for()  # as text, not markup

    ref = page.get_by_role("status").inner_text().split("Case ", 1)[1].rstrip(".")
    _agent_replies(live_server, ref, "Thank you for asking: it leaves today.")
    page.get_by_text("Thank you for asking: it leaves today.").wait_for()

    page.get_by_label("Message").fill("Great, thanks!")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Great, thanks!").wait_for()
    with live_server.desk.uow_factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None and case.channel == Channel.CHAT
        kept = uow.find(Interaction, limit=10, case_id=case.id)
    assert [(m.direction, m.body) for m in kept] == [
        (Direction.INBOUND, "Where is my order <b>4471</b>?"),
        (Direction.OUTBOUND, "Thank you for asking: it leaves today."),
        (Direction.INBOUND, "Great, thanks!"),
    ]


def _agent_replies(server: LiveServer, ref: str, body: str) -> None:
    with server.desk.uow_factory() as uow:
        token = issue_token(uow, None, server.desk.agent.id, "browser chat test").secret
        uow.commit()
    sent = httpx.post(f"{server.url}/api/v1/cases/{ref}/messages",
                      headers={"Authorization": f"Bearer {token}"},
                      json={"direction": "outbound", "channel": "chat", "body": body})
    assert sent.status_code == 201, sent.text
