"""The lead console's forms over HTTP, on SQLite and PostgreSQL: each saves through the
desk, and a mistake answers with the reason and everything the lead typed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from api_support import PASSWORD, Desk, api_fixture, desk_fixture  # noqa: F401

from frontliner.desk import closing, empowerment, intake, ownership
from frontliner.desk.model import Case, CaseStatus, Kudos, KudosKind, Role, User
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]
ALERT = re.compile(r'role="alert"[^>]*>([^<]*)')
STATUS = re.compile(r'role="status">([^<]*)')


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "every page with a form carries the CSRF token"
    return found.group(1)


@pytest.fixture(name="lead")
def lead_fixture(api: Any, desk: Desk) -> Any:
    """The API test client, logged in as the lead through the login page."""
    token = _token(api.get("/login").text)
    answer = api.post("/login", data={"email": desk.lead.email, "password": PASSWORD,
                                      "csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303
    return api


def _post(client: Any, path: str, data: dict[str, Any]) -> Any:
    """Send a console form as the browser would: with this session's CSRF token."""
    token = _token(client.get("/lead/approvals").text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=True)


def _user(uow_factory: UowFactory, user_id: int) -> User:
    with uow_factory() as uow:
        found = uow.get(User, user_id)
        assert found is not None
        return found


def test_lead_sets_limits_and_a_mistake_keeps_what_was_typed(
    lead: Any, desk: Desk, uow_factory: UowFactory
) -> None:
    bad = _post(lead, "/lead/empowerment", {"target": "role:agent", "money_per_case": "lots",
                                            "money_per_day": "250", "extra_days": "4",
                                            "kinds": ["refund", "replacement"]})
    assert bad.status_code == 422
    assert "Write an amount like 50 or 49.99" in ALERT.findall(bad.text)[0]
    assert 'value="lots"' in bad.text and 'value="250"' in bad.text

    saved = _post(lead, "/lead/empowerment", {"target": "role:agent", "money_per_case": "75,5",
                                              "money_per_day": "250", "extra_days": "4",
                                              "kinds": ["refund", "replacement"]})
    assert STATUS.findall(saved.text) == ["Saved the limits for agents."]
    own = _post(lead, "/lead/empowerment", {"target": f"user:{desk.agent.id}",
                                            "money_per_case": "120", "money_per_day": "400",
                                            "extra_days": "2", "kinds": ["credit"]})
    assert STATUS.findall(own.text) == ["Saved the limits for Sam Agent."]
    refused = _post(lead, "/lead/empowerment", {"target": "role:lead", "money_per_case": "1",
                                                "money_per_day": "1", "extra_days": "0"})
    assert "an admin sets those of leads" in ALERT.findall(refused.text)[0].replace("&#39;", "'")

    with uow_factory() as uow:
        kim = uow.get(User, desk.agent2.id)
        sam = uow.get(User, desk.agent.id)
        assert kim is not None and sam is not None
        role_limits, sams = empowerment.limits_for(uow, kim), empowerment.limits_for(uow, sam)
        lead_limits = empowerment.limits_for(uow, _user(uow_factory, desk.lead.id))
    assert (role_limits.money_per_case, role_limits.extra_days) == (7_550, 4)
    assert role_limits.remedy_kinds == ["refund", "replacement"]
    assert (sams.money_per_case, sams.remedy_kinds) == (12_000, ["credit"])
    assert lead_limits.money_per_case == empowerment.DEFAULT_PROFILES[Role.LEAD].money_per_case


def test_fire_fixed_for_good_credits_its_author_and_kudos_show_on_their_page(
    lead: Any, desk: Desk, uow_factory: UowFactory
) -> None:
    started = _post(lead, "/fires", {"title": "Parcels scanned delivered at the depot"})
    fire_path = started.url.path
    assert re.fullmatch(r"/fires/\d+", fire_path)
    twice = _post(lead, "/fires", {"title": "parcels scanned delivered at depot"})
    assert twice.status_code == 422 and f'href="{fire_path}"' in twice.text

    half = _post(lead, f"{fire_path}/notes", {"problem": "Scanned at the depot", "solution": ""})
    assert half.status_code == 422 and ">Scanned at the depot</textarea>" in half.text
    note = _post(lead, f"{fire_path}/notes", {"problem": "Scanned at the depot",
                                              "solution": "Re-sent with signature"})
    assert "Re-sent with signature" in note.text and "Lee Lead" in note.text

    fixed = _post(lead, f"{fire_path}/fixed", {"fix": "Depot scanners moved to the door",
                                               "author_id": str(desk.agent.id)})
    assert "Fixed for good" in fixed.text and "Sam Agent" in fixed.text
    thanks = _post(lead, "/lead/kudos", {"to_user_id": str(desk.agent.id),
                                         "message": "Stayed late for <b>Ann</b>"})
    assert STATUS.findall(thanks.text) == ["Kudos sent to Sam Agent."]

    page = lead.get(f"/team/{desk.agent.id}").text
    assert "Fixed for good: Parcels scanned delivered at the depot" in page
    assert "Stayed late for &lt;b&gt;Ann&lt;/b&gt;" in page  # escaped, never markup
    assert lead.get("/lead/recognition").text.count("Sam Agent") >= 1
    with uow_factory() as uow:
        kinds = sorted(k.kind for k in uow.find(Kudos, to_user_id=desk.agent.id))
    assert kinds == [KudosKind.FIX_CREDIT, KudosKind.KUDOS]


def test_a_closing_exception_needs_a_reason_and_resolves_the_case(
    lead: Any, desk: Desk, uow_factory: UowFactory
) -> None:
    with uow_factory() as uow:
        sam = uow.get(User, desk.agent.id)
        assert sam is not None
        case = intake.open_case(uow, sam, nature="Heater smells of burning plastic",
                                customer_name="Ann Lee", contact="ann@example.com")
        ownership.acknowledge(uow, sam, case.id or 0)
        closing.request_confirmation(uow, sam, case.id or 0)
        uow.commit()
        ref, case_id = case.ref, case.id
    listed = lead.get("/lead/closing").text
    assert ref in listed and "Heater smells of burning plastic" in listed

    unsigned = _post(lead, "/lead/closing/exception", {"ref": ref, "reason": " "})
    assert unsigned.status_code == 422 and "without the customer" in ALERT.findall(
        unsigned.text)[0]
    unknown = _post(lead, "/lead/closing/exception", {"ref": "FL-NONE", "reason": "gone"})
    assert "No case with reference FL-NONE" in ALERT.findall(unknown.text)[0]
    assert 'value="FL-NONE"' in unknown.text

    signed = _post(lead, "/lead/closing/exception",
                   {"ref": ref, "reason": "Customer asked us to stop writing"})
    assert STATUS.findall(signed.text) == [f"Exception signed: case {ref} is resolved."]
    waiting, history = signed.text.split("Waiting for the customer")[1].split(
        "Recently signed exceptions")
    assert ref not in waiting
    assert ref in history and "Customer asked us to stop writing" in history
    assert "Lee Lead" in history
    with uow_factory() as uow:
        stored = uow.get(Case, case_id or 0)
        assert stored is not None and stored.status == CaseStatus.RESOLVED
        assert stored.exception_reason == "Customer asked us to stop writing"
