"""Sessions and sign-in in Chromium (issue 12: items 4, 5 and 13).

- logging out ends the session on the server: a copy of the cookie in another browser
  opens only the sign-in page;
- "My account" lists where you are signed in, and "Sign out everywhere" ends them all;
- after a few wrong passwords the sign-in page says plainly how long to wait (429).

Each test signs in a person of its own, so the shared desk's logins are not touched.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.conftest import PASSWORD, WAIT_MS, BrowserDesk, LiveServer

from frontliner.desk import users
from frontliner.desk.model import Role
from frontliner.web.sessions import SESSION_COOKIE


@pytest.fixture
def newcomer(browser_desk: BrowserDesk) -> Iterator[str]:
    """A new agent's e-mail address (password PASSWORD), deactivated afterwards."""
    email = f"nell.{secrets.token_hex(3)}@desk.test"
    with browser_desk.uow_factory() as uow:
        nell = users.create_user(uow, None, name="Nell Agent", email=email, role=Role.AGENT,
                                 password=PASSWORD)
        uow.commit()
        nell_id = nell.id or 0
    yield email
    with browser_desk.uow_factory() as uow:  # no new agent left to take the desk's cases
        users.deactivate_user(uow, None, nell_id)
        uow.commit()


def fresh_page(browser: Any, server: LiveServer, agent: str = "") -> Any:
    context = browser.new_context(base_url=server.url, user_agent=agent or None)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return page


def log_in(page: Any, server: LiveServer, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


# Where signing in lands: the queues, or practice on a new agent's first sign-in.
SIGNED_IN = re.compile(r"/(work|practice\?welcome=1)$")


def session_cookie(page: Any) -> dict[str, Any]:
    [cookie] = [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    return dict(cookie)


def test_after_logout_a_copied_session_cookie_opens_only_the_sign_in_page(
    browser: Any, live_server: LiveServer, newcomer: str
) -> None:
    owner = fresh_page(browser, live_server)
    log_in(owner, live_server, newcomer)
    owner.wait_for_url(SIGNED_IN)
    cookie = session_cookie(owner)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert "uid" not in cookie["value"] and len(cookie["value"]) == 43  # a random id only

    copy = fresh_page(browser, live_server)
    copy.context.add_cookies([cookie])
    copy.goto("/work")
    assert copy.url == f"{live_server.url}/work"  # the copy works while the session does

    owner.get_by_role("button", name="Log out").click()
    owner.wait_for_url(f"{live_server.url}/login")
    copy.goto("/work")
    assert copy.url.startswith(f"{live_server.url}/login")
    assert copy.get_by_role("heading", level=1).inner_text() == "Log in"
    owner.context.close()
    copy.context.close()


def test_my_account_lists_where_i_am_signed_in_and_signs_out_everywhere(
    browser: Any, live_server: LiveServer, newcomer: str
) -> None:
    laptop = fresh_page(browser, live_server, "Laptop browser (test)")
    phone = fresh_page(browser, live_server, "Phone browser (test)")
    for page in (phone, laptop):
        log_in(page, live_server, newcomer)
        page.wait_for_url(SIGNED_IN)

    laptop.goto("/account")
    listed = laptop.locator("#sessions tbody tr")
    assert listed.count() == 2
    rows = [listed.nth(n).inner_text() for n in range(2)]
    assert any("Laptop browser (test)" in r and "this browser" in r for r in rows)
    assert any("Phone browser (test)" in r and "this browser" not in r for r in rows)

    laptop.get_by_label("Revoke all my API tokens too").check()
    laptop.get_by_role("button", name="Sign out everywhere").click()
    laptop.wait_for_url(f"{live_server.url}/login")
    phone.goto("/work")
    assert phone.url.startswith(f"{live_server.url}/login")
    laptop.context.close()
    phone.context.close()


def test_after_a_few_wrong_passwords_the_sign_in_page_says_how_long_to_wait(
    browser: Any, live_server: LiveServer, newcomer: str
) -> None:
    page = fresh_page(browser, live_server)
    for _ in range(5):
        log_in(page, live_server, newcomer, "not the password")
        assert "Wrong e-mail or password" in page.get_by_role("alert").inner_text()
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_response(lambda r: r.url.endswith("/login")
                              and r.request.method == "POST") as answered:
        page.get_by_role("button", name="Log in").click()
    response = answered.value
    assert response.status == 429 and int(response.headers["retry-after"]) > 0
    message = page.get_by_role("alert").inner_text()
    assert "Too many failed sign-ins for this address from here" in message
    assert re.search(r"Wait \d+ seconds, then try again", message)  # about 30 seconds
    page.context.close()
