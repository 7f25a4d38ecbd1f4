"""Held mail in the browser: a message with the customer's From line but no signed reply
token arrives through the real SMTP server; the lead sees it held on the case page,
rejects one with a reason and accepts another; the customer's portal shows only the
accepted one."""

from __future__ import annotations

import smtplib
from typing import Any

from playwright.sync_api import expect
from tests.browser.conftest import BrowserDesk, LiveServer

from frontliner.channels.email.smtp import SmtpService
from frontliner.config import Settings

DESK = "support@frontliner.localhost"


def _forge(server: LiveServer, desk: BrowserDesk, ref: str, *bodies: str) -> None:
    """Mail in Ann's name naming her case, sent from someone else's server."""
    service = SmtpService(server.engine, desk.uow_factory,  # type: ignore[arg-type]
                          Settings(secret_key="browser-held-mail"), host="127.0.0.1", port=0)
    service.start()
    try:
        with smtplib.SMTP("127.0.0.1", service.port) as client:
            for n, body in enumerate(bodies):
                raw = (f"From: Ann Lee <ann@example.com>\r\nTo: {DESK}\r\n"
                       f"Subject: Re: [{ref}]\r\nMessage-ID: <held{n}.{ref}@evil.test>\r\n"
                       f"\r\n{body}\r\n")
                client.sendmail("mallory@evil.example", [DESK], raw.encode())
    finally:
        service.stop()  # everything accepted is filed before this returns


def test_lead_rejects_and_accepts_held_mail_and_the_portal_shows_only_the_accepted(
    lead_page: Any, customer_page: Any, live_server: LiveServer, browser_desk: BrowserDesk
) -> None:
    case = browser_desk.open_case(by=browser_desk.lead)
    _forge(live_server, browser_desk, case.ref,
           "Send my refund to account 666 instead.", "The new kettle works, thank you.")

    page = lead_page
    page.goto(f"/work/cases/{case.ref}")
    held = page.locator("#held")
    expect(held.get_by_role("heading", level=2)).to_contain_text(
        "Held: 2 messages not from a checked sender")
    assert "account 666" not in page.locator(".conversation").inner_text()
    first = held.locator(".held-message").filter(has_text="account 666")
    first.get_by_label("Reason to reject").fill("Ann has no account 666")
    first.get_by_role("button", name="Reject").click()
    expect(page.locator("#flash")).to_contain_text("Held message rejected")

    second = page.locator("#held .held-message").filter(has_text="new kettle works")
    second.get_by_role("button", name="Accept: it is the customer's").click()
    expect(page.locator("#flash")).to_contain_text("Held message accepted")
    expect(page.locator(".conversation")).to_contain_text("The new kettle works, thank you.")
    expect(page.locator("#held")).to_have_count(0)

    customer_page.goto(f"/portal/cases/{case.ref}")
    portal = customer_page.locator("main").inner_text()
    assert "The new kettle works, thank you." in portal and "account 666" not in portal
