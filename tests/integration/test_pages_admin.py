"""The admin pages and "My account" over HTTP (no browser): who may open them, adding
and changing users, teams and their members, API tokens shown once and revoked."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from api_support import API, PASSWORD, Desk, api_fixture, desk_fixture  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient

from frontliner.desk import users
from frontliner.desk.model import AccessLink, AccessPurpose, Team, User
from frontliner.store.uow import SqlUnitOfWork

_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
_SECRET = re.compile(r'id="token-secret"[^>]*value="(fl_[^"]+)"')


def csrf(client: TestClient, path: str = "/login") -> str:
    found = _TOKEN.search(client.get(path).text)
    assert found is not None
    return found.group(1)


def log_in(client: TestClient, email: str) -> str:
    page = client.post("/login", data={"email": email, "password": PASSWORD,
                                       "csrf_token": csrf(client)})
    assert page.status_code == 200, page.text
    return csrf(client, "/account/tokens")


@pytest.fixture
def admin_client(api: TestClient, desk: Desk,
                 uow_factory: Callable[[], SqlUnitOfWork]) -> tuple[TestClient, str]:
    with uow_factory() as uow:
        users.set_password(uow, None, desk.admin.id, PASSWORD)
        uow.commit()
    return api, log_in(api, "ada@desk.test")


def user_by_email(factory: Callable[[], SqlUnitOfWork], email: str) -> User:
    with factory() as uow:
        [found] = uow.find(User, limit=1, email=email)
        return found


def test_only_admins_open_the_admin_pages(api: TestClient, desk: Desk) -> None:
    anonymous = api.get("/admin/users", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    log_in(api, "lee@desk.test")  # a lead
    assert api.get("/admin/users").status_code == 403
    assert api.get("/admin/teams").status_code == 403
    assert api.get("/account/tokens").status_code == 200  # their own account is theirs


def test_admin_finds_adds_and_changes_a_user_and_each_change_is_in_the_trail(
    admin_client: tuple[TestClient, str], desk: Desk,
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    client, token = admin_client
    found = client.get("/admin/users", params={"role": "agent", "q": "kim"}).text
    assert "kim@desk.test" in found and "sam@desk.test" not in found

    added = client.post("/admin/users", data={
        "name": "Rosa Reyes", "email": "rosa@desk.test", "role": "agent",
        "skills": "Refunds, billing", "invite": "on", "csrf_token": token})
    assert added.status_code == 200 and "Rosa Reyes was added" in added.text
    rosa = user_by_email(uow_factory, "rosa@desk.test")
    assert rosa.skills == ["refunds", "billing"] and rosa.password_hash is None
    with uow_factory() as uow:
        [invite] = uow.find(AccessLink, limit=5, email="rosa@desk.test")
        assert invite.purpose == AccessPurpose.PASSWORD_RESET and invite.deliverable

    again = client.post("/admin/users", data={"name": "Rosa Two", "email": "rosa@desk.test",
                                              "role": "agent", "csrf_token": token})
    assert again.status_code == 409 and 'value="Rosa Two"' in again.text
    customer = client.post("/admin/users", data={"name": "Cy", "email": "cy@example.com",
                                                 "role": "customer", "csrf_token": token})
    assert customer.status_code == 422 and "e-mailed link" in customer.text

    base = f"/admin/users/{rosa.id}"
    client.post(f"{base}/role", data={"role": "lead", "csrf_token": token})
    client.post(f"{base}/skills", data={"skills": "returns", "csrf_token": token})
    off = client.post(f"{base}/deactivate", data={"csrf_token": token})
    assert "Deactivated" in off.text
    assert user_by_email(uow_factory, "rosa@desk.test").active is False
    on = client.post(f"{base}/reactivate", data={"csrf_token": token})
    assert "Reactivated" in on.text
    rosa = user_by_email(uow_factory, "rosa@desk.test")
    assert (rosa.role.value, rosa.skills, rosa.active) == ("lead", ["returns"], True)
    page = client.get(base).text
    for words in ("user added", "role changed", "skills changed", "deactivated", "reactivated"):
        assert words in page


def test_admin_cannot_deactivate_themself(admin_client: tuple[TestClient, str],
                                          desk: Desk) -> None:
    client, token = admin_client
    refused = client.post(f"/admin/users/{desk.admin.id}/deactivate", data={"csrf_token": token})
    assert refused.status_code == 403 and "cannot deactivate yourself" in refused.text


def test_a_token_created_on_a_users_page_is_shown_once_works_and_can_be_revoked(
    admin_client: tuple[TestClient, str], desk: Desk,
) -> None:
    client, token = admin_client
    made = client.post(f"/admin/users/{desk.agent.id}/tokens",
                       data={"name": "reporting", "csrf_token": token})
    assert made.status_code == 201
    found = _SECRET.search(made.text)
    assert found is not None
    secret = found.group(1)
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"{API}/auth/me", headers=bearer).json()["id"] == desk.agent.id
    later = client.get(f"/admin/users/{desk.agent.id}").text
    assert secret not in later and secret[:10] in later  # listed by its prefix only

    # The admin's session asks (setting their password ended their earlier API token).
    listed = client.get(f"{API}/tokens", params={"user_id": desk.agent.id}).json()["items"]
    token_id = next(t["id"] for t in listed if t["name"] == "reporting")
    client.post(f"/admin/users/{desk.agent.id}/tokens/{token_id}/revoke",
                data={"csrf_token": token})
    assert client.get(f"{API}/auth/me", headers=bearer).status_code == 401


def test_admin_adds_renames_and_fills_a_team(
    admin_client: tuple[TestClient, str], desk: Desk,
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    client, token = admin_client
    client.post("/admin/teams", data={"name": "Returns", "csrf_token": token})
    with uow_factory() as uow:
        [team] = uow.find(Team, limit=1, name="Returns")
    base = f"/admin/teams/{team.id}"
    duplicate = client.post("/admin/teams", data={"name": "Returns", "csrf_token": token})
    assert duplicate.status_code == 409
    client.post(f"{base}/name", data={"name": "Returns desk", "csrf_token": token})
    client.post(f"{base}/members", data={"email": "sam@desk.test", "csrf_token": token})
    nobody = client.post(f"{base}/members", data={"email": "nobody@desk.test",
                                                  "csrf_token": token})
    assert nobody.status_code == 422 and 'value="nobody@desk.test"' in nobody.text
    page = client.get(base).text
    assert "Team Returns desk" in page and "Sam Agent" in page
    assert user_by_email(uow_factory, "sam@desk.test").team_id == team.id
    client.post(f"{base}/members/{desk.agent.id}/remove", data={"csrf_token": token})
    assert user_by_email(uow_factory, "sam@desk.test").team_id is None


def test_anyone_manages_their_own_tokens_but_not_someone_elses(
    api: TestClient, desk: Desk
) -> None:
    others = api.post(f"{API}/auth/tokens", headers=desk.agent.auth, json={"name": "sam's"})
    token = log_in(api, "kim@desk.test")
    made = api.post("/account/tokens", data={"name": "my laptop", "csrf_token": token})
    assert made.status_code == 201 and _SECRET.search(made.text) is not None
    assert "sam's" not in made.text
    stolen = api.post(f"/account/tokens/{others.json()['id']}/revoke",
                      data={"csrf_token": token})
    assert stolen.status_code == 404
    assert api.get(f"{API}/auth/me", headers=desk.agent.auth).status_code == 200
