"""Confirmation wherever the customer is, in Chromium through the real parts:

- an e-mail customer's "is it solved?" mail goes through the real outbox, huey job and
  SMTP client to a local SMTP server; the link is taken from the received mail and opened
  in the browser, answered (yes, then a rating; or not yet, with what is still wrong);
- a chat customer answers the question in the chat widget and rates there.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from huey import MemoryHuey
from tests.browser.conftest import BrowserDesk, LiveServer, screenshot
from tests.channels.mail_sink import Sink, sink_fixture  # noqa: F401 - sink_fixture by name

from frontliner.channels.email.outbox import SqlOutbox
from frontliner.config import Settings
from frontliner.desk import closing, ownership
from frontliner.desk.model import (
    AuditEntry,
    Case,
    CaseStatus,
    Channel,
    Direction,
    Interaction,
    SatisfactionRating,
)
from frontliner.jobs.mail import install
from frontliner.web.tokens import issue_token

SECRET = "browser-test-secret-key"  # the live server's (tests/browser/conftest.py)


def _ask_by_mail(server: LiveServer, sink: Sink, customer: tuple[str, str]) -> tuple[Case, str]:
    """An e-mailed case of `customer`, the agent asks for confirmation, the worker's jobs
    send what is owed to the sink; the case and the mail's text."""
    desk: BrowserDesk = server.desk
    case = desk.open_case(nature="Blender jug arrived cracked", customer=customer,
                          channel=Channel.EMAIL)
    desk.run(ownership.acknowledge, desk.agent, case.id)
    desk.run(closing.request_confirmation, desk.agent, case.id)
    settings = Settings.model_validate({
        "smtp_host": "127.0.0.1", "smtp_port": sink.port,  # type: ignore[attr-defined]
        "secret_key": SECRET, "public_url": server.url, "mail_domain": "desk.test",
        "queue_url": "memory://", "smtp_timeout": 10.0})
    jobs = install(MemoryHuey("browser-mail", utc=True),
                   SqlOutbox(desk.uow_factory, settings), 3, 1.0)  # type: ignore[arg-type]
    jobs.dispatch()
    while (task := jobs.huey.dequeue()) is not None:
        jobs.huey.execute(task)
    mails = [m for m in sink.received
             if case.ref in m["Subject"] and m["Subject"].strip().startswith("Is it solved?")]
    assert [m["To"] for m in mails] == [customer[1]]
    return case, mails[0].get_content()


def _link(body: str, label: str) -> str:
    found = re.search(rf"{re.escape(label)}:\s+(\S+)", body)
    assert found, body
    return found.group(1)


def _case(server: LiveServer, case_id: int) -> Case:
    with server.desk.uow_factory() as uow:
        case = uow.get(Case, case_id)
        assert case is not None
        return case


def test_email_customer_confirms_with_the_link_from_the_mail_and_rates(
    anonymous_page: Any, live_server: LiveServer, sink: Sink, tmp_path: Path,
) -> None:
    case, body = _ask_by_mail(live_server, sink, ("Bo Park", "bo.park@example.org"))
    page = anonymous_page
    page.goto(_link(body, "Yes, it's solved"))
    page.get_by_role("heading", name="Is your problem solved?").wait_for()
    screenshot(page, live_server, "confirm-question", tmp_path)
    assert _case(live_server, case.id).status == CaseStatus.AWAITING_CONFIRMATION  # GET only

    page.get_by_role("button", name="Yes, it's solved").click()
    page.get_by_text("Thank you for telling us: your case is solved.").wait_for()
    resolved = _case(live_server, case.id)
    assert resolved.status == CaseStatus.RESOLVED and resolved.confirmed_by_customer
    screenshot(page, live_server, "confirm-rate", tmp_path)

    page.get_by_label("4 - good").check()
    page.get_by_label("Anything you would like to tell us? (optional)").fill(
        "Sorted the same day, thank you.")
    page.get_by_role("button", name="Send my rating").click()
    page.get_by_text("You rated our service 4 out of 5.").wait_for()
    with live_server.desk.uow_factory() as uow:
        ratings = uow.find(SatisfactionRating, limit=5, case_id=case.id)
        via = [e.detail.get("via") for e in uow.find(AuditEntry, limit=50, case_id=case.id)
               if e.action == "confirmed_by_customer"]
    assert [(r.score, r.comment) for r in ratings] == [(4, "Sorted the same day, thank you.")]
    assert via == ["email_link"]


