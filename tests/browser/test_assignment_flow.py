"""Assignment in Chromium: a web-form case arriving while the agents are away, full or
unable to sign in lands in Unassigned; the lead sees how many wait and since when; an
agent says they are available in the header and takes it in one click."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import BrowserDesk, LiveServer, screenshot

from frontliner.desk import presence, users
from frontliner.desk.model import Presence, Role, User


@pytest.fixture
def desk_with_nobody_to_take_cases(browser_desk: BrowserDesk) -> Iterator[BrowserDesk]:
    """Sam away, Kim available but full, and a new agent who is "available" but was added
    without a password. Put back as it was afterwards (the desk is shared by the tests)."""
    desk = browser_desk
    desk.run(presence.set_presence, desk.agent, "away")
    desk.run(presence.set_presence, desk.agent2, "available")
    desk.run(presence.set_capacity, desk.lead, desk.agent2.id, 0)
    with desk.uow_factory() as uow:
        found = uow.find(User, limit=1, email="newbie@desk.test")
        newbie = found[0] if found else users.create_user(
            uow, None, name="Nia Newbie", email="newbie@desk.test", role=Role.AGENT)
        presence.set_presence(uow, newbie, "available")  # with no password: cannot sign in
        uow.commit()
    yield desk
    desk.run(presence.set_capacity, desk.lead, desk.agent2.id, None)
    for person in (desk.agent, desk.agent2):
        desk.run(presence.set_presence, person, "offline")


def _send_contact_form(page: Any, problem: str) -> str:
    page.goto("/contact")
    page.get_by_label("Your name").fill("Dee Dawson")
    page.get_by_label("E-mail").fill("dee@example.org")
    page.get_by_label("What's wrong?").fill(problem)
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"/contact/thanks$"))
    ref: str = page.locator(".case-ref").inner_text()
    return ref


def test_a_case_nobody_can_take_waits_unassigned_until_an_agent_takes_it(
    anonymous_page: Any, lead_page: Any, agent_page: Any, live_server: LiveServer,
    desk_with_nobody_to_take_cases: BrowserDesk, tmp_path: Path,
) -> None:
    desk = desk_with_nobody_to_take_cases
    ref = _send_contact_form(anonymous_page, "The blender jug cracked on first use")
    with desk.uow_factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None and case.owner_id is None  # not Sam, not Kim, not Nia

    # The lead sees that cases wait, and since when, on every console page.
    lead_page.goto("/lead/approvals")
    notice = lead_page.locator("#unassigned-notice").inner_text()
    assert re.search(r"\d+ cases? waits? for an owner", notice), notice
    assert "the oldest since" in notice
    lead_page.get_by_role("link", name="Give them to someone").click()
    lead_page.wait_for_url(re.compile(r"/lead/unassigned$"))
    row = lead_page.locator(f"#unassigned tr[data-ref='{ref}']")
    assert "blender jug cracked" in row.inner_text()
    on_desk = lead_page.locator("#on-desk").inner_text()
    assert "Nia Newbie" in on_desk and "cannot sign in" in on_desk
    assert "full" in on_desk  # Kim, at her capacity of 0
    choices = row.get_by_role("combobox").inner_text()
    assert "Nia Newbie" not in choices  # nobody may give a case to someone who cannot sign in
    screenshot(lead_page, live_server, "lead-unassigned", tmp_path)

    # Sam comes back: says so in the header, then takes the case from Unassigned.
    page = agent_page
    page.goto("/work")
    control = page.get_by_label("Your presence")
    assert control.input_value() == "away"
    with page.expect_navigation():
        control.select_option("available")  # sent on change, back to the same page
    assert page.get_by_label("Your presence").input_value() == "available"
    with desk.uow_factory() as uow:
        sam = uow.get(User, desk.agent.id)
        assert sam is not None and sam.presence is Presence.AVAILABLE
    page.goto("/work?queue=unassigned")
    queue_row = page.locator(f"tr[data-ref='{ref}']")
    screenshot(page, live_server, "agent-unassigned-take", tmp_path)
    queue_row.get_by_role("button", name=f"Take case {ref}").click()
    page.wait_for_url(re.compile(rf"/work/cases/{ref}$"))
    assert "The case is yours now." in page.locator("#flash").inner_text()
    assert "Owner: Sam Agent" in page.locator(".facts-line").inner_text()
    with desk.uow_factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None and case.owner_id == desk.agent.id

    # It left Unassigned for the lead too.
    lead_page.goto("/lead/unassigned")
    assert lead_page.locator(f"#unassigned tr[data-ref='{ref}']").count() == 0
