"""The admin pages in Chromium: an admin adds a member of staff, creates an API token for
them (shown once, then only its prefix), revokes it, deactivates the user (their other
token stops working), and puts a colleague in a new team."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import BrowserDesk, LiveServer, _page_for, screenshot
from tests.browser.test_lead_approval_flow import assert_accessible_basics

from frontliner.desk.model import User


@pytest.fixture
def admin_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    yield from _page_for(browser, live_server, live_server.desk.admin)


def status_with(page: Any, token: str) -> int:
    answer = page.request.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    return int(answer.status)


def new_token(page: Any, name: str) -> str:
    page.get_by_label("Name of a new token (what it is for)").fill(name)
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Token", exact=True).input_value()
    assert secret.startswith("fl_")
    return str(secret)


def test_admin_adds_a_user_gives_and_revokes_a_token_and_deactivates_them(
    admin_page: Any, browser_desk: BrowserDesk, live_server: LiveServer, tmp_path: Path,
) -> None:
    tag = secrets.token_hex(3)
    email = f"noor.{tag}@desk.test"
    try:
        _add_token_revoke_deactivate(admin_page, browser_desk, live_server, tmp_path, tag)
    finally:  # the desk is shared by the session's tests: no new agent left to take cases
        with browser_desk.uow_factory() as uow:
            for noor in uow.find(User, email=email):
                noor.active = False
            uow.commit()


def _add_token_revoke_deactivate(page: Any, desk: BrowserDesk, live_server: LiveServer,
                                 tmp_path: Path, tag: str) -> None:
    email = f"noor.{tag}@desk.test"
    page.goto("/work")
    page.get_by_role("link", name="Admin").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Users"
    assert_accessible_basics(page)

    page.get_by_label("Name", exact=True).fill(f"Noor Agent {tag}")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Skills (separated by commas)").fill("Returns, billing")
    page.get_by_role("button", name="Add user").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Noor Agent {tag}"
    assert "was added" in page.get_by_role("status").inner_text()
    page.goto(f"/admin/users?q={tag}")
    assert email in page.locator("main").inner_text()
    screenshot(page, live_server, "admin-users", tmp_path)
    page.get_by_role("link", name=f"Noor Agent {tag}").click()
    page.wait_for_url("**/admin/users/*")
    user_url = page.url

    first = new_token(page, "nightly export")
    assert "shown only this once" in page.get_by_role("status").inner_text()
    screenshot(page, live_server, "admin-user-token-shown-once", tmp_path)
    assert status_with(page, first) == 200
    page.goto(user_url)  # the page again, by GET
    assert first not in page.content() and first[:10] in page.locator("main").inner_text()
    page.get_by_role("button", name=f"Revoke token nightly export ({first[:10]})").click()
    assert "Token revoked" in page.get_by_role("status").inner_text()
    assert status_with(page, first) == 401

    second = new_token(page, "second script")
    assert status_with(page, second) == 200
    page.get_by_role("button", name=f"Deactivate Noor Agent {tag}").click()
    assert "Deactivated" in page.get_by_role("status").inner_text()
    assert status_with(page, second) == 401  # a deactivated user's tokens stop working
    assert "user added" in page.locator("main").inner_text()  # the audit trail
    screenshot(page, live_server, "admin-user", tmp_path)
    with desk.uow_factory() as uow:
        [noor] = uow.find(User, email=email)
        assert noor.active is False and noor.skills == ["returns", "billing"]


def test_admin_adds_a_team_and_puts_a_colleague_in_it(
    admin_page: Any, browser_desk: BrowserDesk, live_server: LiveServer, tmp_path: Path,
) -> None:
    page, desk = admin_page, browser_desk
    name = f"Returns {secrets.token_hex(2)}"
    page.goto("/admin/teams")
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Add team").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Team {name}"
    page.get_by_label("Add a member by e-mail").fill(desk.agent2.email)
    page.get_by_role("button", name="Add to team").click()
    assert "is now in this team" in page.get_by_role("status").inner_text()
    assert desk.agent2.name in page.locator("main").inner_text()
    assert_accessible_basics(page)
    screenshot(page, live_server, "admin-team", tmp_path)
    page.get_by_role("button", name=f"Remove {desk.agent2.name} from {name}").click()
    assert "Nobody is in this team yet" in page.locator("main").inner_text()
