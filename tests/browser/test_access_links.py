"""E-mailed links in the browser, through the real parts: the link is asked for on the
page, the worker's outbox sends it over SMTP to a local sink, the test takes it from the
mail that arrived and opens it in Chromium.

- a customer who wrote by e-mail and never had a login signs in and sees only their
  own cases;
- a member of staff resets a forgotten password and logs in with the new one.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from tests.browser.conftest import PASSWORD, BrowserDesk, LiveServer, screenshot
from tests.browser.test_lead_approval_flow import assert_accessible_basics
from tests.channels.mail_sink import Sink, running_sink

from frontliner.channels.email.outbox import collect, send
from frontliner.config import Settings
from frontliner.desk import users
from frontliner.desk.model import Channel, Role, User

SERVER_SECRET = "browser-test-secret-key"  # the live server's (tests/browser/conftest.py)


def worker_settings(server: LiveServer, smtp_port: int) -> Settings:
    """What `frontliner worker` would run with next to this server."""
    return Settings(environment="test", secret_key=SecretStr(SERVER_SECRET),
                    public_url=server.url, smtp_host="127.0.0.1", smtp_port=smtp_port,
                    mail_domain="desk.test")


def mail_link_to(server: LiveServer, address: str, path: str) -> str:
    """Run the worker's outbox once against a real SMTP sink; the link in the mail that
    reached `address`."""
    sink = Sink()
    with running_sink(sink) as port:
        settings = worker_settings(server, port)
        for row_id in collect(server.desk.uow_factory, settings):  # type: ignore[arg-type]
            send(server.desk.uow_factory, settings, row_id)  # type: ignore[arg-type]
    texts = [_text(m) for m in sink.received if m["To"] == address]
    links = [found.group(1) for text in texts
             if (found := re.search(rf"{re.escape(server.url)}({re.escape(path)}\S+)", text))]
    assert len(links) == 1, texts  # one mail with a link (an e-mailed case also gets its ack)
    return links[0]


def _text(message: Any) -> str:
    body = message.get_body(("plain",))
    return "" if body is None else str(body.get_content())


def test_customer_who_wrote_by_email_signs_in_by_link_and_sees_only_own_cases(
    anonymous_page: Any, browser_desk: BrowserDesk, live_server: LiveServer, tmp_path: Path,
) -> None:
    desk, page = browser_desk, anonymous_page
    address = f"cara.{secrets.token_hex(3)}@example.com"
    hers = desk.open_case(nature="Kettle lid snapped off", customer=("Cara Diaz", address),
                          channel=Channel.EMAIL)
    someone_elses = desk.open_case(nature="Ann's missing parcel")
    with desk.uow_factory() as uow:
        assert uow.find(User, email=address) == []  # came by e-mail: no login

    page.goto("/login")
    page.get_by_role("link", name="Customers: sign in with an e-mailed link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "See your cases"
    assert_accessible_basics(page)
    screenshot(page, live_server, "portal-sign-in", tmp_path)
    page.get_by_label("E-mail").fill(address.upper())
    page.get_by_role("button", name="Send me a link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your e-mail"
    assert "a link is on its way" in page.get_by_role("status").inner_text()

    link = mail_link_to(live_server, address, "/portal/sign-in/")
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in to see your cases"
    screenshot(page, live_server, "portal-sign-in-link", tmp_path)
    with desk.uow_factory() as uow:
        assert uow.find(User, email=address) == []  # opening the link created nothing
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/portal")
    listed = page.locator("main").inner_text()
    assert hers.ref in listed and someone_elses.ref not in listed
    assert page.goto(f"/portal/cases/{someone_elses.ref}").status == 404

    with desk.uow_factory() as uow:
        [login] = uow.find(User, email=address)
        assert login.role == Role.CUSTOMER and login.customer_id == hers.customer_id
    page.context.clear_cookies()
    used = page.goto(link)
    assert used is not None and used.status == 404
    assert "expired or was already used" in page.locator("main").inner_text()


def test_staff_member_resets_a_forgotten_password_by_emailed_link(
    anonymous_page: Any, browser_desk: BrowserDesk, live_server: LiveServer, tmp_path: Path,
) -> None:
    desk, page = browser_desk, anonymous_page
    email = f"rosa.{secrets.token_hex(3)}@desk.test"
    with desk.uow_factory() as uow:
        rosa = users.create_user(uow, None, name="Rosa Agent", email=email, role=Role.AGENT,
                                 password=PASSWORD)
        uow.commit()
        rosa_id = rosa.id or 0
    try:
        _reset_and_log_in(page, live_server, email, tmp_path)
    finally:  # the desk is shared by the session's tests: no new agent left to take cases
        with desk.uow_factory() as uow:
            users.deactivate_user(uow, None, rosa_id)
            uow.commit()


def _reset_and_log_in(page: Any, live_server: LiveServer, email: str, tmp_path: Path) -> None:
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Forgot your password?"
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your e-mail"

    page.goto(mail_link_to(live_server, email, "/reset/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a new password"
    assert_accessible_basics(page)
    page.get_by_label("New password").fill("rosa's brand new password")
    page.get_by_label("The same password again").fill("rosa's brand new pasword")
    page.get_by_role("button", name="Set password and sign in").click()
    assert "The two passwords differ" in page.get_by_role("alert").inner_text()
    screenshot(page, live_server, "password-reset", tmp_path)
    page.get_by_label("New password").fill("rosa's brand new password")
    page.get_by_label("The same password again").fill("rosa's brand new password")
    page.get_by_role("button", name="Set password and sign in").click()
    # A new agent's first sign-in opens practice with its welcome, once (docs/practice.md).
    page.wait_for_url(f"{live_server.url}/practice?welcome=1")

    page.get_by_role("button", name="Log out").click()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert "Wrong e-mail or password" in page.get_by_role("alert").inner_text()
    page.get_by_label("Password").fill("rosa's brand new password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/work")
