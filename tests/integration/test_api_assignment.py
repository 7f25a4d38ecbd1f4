"""Assignment through the API: presence, capacity, rules, the Unassigned queue, take and
assign, deactivation handing cases back to a lead. In the desk fixture Kim (agent2) and
the lead can sign in; Sam (agent) has no password, so no case ever goes to him."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from api_support import API, Desk, Login, api_fixture, desk_fixture, error  # noqa: F401
from fastapi.testclient import TestClient

from frontliner.desk.model import Presence, User
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]


def _intake(api: TestClient, desk: Desk, **fields: Any) -> dict[str, Any]:
    """A case taken in by the admin's script: nobody on the desk owns it by taking it."""
    body = {"nature": "blender jug cracked", "customer_name": "Dee",
            "contact": "dee@example.com", "channel": "web", **fields}
    response = api.post(f"{API}/cases", json=body, headers=desk.admin.auth)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _presence(api: TestClient, who: Login, state: str) -> dict[str, Any]:
    response = api.put(f"{API}/me/presence", json={"presence": state}, headers=who.auth)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _unassigned(api: TestClient, who: Login) -> dict[str, Any]:
    response = api.get(f"{API}/assignment/unassigned", headers=who.auth)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_an_agent_who_cannot_sign_in_gets_no_case_even_when_available(
    api: TestClient, desk: Desk
) -> None:
    _presence(api, desk.agent, "available")  # Sam, by API token, but no password
    case = _intake(api, desk)
    assert case["owner_id"] is None
    summary = _unassigned(api, desk.lead)
    assert summary["count"] == 1 and summary["oldest_opened_at"] == case["opened_at"]
    staff = api.get(f"{API}/assignment/staff", headers=desk.lead.auth).json()
    assert {s["name"]: s["can_sign_in"] for s in staff} == {"Kim Agent": True,
                                                           "Sam Agent": False}


def test_an_available_agent_gets_cases_until_full_then_they_wait(
    api: TestClient, desk: Desk
) -> None:
    mine = _presence(api, desk.agent2, "available")
    assert mine["effective"] == "available" and mine["open_cases"] == 0
    response = api.put(f"{API}/users/{desk.agent2.id}/capacity", json={"capacity": 1},
                       headers=desk.lead.auth)
    assert response.status_code == 200 and response.json()["capacity"] == 1
    assert _intake(api, desk)["owner_id"] == desk.agent2.id
    assert _intake(api, desk)["owner_id"] is None  # Kim is full
    assert api.get(f"{API}/me/presence", headers=desk.agent2.auth).json()["open_cases"] == 1


def test_away_means_no_new_cases(api: TestClient, desk: Desk) -> None:
    _presence(api, desk.agent2, "away")
    assert _intake(api, desk)["owner_id"] is None


def test_an_agent_idle_past_the_timeout_gets_no_case(
    api: TestClient, desk: Desk, uow_factory: UowFactory
) -> None:
    _presence(api, desk.agent2, "available")
    with uow_factory() as uow:
        kim = uow.get(User, desk.agent2.id)
        assert kim is not None
        kim.last_seen_at = datetime.now(UTC) - timedelta(minutes=16)
        uow.commit()
    assert _intake(api, desk)["owner_id"] is None
    rules = api.put(f"{API}/assignment/rules", json={"idle_minutes": 30,
                                                      "default_capacity": None},
                    headers=desk.lead.auth)
    assert rules.status_code == 200
    assert _intake(api, desk)["owner_id"] == desk.agent2.id


def test_a_case_needing_a_skill_waits_for_someone_with_it(
    api: TestClient, desk: Desk
) -> None:
    _presence(api, desk.agent2, "available")  # Kim has no skills
    assert _intake(api, desk, required_skill="billing")["owner_id"] is None


