"""Customers, users, teams, empowerment profiles and kudos over HTTP."""

from __future__ import annotations

from typing import Any

from api_support import API, Desk, api_fixture, desk_fixture, error, open_case  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient


def _post(api: TestClient, path: str, who: Any, status: int = 201, **body: Any) -> Any:
    response = api.post(API + path, headers=who.auth, json=body)
    assert response.status_code == status, response.text
    return response.json()


def test_customer_with_contacts_and_a_taken_contact(api: TestClient, desk: Desk) -> None:
    made = _post(
        api,
        "/customers",
        desk.agent,
        name="Dan Ode",
        contacts=["Dan@Example.com", "+1 555 010 9999"],
    )
    assert [(c["kind"], c["value"], c["is_primary"]) for c in made["contacts"]] == [
        ("email", "dan@example.com", True),
        ("phone", "+15550109999", False),
    ]
    taken = api.post(
        f"{API}/customers",
        headers=desk.agent.auth,
        json={"name": "Other", "contacts": ["dan@example.com"]},
    )
    assert taken.status_code == 409 and "merge" in error(taken)["message"]
    bad = api.post(
        f"{API}/customers/{made['customer']['id']}/contacts",
        headers=desk.agent.auth,
        json={"value": "not an address"},
    )
    assert bad.status_code == 422


def test_merge_moves_contacts_and_cases_into_the_kept_record(api: TestClient, desk: Desk) -> None:
    dup = _post(api, "/customers", desk.agent, name="Ann L.", contacts=["ann.l@work.test"])
    dup_id = dup["customer"]["id"]
    ref = open_case(
        api, desk.agent, customer_name="Ann L.", contact="ann.l@work.test", message="second account"
    )["ref"]
    kept = _post(
        api, f"/customers/{desk.ann.customer_id}/merge", desk.agent, 200, duplicate_id=dup_id
    )
    assert {c["value"] for c in kept["contacts"]} == {"ann@example.com", "ann.l@work.test"}
    case = api.get(f"{API}/cases/{ref}", headers=desk.ann.auth)
    assert case.status_code == 200 and case.json()["case"]["customer_id"] == desk.ann.customer_id
    timeline = api.get(
        f"{API}/customers/{desk.ann.customer_id}/timeline", headers=desk.ann.auth
    ).json()["items"]
    assert [(e["case_ref"], e["body"]) for e in timeline] == [(ref, "second account")]
    found = api.get(f"{API}/customers?q=ann", headers=desk.agent.auth).json()["items"]
    assert [c["id"] for c in found] == [desk.ann.customer_id]


def test_customer_adds_a_contact_to_their_own_record(api: TestClient, desk: Desk) -> None:
    added = _post(
        api, f"/customers/{desk.ann.customer_id}/contacts", desk.ann, value="+44 7700 900123"
    )
    assert added["customer_id"] == desk.ann.customer_id and added["kind"] == "phone"


def test_admin_manages_users_and_teams(api: TestClient, desk: Desk) -> None:
    team = _post(api, "/teams", desk.admin, name="Returns")
    user = _post(
        api,
        "/users",
        desk.admin,
        name="Gus Agent",
        email="Gus@Desk.test",
        role="agent",
        team_id=team["id"],
        skills=["Returns"],
    )
    assert user["email"] == "gus@desk.test" and user["skills"] == ["returns"]
    assert "password_hash" not in user
    dup = api.post(
        f"{API}/users",
        headers=desk.admin.auth,
        json={"name": "Gus", "email": "gus@desk.test", "role": "agent"},
    )
    assert dup.status_code == 409
    as_lead = api.post(
        f"{API}/users",
        headers=desk.lead.auth,
        json={"name": "Hal", "email": "hal@desk.test", "role": "admin"},
    )
    assert as_lead.status_code == 403
    no_link = api.post(
        f"{API}/users",
        headers=desk.admin.auth,
        json={"name": "Ivy", "email": "ivy@x.test", "role": "customer"},
    )
    assert no_link.status_code == 422 and "customer_id" in error(no_link)["details"]["fields"]
    role = api.put(f"{API}/users/{user['id']}/role", headers=desk.admin.auth, json={"role": "lead"})
    assert role.status_code == 200 and role.json()["role"] == "lead"
    skills = api.put(
        f"{API}/users/{user['id']}/skills",
        headers=desk.lead.auth,
        json={"skills": ["returns", "legal"]},
    )
    assert skills.json()["skills"] == ["returns", "legal"]
    moved = api.put(
        f"{API}/users/{desk.agent2.id}/team", headers=desk.admin.auth, json={"team_id": team["id"]}
    )
    assert moved.status_code == 200 and moved.json()["team_id"] == team["id"]
    no_team = api.put(
        f"{API}/users/{desk.agent2.id}/team", headers=desk.admin.auth, json={"team_id": 999_999}
    )
    assert no_team.status_code == 422
    leads = api.get(f"{API}/users?role=lead", headers=desk.agent.auth).json()["items"]
    assert {u["email"] for u in leads} == {"lee@desk.test", "gus@desk.test"}
    assert [t["name"] for t in api.get(f"{API}/teams", headers=desk.agent.auth).json()] == [
        "Returns"
    ]


