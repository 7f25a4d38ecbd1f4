"""The agent pages over HTTP (no browser): queues and their counts, who may open them,
CSRF on htmx requests, escaping in the coach's fragment, and the lead's block setting.
The browser flows are in tests/browser; these are the cheap checks around them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from api_support import (  # noqa: F401 - fixtures, used by name; log_in for other modules
    PASSWORD,
    Desk,
    api_fixture,
    desk_fixture,
    log_in,
)
from fastapi.testclient import TestClient

from frontliner.desk import escalation, intake, interactions
from frontliner.desk.model import User
from frontliner.store.uow import SqlUnitOfWork
from frontliner.web.pages.coaching import set_coach_errors_policy


def open_case(factory: Callable[[], SqlUnitOfWork], owner_id: int, nature: str) -> str:
    with factory() as uow:
        owner = uow.get(User, owner_id)
        case = intake.open_case(uow, owner, nature=nature, customer_name="Ann Lee",
                                contact="ann@example.com", message="It is broken again!")
        uow.commit()
        return str(case.ref)


def case_id(uow: SqlUnitOfWork, ref: str) -> int:
    case = uow.case_by_ref(ref)
    assert case is not None and case.id is not None
    return int(case.id)


def count_of(page: str, queue: str) -> int:
    found = re.search(rf'href="/work\?queue={queue}".*?<span class="count"[^>]*>(\d+)', page,
                      re.S)
    assert found is not None, queue
    return int(found.group(1))


def test_queues_count_what_waits_for_the_agent_and_list_it(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    mine = open_case(uow_factory, desk.agent2.id, "Blender arrived with a cracked jug")
    waiting = open_case(uow_factory, desk.agent2.id, "Refund not received yet")
    escalated = open_case(uow_factory, desk.agent2.id, "Water damage from a leaking washer")
    with uow_factory() as uow:
        kim = uow.get(User, desk.agent2.id)
        assert kim is not None
        interactions.record_outbound(uow, kim, case_id(uow, waiting),
                                     "Sorry about this; could you send the order number?",
                                     wait_for_reply=True)
        escalation.escalate(uow, kim, case_id(uow, escalated),
                            "needs a lead's authority", "leak since Monday 9:00, floor wet",
                            handler_id=desk.lead.id,
                            people_involved=[{"name": "Joe Fixer", "contact": "joe@example.com"}],
                            now=datetime.now(UTC) - timedelta(days=5))
        uow.commit()

    token = log_in(api, "kim@desk.test")
    page = api.get("/work").text
    assert count_of(page, "mine") == 3 and count_of(page, "waiting") == 1
    assert count_of(page, "follow-ups") == 1  # the escalation's follow-up is overdue
    assert mine in page and waiting in page
    assert waiting in api.get("/work?queue=waiting").text
    assert mine not in api.get("/work?queue=waiting").text
    assert escalated in api.get("/work?queue=follow-ups").text

    api.post("/logout", data={"csrf_token": token})
    log_in(api, "lee@desk.test")
    lead_page = api.get("/work?queue=escalated").text
    assert count_of(lead_page, "escalated") == 1 and escalated in lead_page


def test_pages_need_a_login_and_a_staff_role(api: TestClient, desk: Desk) -> None:
    answer = api.get("/work?queue=waiting", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/work%3Fqueue%3Dwaiting"
    with api.stream("GET", "/login?next=https://evil.example/") as login_page:
        assert 'value="https://evil.example/"' not in login_page.read().decode()


def test_htmx_request_without_the_csrf_header_changes_nothing(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref = open_case(uow_factory, desk.agent2.id, "Charged twice for one order")
    token = log_in(api, "kim@desk.test")
    refused = api.post(f"/work/cases/{ref}/reply", data={"body": "Sorry, fixed today."},
                       headers={"HX-Request": "true"})
    assert refused.status_code == 403
    sent = api.post(f"/work/cases/{ref}/reply", data={"body": "Sorry, it is fixed today."},
                    headers={"HX-Request": "true", "X-CSRF-Token": token},
                    follow_redirects=False)
    assert sent.status_code == 303
    page = api.get(f"/work/cases/{ref}").text
    assert "Sorry, it is fixed today." in page and "Sorry, fixed today." not in page


def test_a_forged_non_ascii_csrf_token_is_refused_not_a_server_error(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref = open_case(uow_factory, desk.agent2.id, "Charged twice for one order")
    log_in(api, "kim@desk.test")
    refused = api.post(f"/work/cases/{ref}/reply",
                       data={"body": "Sorry, fixed today.", "csrf_token": "jeton-forgé-é"})
    assert refused.status_code == 403
    assert "Sorry, fixed today." not in api.get(f"/work/cases/{ref}").text


def test_coach_fragment_escapes_the_draft_around_its_marks(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref = open_case(uow_factory, desk.agent2.id, "Charged twice for one order")
    token = log_in(api, "kim@desk.test")
    fragment = api.post(f"/work/cases/{ref}/coach",
                        data={"body": "<img src=x onerror=alert(1)> I can't refund that."},
                        headers={"HX-Request": "true", "X-CSRF-Token": token}).text
    assert "<img" not in fragment and "&lt;img src=x onerror=alert(1)&gt;" in fragment
    assert re.search(r'<mark class="finding sev-error"[^>]*>I can&#39;t refund', fragment)


def test_a_lead_can_make_coach_errors_block_the_reply(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref = open_case(uow_factory, desk.agent2.id, "Charged twice for one order")
    with uow_factory() as uow:
        lead = uow.get(User, desk.lead.id)
        assert lead is not None
        set_coach_errors_policy(uow.session, lead, "block")
        uow.commit()
    token = log_in(api, "kim@desk.test")
    refused = api.post(f"/work/cases/{ref}/reply", data={
        "body": "We can't refund that.", "override_reason": "I insist", "csrf_token": token})
    assert refused.status_code == 422
    assert "fix them first" in refused.text
    assert "We can&#39;t refund that.</textarea>" in refused.text  # the draft is kept