def test_taking_an_unassigned_case_the_first_wins_and_the_second_gets_409(
    api: TestClient, desk: Desk
) -> None:
    case = _intake(api, desk)
    taken = api.post(f"{API}/cases/{case['ref']}/take", headers=desk.agent2.auth)
    assert taken.status_code == 200 and taken.json()["owner_id"] == desk.agent2.id
    again = api.post(f"{API}/cases/{case['ref']}/take", headers=desk.lead.auth)
    assert again.status_code == 409
    stale = api.post(f"{API}/cases/{_intake(api, desk)['ref']}/take",
                     headers={**desk.lead.auth, "If-Match": '"99"'})
    assert stale.status_code == 409
    assert api.post(f"{API}/cases/{case['ref']}/take", headers=desk.ann.auth).status_code \
        in (403, 404)


def test_a_lead_assigns_to_a_colleague_who_can_sign_in_and_agents_cannot_assign(
    api: TestClient, desk: Desk
) -> None:
    case = _intake(api, desk)
    url = f"{API}/cases/{case['ref']}/assign"
    to_sam = api.post(url, json={"user_id": desk.agent.id}, headers=desk.lead.auth)
    assert to_sam.status_code == 422
    assert "can sign in" in error(to_sam)["message"]
    by_agent = api.post(url, json={"user_id": desk.agent2.id}, headers=desk.agent2.auth)
    assert by_agent.status_code == 403
    done = api.post(url, json={"user_id": desk.agent2.id}, headers=desk.lead.auth)
    assert done.status_code == 200 and done.json()["owner_id"] == desk.agent2.id
    audit = api.get(f"{API}/cases/{case['ref']}/audit", headers=desk.lead.auth).json()
    assert [e["action"] for e in audit["items"]][-1] == "assigned"


def test_presence_capacity_and_rules_refuse_bad_input_and_the_wrong_role(
    api: TestClient, desk: Desk
) -> None:
    bad = api.put(f"{API}/me/presence", json={"presence": "busy"}, headers=desk.agent2.auth)
    assert bad.status_code == 422
    assert api.put(f"{API}/me/presence", json={"presence": "away"},
                   headers=desk.ann.auth).status_code == 403
    assert api.put(f"{API}/users/{desk.agent.id}/capacity", json={"capacity": 2},
                   headers=desk.agent2.auth).status_code == 403
    assert api.put(f"{API}/users/{desk.agent.id}/capacity", json={"capacity": -1},
                   headers=desk.lead.auth).status_code == 422
    assert api.put(f"{API}/assignment/rules", json={"idle_minutes": 5,
                                                     "default_capacity": None},
                   headers=desk.agent2.auth).status_code == 403
    assert api.put(f"{API}/assignment/rules", json={"idle_minutes": 0,
                                                     "default_capacity": None},
                   headers=desk.lead.auth).status_code == 422
    defaults = api.get(f"{API}/assignment/rules", headers=desk.agent2.auth).json()
    assert defaults == {"idle_minutes": 15, "default_capacity": None}


def test_deactivating_an_agent_gives_their_cases_to_a_lead_to_reassign(
    api: TestClient, desk: Desk, uow_factory: UowFactory
) -> None:
    _presence(api, desk.agent2, "available")
    case = _intake(api, desk)
    assert case["owner_id"] == desk.agent2.id
    gone = api.post(f"{API}/users/{desk.agent2.id}/deactivate", headers=desk.admin.auth)
    assert gone.status_code == 200 and gone.json()["active"] is False
    kept = api.get(f"{API}/assignment/to-reassign", headers=desk.lead.auth).json()["items"]
    assert [(c["ref"], c["owner_id"], c["returned_from_id"]) for c in kept] == [
        (case["ref"], desk.lead.id, desk.agent2.id)]
    assert _unassigned(api, desk.lead)["to_reassign"] == 1
    with uow_factory() as uow:
        kim = uow.get(User, desk.agent2.id)
        assert kim is not None and kim.presence is Presence.OFFLINE