def test_email_customer_says_not_yet_with_the_link_and_the_case_reopens_for_its_owner(
    anonymous_page: Any, live_server: LiveServer, sink: Sink, tmp_path: Path,
) -> None:
    case, body = _ask_by_mail(live_server, sink, ("Cy Young", "cy.young@example.org"))
    page = anonymous_page
    page.goto(_link(body, "Not yet"))
    page.get_by_role("heading", name="Sorry it is not solved yet").wait_for()
    screenshot(page, live_server, "confirm-not-yet", tmp_path)
    page.get_by_label("What is still wrong? (optional)").fill("The new jug leaks at the base.")
    page.get_by_role("button", name="Not solved yet: send").click()
    page.get_by_text("Your case is open again").wait_for()

    reopened = _case(live_server, case.id)
    assert reopened.status == CaseStatus.OPEN
    assert reopened.owner_id == live_server.desk.agent.id
    with live_server.desk.uow_factory() as uow:
        last = uow.find(Interaction, limit=20, case_id=case.id)[-1]
    assert (last.direction, last.body) == (Direction.INBOUND, "The new jug leaks at the base.")

    page.goto(_link(body, "Not yet").removesuffix("/not-yet") + "x")  # a damaged link
    page.get_by_role("heading", name="This link does not work").wait_for()
    screenshot(page, live_server, "confirm-link-broken", tmp_path)


def _start_chat(page: Any, name: str, email: str, first: str) -> str:
    page.goto("/chat")
    page.get_by_role("button", name="Chat with us").click()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your e-mail").fill(email)
    page.get_by_label("How can we help?").fill(first)
    page.get_by_role("button", name="Start chat").click()
    page.get_by_text(re.compile(r"Connected\. Case FL-")).wait_for()
    ref: str = page.get_by_role("status").first.inner_text().split("Case ", 1)[1].rstrip(".")
    return ref


def _ask_in_chat(server: LiveServer, ref: str) -> Case:
    """The case's owner asks for confirmation through the REST API, as their screen does
    (so the app announces the change to the visitor's socket)."""
    desk = server.desk
    with desk.uow_factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None
        # Whoever the desk gave the chat to (other tests add agents to this desk); with
        # nobody available it waits in Unassigned and the agent takes it (assignment.md).
        owner_id = case.owner_id or desk.agent.id
        token = issue_token(uow, None, owner_id, "browser confirmation test").secret
        uow.commit()
    steps = ("acknowledge", "request-confirmation")
    for step in ("take", *steps) if case.owner_id is None else steps:
        done = httpx.post(f"{server.url}/api/v1/cases/{ref}/{step}",
                          headers={"Authorization": f"Bearer {token}"})
        assert done.status_code == 200, done.text
    return case


def test_chat_customer_confirms_in_the_widget_and_rates_there(
    anonymous_page: Any, live_server: LiveServer, tmp_path: Path,
) -> None:
    page = anonymous_page
    ref = _start_chat(page, "Dee Chat", "dee@example.org", "My order 5521 has not shipped")
    case = _ask_in_chat(live_server, ref)
    page.get_by_text("We believe your problem is solved now. Is it?").wait_for()
    page.get_by_role("button", name="Yes, it's solved").wait_for()
    screenshot(page, live_server, "chat-confirm-question", tmp_path)

    page.get_by_role("button", name="Yes, it's solved").click()
    page.get_by_text("Thank you for telling us it is solved.").wait_for()
    page.get_by_label("5 - excellent").check()
    page.get_by_label("Anything to tell us? (optional)").fill("Lovely, quick help")
    page.get_by_role("button", name="Send rating").click()
    page.get_by_text("Thank you for your rating.").wait_for()

    done = _case(live_server, case.id)
    assert done.status == CaseStatus.RESOLVED and done.confirmed_by_customer
    with live_server.desk.uow_factory() as uow:
        ratings = uow.find(SatisfactionRating, limit=5, case_id=case.id)
    assert [(r.score, r.comment) for r in ratings] == [(5, "Lovely, quick help")]


def test_chat_customer_says_not_yet_in_the_widget_and_the_case_reopens(
    anonymous_page: Any, live_server: LiveServer,
) -> None:
    page = anonymous_page
    ref = _start_chat(page, "Eli Chat", "eli@example.org", "The refund has not arrived")
    case = _ask_in_chat(live_server, ref)
    page.get_by_role("button", name="Not yet").click()
    page.get_by_label("What is still wrong?").fill("Still no refund on my card.")
    question = page.get_by_role("group", name="Is your problem solved?")
    question.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Your case is open again").wait_for()
    page.locator("li", has_text="Still no refund on my card.").wait_for()
    assert _case(live_server, case.id).status == CaseStatus.OPEN
    # After a reload the widget reconnects: the question is no longer asked.
    page.reload()
    page.get_by_role("button", name="Chat with us").click()
    page.get_by_text("Still no refund on my card.").wait_for()
    assert page.get_by_role("button", name="Yes, it's solved").count() == 0
