"""Assignment's pages over HTTP, on SQLite and PostgreSQL: the console says how many cases
wait and since when; a lead assigns one and sets a colleague's capacity (a mistake is
answered, nothing lost); the header's presence control saves; a take that came second is
told so."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from api_support import PASSWORD, Desk, api_fixture, desk_fixture  # noqa: F401

from frontliner.desk import intake
from frontliner.desk.model import Case, Channel, Presence, User
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "every page with a form carries the CSRF token"
    return found.group(1)


def _log_in(client: Any, email: str) -> Any:
    token = _token(client.get("/login").text)
    answer = client.post("/login", data={"email": email, "password": PASSWORD,
                                         "csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303
    return client


@pytest.fixture(name="lead")
def lead_fixture(api: Any, desk: Desk) -> Any:
    return _log_in(api, desk.lead.email)


def _post(client: Any, path: str, data: dict[str, Any], page: str = "/lead/approvals") -> Any:
    token = _token(client.get(page).text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=True)


def _waiting_case(uow_factory: UowFactory) -> Case:
    with uow_factory() as uow:
        case = intake.open_case(uow, None, nature="jug cracked", customer_name="Dee",
                                contact="dee@example.com", channel=Channel.WEB)
        uow.commit()
    assert case.owner_id is None  # nobody in the desk fixture is available
    return case


def _user(uow_factory: UowFactory, user_id: int) -> User:
    with uow_factory() as uow:
        found = uow.get(User, user_id)
        assert found is not None
        return found


def test_every_console_page_says_how_many_cases_wait_and_since_when(
    lead: Any, uow_factory: UowFactory
) -> None:
    assert "unassigned-notice" not in lead.get("/lead/approvals").text
    _waiting_case(uow_factory)
    _waiting_case(uow_factory)
    for page in ("/lead/approvals", "/lead/escalations", "/lead/unassigned"):
        html = lead.get(page).text
        assert "2 cases wait for an owner" in html, page
        assert "less than a minute ago" in html
    assert re.search(r'Unassigned\s*<span class="count" aria-label="2 waiting">2</span>',
                     lead.get("/lead/approvals").text)


def test_a_lead_assigns_a_waiting_case_and_a_refusal_keeps_the_choice(
    lead: Any, desk: Desk, uow_factory: UowFactory
) -> None:
    case = _waiting_case(uow_factory)
    refused = _post(lead, f"/lead/cases/{case.ref}/assign", {"to_user_id": str(desk.agent.id)})
    assert refused.status_code == 422  # Sam has no password: he could never open it
    assert "who can sign in" in refused.text
    done = _post(lead, f"/lead/cases/{case.ref}/assign", {"to_user_id": str(desk.agent2.id)})
    assert done.status_code == 200
    assert f"Case {case.ref} now belongs to Kim Agent." in done.text
    with uow_factory() as uow:
        stored = uow.get(Case, case.id or 0)
        assert stored is not None and stored.owner_id == desk.agent2.id


def test_a_lead_sets_an_agents_capacity_on_their_page(
    lead: Any, desk: Desk, uow_factory: UowFactory
) -> None:
    page = lead.get(f"/team/{desk.agent2.id}").text
    assert "Most open cases given automatically" in page
    bad = _post(lead, f"/lead/team/{desk.agent2.id}/capacity", {"capacity": "lots"})
    assert "whole number of open cases" in bad.text
    saved = _post(lead, f"/lead/team/{desk.agent2.id}/capacity", {"capacity": "3"})
    assert "Kim Agent&#39;s capacity is now 3." in saved.text
    assert _user(uow_factory, desk.agent2.id).capacity == 3
    cleared = _post(lead, f"/lead/team/{desk.agent2.id}/capacity", {"capacity": ""})
    assert "the desk&#39;s default" in cleared.text
    assert _user(uow_factory, desk.agent2.id).capacity is None
    # A lead does not set another lead's capacity (an admin does).
    own = lead.get(f"/team/{desk.lead.id}").text
    assert "Save capacity" not in own


def test_the_header_control_saves_presence_and_an_agent_takes_a_case(
    api: Any, desk: Desk, uow_factory: UowFactory
) -> None:
    kim = _log_in(api, desk.agent2.email)
    html = kim.get("/work").text
    assert '<option value="offline" selected>' in html
    _post(kim, "/work/presence", {"presence": "away", "next": "/work"}, page="/work")
    assert _user(uow_factory, desk.agent2.id).presence is Presence.AWAY
    assert '<option value="away" selected>' in kim.get("/work").text

    case = _waiting_case(uow_factory)  # Kim is away: it waits
    queue = kim.get("/work?queue=unassigned").text
    assert f'aria-label="Take case {case.ref}"' in queue
    taken = _post(kim, f"/work/cases/{case.ref}/take", {"version": str(case.version)},
                  page="/work")
    assert "The case is yours now." in taken.text
    again = _post(kim, f"/work/cases/{case.ref}/take", {"version": str(case.version)},
                  page="/work")
    assert "Someone else took this case first" in again.text
    assert _user(uow_factory, desk.agent2.id).id == desk.agent2.id
    with uow_factory() as uow:
        stored = uow.get(Case, case.id or 0)
        assert stored is not None and stored.owner_id == desk.agent2.id
