"""The page foundation as a person meets it: logging in and out, the layout, and the
browser-side protections (CSRF, Content-Security-Policy) on real requests."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import PASSWORD, BrowserDesk


def test_agent_logs_in_lands_on_the_queue_they_asked_for_and_logs_out(
    anonymous_page: Any, browser_desk: BrowserDesk
) -> None:
    page = anonymous_page
    page.goto("/work?queue=waiting")
    assert "/login" in page.url  # nobody logged in: the login page first

    page.get_by_label("E-mail").fill(browser_desk.agent.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text().startswith("Wrong e-mail or password")
    assert page.get_by_label("E-mail").input_value() == browser_desk.agent.email  # kept

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/work?queue=waiting")
    assert page.get_by_role("heading", level=1).inner_text() == "Waiting on customer"
    header = page.locator("header").inner_text()
    assert browser_desk.agent.name in header and "agent" in header
    assert page.get_by_role("link", name="Lead console").count() == 0  # not an agent's

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    page.goto("/work")
    assert "/login" in page.url


def test_pages_send_a_strict_content_security_policy_and_refuse_forms_without_the_token(
    agent_page: Any,
) -> None:
    response = agent_page.goto("/work")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"

    # The same logged-in browser, posting without the form's token, changes nothing.
    refused = agent_page.request.post("/logout", form={"next": "/"}, max_redirects=0)
    assert refused.status == 403
    assert "did not come from Frontliner" in refused.text()
    agent_page.goto("/work")
    assert "/login" not in agent_page.url  # still logged in
