"""Administering accounts over the API: users, roles, teams, deactivation, API tokens and
the audit trail of it all; agents, leads and customers refused where they must be."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import API, Desk, api_fixture, desk_fixture  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_admin_adds_a_team_and_a_user_changes_them_and_the_trail_says_so(
    api: TestClient, desk: Desk
) -> None:
    admin = desk.admin.auth
    team = ok(api.post(f"{API}/teams", headers=admin, json={"name": "Returns"}), 201)
    renamed = ok(api.put(f"{API}/teams/{team['id']}", headers=admin,
                         json={"name": "Returns and refunds"}))
    assert renamed == {"id": team["id"], "name": "Returns and refunds"}
    user = ok(api.post(f"{API}/users", headers=admin, json={
        "name": "Rosa Reyes", "email": "rosa@desk.test", "role": "agent",
        "team_id": team["id"], "password": "rosa's first password"}), 201)
    ok(api.put(f"{API}/users/{user['id']}/role", headers=admin, json={"role": "lead"}))
    ok(api.put(f"{API}/users/{user['id']}/skills", headers=admin,
               json={"skills": ["Refunds", "billing"]}))
    ok(api.put(f"{API}/users/{user['id']}/team", headers=admin, json={"team_id": None}))
    assert ok(api.post(f"{API}/users/{user['id']}/deactivate", headers=admin))["active"] is False
    again = api.post(f"{API}/users/{user['id']}/deactivate", headers=admin)
    assert ok(api.post(f"{API}/users/{user['id']}/reactivate", headers=admin))["active"] is True
    assert again.status_code in (200, 409)

    trail = ok(api.get(f"{API}/users/{user['id']}/audit", headers=admin))["items"]
    actions = [e["action"] for e in trail]
    assert actions[0] == "reactivated" and actions[-1] == "user_added"
    assert {"role_changed", "skills_changed", "team_changed", "deactivated"} <= set(actions)
    role = next(e for e in trail if e["action"] == "role_changed")
    assert role["detail"] == {"before": "agent", "after": "lead"}
    assert role["actor_id"] == desk.admin.id
    assert all("password" not in str(e["detail"]) for e in trail)


def test_users_filter_by_role_team_and_words_one_page_at_a_time(
    api: TestClient, desk: Desk
) -> None:
    admin = desk.admin.auth
    team = ok(api.post(f"{API}/teams", headers=admin, json={"name": "Billing"}), 201)
    for who in (desk.agent, desk.agent2):
        ok(api.put(f"{API}/users/{who.id}/team", headers=admin, json={"team_id": team["id"]}))
    first = ok(api.get(f"{API}/teams/{team['id']}/members", headers=desk.agent.auth,
                       params={"limit": 1}))
    second = ok(api.get(f"{API}/teams/{team['id']}/members", headers=desk.agent.auth,
                        params={"limit": 1, "cursor": first["next_cursor"]}))
    assert [u["id"] for u in first["items"] + second["items"]] == [desk.agent.id, desk.agent2.id]
    assert second["next_cursor"] is None
    agents = ok(api.get(f"{API}/users", headers=admin, params={"role": "agent", "q": "kim"}))
    assert [u["email"] for u in agents["items"]] == ["kim@desk.test"]
    in_team = ok(api.get(f"{API}/users", headers=admin, params={"team_id": team["id"]}))
    assert len(in_team["items"]) == 2


def test_admin_creates_a_token_for_someone_lists_it_without_the_secret_and_revokes_it(
    api: TestClient, desk: Desk
) -> None:
    admin = desk.admin.auth
    made = ok(api.post(f"{API}/users/{desk.agent.id}/tokens", headers=admin,
                       json={"name": "reporting script"}), 201)
    secret = made["token"]
    bearer = {"Authorization": f"Bearer {secret}"}
    assert ok(api.get(f"{API}/auth/me", headers=bearer))["id"] == desk.agent.id

    listed = ok(api.get(f"{API}/tokens", headers=admin, params={"user_id": desk.agent.id}))
    mine = next(t for t in listed["items"] if t["id"] == made["id"])
    assert mine["prefix"] == secret[:10] and "token" not in mine
    assert secret not in str(listed)
    own = ok(api.get(f"{API}/tokens", headers=desk.agent.auth))["items"]
    assert {t["user_id"] for t in own} == {desk.agent.id}

    revoked = ok(api.delete(f"{API}/tokens/{made['id']}", headers=admin))
    assert revoked["revoked_at"] is not None
    assert api.get(f"{API}/auth/me", headers=bearer).status_code == 401
    trail = ok(api.get(f"{API}/users/{desk.agent.id}/audit", headers=admin))["items"]
    assert [e["action"] for e in trail][:2] == ["token_revoked", "token_created"]


def test_a_user_manages_their_own_tokens_but_not_anyone_elses(
    api: TestClient, desk: Desk
) -> None:
    made = ok(api.post(f"{API}/users/{desk.agent.id}/tokens", headers=desk.agent.auth,
                       json={"name": "mine"}), 201)
    theirs = ok(api.post(f"{API}/users/{desk.agent2.id}/tokens", headers=desk.admin.auth,
                         json={"name": "kim's"}), 201)
    assert api.post(f"{API}/users/{desk.agent2.id}/tokens", headers=desk.agent.auth,
                    json={"name": "for kim"}).status_code == 404
    assert api.delete(f"{API}/tokens/{theirs['id']}", headers=desk.agent.auth).status_code == 404
    assert api.get(f"{API}/tokens", headers=desk.agent.auth,
                   params={"user_id": desk.agent2.id}).status_code == 404
    assert ok(api.delete(f"{API}/tokens/{made['id']}", headers=desk.agent.auth))["revoked_at"]


@pytest.mark.parametrize("who", ["agent", "lead", "ann"])
def test_only_an_admin_may_administer_accounts(api: TestClient, desk: Desk, who: str) -> None:
    caller = getattr(desk, who).auth
    team = ok(api.post(f"{API}/teams", headers=desk.admin.auth, json={"name": "Care"}), 201)
    target = desk.agent2.id
    attempts = [
        api.post(f"{API}/users", headers=caller, json={"name": "Eve", "email": "eve@x.test",
                                                        "role": "admin"}),
        api.put(f"{API}/users/{target}/role", headers=caller, json={"role": "admin"}),
        api.put(f"{API}/users/{target}/team", headers=caller, json={"team_id": team["id"]}),
        api.post(f"{API}/users/{target}/deactivate", headers=caller),
        api.post(f"{API}/users/{target}/reactivate", headers=caller),
        api.get(f"{API}/users/{target}/audit", headers=caller),
        api.post(f"{API}/teams", headers=caller, json={"name": "Mine"}),
        api.put(f"{API}/teams/{team['id']}", headers=caller, json={"name": "Taken over"}),
    ]
    assert [a.status_code for a in attempts] == [403] * len(attempts)
    after = ok(api.get(f"{API}/users/{target}", headers=desk.admin.auth))
    assert (after["role"], after["team_id"], after["active"]) == ("agent", None, True)
    assert ok(api.get(f"{API}/teams", headers=desk.admin.auth))[0]["name"] == "Care"