def test_deactivating_the_owner_of_open_cases_gives_them_to_a_lead(
    api: TestClient, desk: Desk
) -> None:
    case = open_case(api, desk.agent)
    response = api.post(f"{API}/users/{desk.agent.id}/deactivate", headers=desk.admin.auth)
    assert response.status_code == 200 and response.json()["active"] is False
    moved = api.get(f"{API}/cases/{case['ref']}", headers=desk.lead.auth).json()["case"]
    assert (moved["owner_id"], moved["returned_from_id"]) == (desk.lead.id, desk.agent.id)


def test_empowerment_profile_changes_what_is_applied_at_once(api: TestClient, desk: Desk) -> None:
    override = api.put(
        f"{API}/empowerment/profiles",
        headers=desk.lead.auth,
        json={
            "user_id": desk.agent.id,
            "money_per_case": 1_000_00,
            "money_per_day": 2_000_00,
            "extra_days": 3,
            "remedy_kinds": ["refund"],
        },
    )
    assert override.status_code == 200
    stored = api.get(f"{API}/empowerment/profiles", headers=desk.lead.auth).json()
    assert [(p["user_id"], p["money_per_case"]) for p in stored] == [(desk.agent.id, 1_000_00)]
    assert api.get(f"{API}/empowerment/profiles", headers=desk.agent.auth).status_code == 403
    limits = api.get(f"{API}/users/{desk.agent.id}/limits", headers=desk.agent.auth).json()
    assert limits["money_per_case"] == 1_000_00 and limits["remedy_kinds"] == ["refund"]
    ref = open_case(api, desk.agent)["ref"]
    big_refund = _post(api, f"/cases/{ref}/remedies", desk.agent, kind="refund", amount=900_00)
    assert big_refund["status"] == "applied"
    lead_limits = api.put(
        f"{API}/empowerment/profiles",
        headers=desk.lead.auth,
        json={"role": "lead", "money_per_case": 1, "money_per_day": 1},
    )
    assert lead_limits.status_code == 403
    negative = api.put(
        f"{API}/empowerment/profiles",
        headers=desk.admin.auth,
        json={"role": "agent", "money_per_case": -1, "money_per_day": 0},
    )
    assert negative.status_code == 422  # refused by the field's range, before the desk
    assert [d["field"] for d in error(negative)["details"]] == ["money_per_case"]


def test_kudos_from_a_lead_and_from_a_customer(api: TestClient, desk: Desk) -> None:
    ref = open_case(api, desk.agent, customer_name="Ann Lee", contact="ann@example.com")["ref"]
    from_lead = _post(
        api,
        "/kudos",
        desk.lead,
        to_user_id=desk.agent.id,
        message="Calm and quick with a hard case",
    )
    assert from_lead["from_user_id"] == desk.lead.id
    from_ann = _post(
        api, "/kudos", desk.ann, to_user_id=desk.agent.id, message="Thank you!", case_ref=ref
    )
    assert from_ann["from_customer_id"] == desk.ann.customer_id
    stranger = api.post(
        f"{API}/kudos",
        headers=desk.ann.auth,
        json={"to_user_id": desk.agent2.id, "message": "hi", "case_ref": ref},
    )
    assert stranger.status_code == 422
    by_agent = api.post(
        f"{API}/kudos",
        headers=desk.agent2.auth,
        json={"to_user_id": desk.agent.id, "message": "nice"},
    )
    assert by_agent.status_code == 403
    received = api.get(f"{API}/users/{desk.agent.id}/kudos", headers=desk.agent.auth).json()
    assert {k["message"] for k in received["items"]} == {
        "Calm and quick with a hard case",
        "Thank you!",
    }
