"""Authentication over HTTP: tokens, sessions, and the shape of every error."""

from __future__ import annotations

from typing import Any

from api_support import API, PASSWORD, Desk, api_fixture, desk_fixture, error  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient


def test_health_check_reports_the_database(api: TestClient) -> None:
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_openapi_lists_the_api(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert f"{API}/cases" in paths and f"{API}/cases/{{ref}}/escalate" in paths


def test_no_credentials_is_401_with_a_json_error(api: TestClient, desk: Desk) -> None:
    response = api.get(f"{API}/cases")
    assert response.status_code == 401
    assert error(response)["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


def test_unknown_or_malformed_token_is_401(api: TestClient, desk: Desk) -> None:
    for header in ("Bearer fl_not-a-real-token-at-all-000000", "Basic abc", "Bearer "):
        response = api.get(f"{API}/auth/me", headers={"Authorization": header})
        assert response.status_code == 401, header


def test_token_identifies_its_user(api: TestClient, desk: Desk) -> None:
    response = api.get(f"{API}/auth/me", headers=desk.agent.auth)
    assert response.status_code == 200
    assert response.json()["email"] == "sam@desk.test"
    assert "password_hash" not in response.json()


def test_new_token_is_shown_once_and_works(api: TestClient, desk: Desk) -> None:
    created = api.post(f"{API}/auth/tokens", json={"name": "laptop"}, headers=desk.lead.auth)
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("fl_") and created.json()["prefix"] == secret[:10]
    me = api.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["email"] == "lee@desk.test"
    listed = api.get(f"{API}/auth/tokens", headers=desk.lead.auth).json()
    assert {t["name"] for t in listed} == {"tests", "laptop"}
    assert all(t["last_used_at"] is not None for t in listed)  # both were just used
    assert all("token" not in t and "token_hash" not in t for t in listed)


def test_revoked_token_is_refused(api: TestClient, desk: Desk) -> None:
    created = api.post(f"{API}/auth/tokens", json={"name": "old"}, headers=desk.agent.auth).json()
    auth = {"Authorization": f"Bearer {created['token']}"}
    assert api.get(f"{API}/auth/me", headers=auth).status_code == 200
    revoked = api.delete(f"{API}/auth/tokens/{created['id']}", headers=desk.agent.auth)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert api.get(f"{API}/auth/me", headers=auth).status_code == 401


def test_someone_elses_token_cannot_be_revoked(api: TestClient, desk: Desk) -> None:
    created = api.post(f"{API}/auth/tokens", json={"name": "mine"}, headers=desk.agent.auth).json()
    response = api.delete(f"{API}/auth/tokens/{created['id']}", headers=desk.agent2.auth)
    assert response.status_code == 404
    mine = {"Authorization": f"Bearer {created['token']}"}
    assert api.get(f"{API}/auth/me", headers=mine).status_code == 200


def test_session_login_and_logout(api: TestClient, desk: Desk) -> None:
    login = api.post(f"{API}/auth/login", json={"email": "Lee@Desk.test", "password": PASSWORD})
    assert login.status_code == 200
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert api.get(f"{API}/auth/me").json()["email"] == "lee@desk.test"
    assert api.post(f"{API}/auth/logout").status_code == 204
    assert api.get(f"{API}/auth/me").status_code == 401


def test_wrong_password_and_unknown_email_get_the_same_answer(api: TestClient, desk: Desk) -> None:
    wrong = api.post(f"{API}/auth/login", json={"email": "lee@desk.test", "password": "nope"})
    unknown = api.post(f"{API}/auth/login", json={"email": "who@desk.test", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert error(wrong)["message"] == error(unknown)["message"] == "Wrong e-mail or password."
    assert api.get(f"{API}/auth/me").status_code == 401


def test_changing_the_password_ends_older_sessions(api: TestClient, desk: Desk) -> None:
    api.post(f"{API}/auth/login", json={"email": "kim@desk.test", "password": PASSWORD})
    assert api.get(f"{API}/auth/me").status_code == 200
    changed = api.put(
        f"{API}/users/{desk.agent2.id}/password",
        json={"password": "another long password"},
        headers=desk.admin.auth,
    )
    assert changed.status_code == 204
    assert api.get(f"{API}/auth/me").status_code == 401


def test_deactivated_users_token_stops_working(api: TestClient, desk: Desk) -> None:
    response = api.post(f"{API}/users/{desk.agent2.id}/deactivate", headers=desk.admin.auth)
    assert response.status_code == 200 and response.json()["active"] is False
    assert api.get(f"{API}/auth/me", headers=desk.agent2.auth).status_code == 401


def test_bad_body_is_422_naming_each_field(api: TestClient, desk: Desk) -> None:
    response = api.post(f"{API}/auth/login", json={"email": "x@y.z", "extra": 1})
    assert response.status_code == 422
    body = error(response)
    fields = {d["field"] for d in body["details"]}
    assert fields == {"password", "extra"}
    assert "password: is required" in body["message"]


def test_unknown_route_is_a_json_404(api: TestClient) -> None:
    response = api.get(f"{API}/no-such-thing")
    assert response.status_code == 404
    assert error(response)["code"] == "not_found"


def test_a_crash_answers_500_without_internals(api: TestClient) -> None:
    app = api.app

    @app.get("/boom")  # type: ignore[attr-defined, untyped-decorator]
    def boom() -> None:
        raise RuntimeError("SELECT secret FROM internals")

    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/boom")
    assert response.status_code == 500
    assert "secret" not in response.text and "SELECT" not in response.text
    assert error(response)["code"] == "internal"


def test_an_oversized_body_is_refused_before_parsing(api: TestClient, desk: Desk) -> None:
    huge = '{"nature": "' + "x" * (3 * 1024 * 1024) + '"}'
    response = api.post(
        f"{API}/cases",
        content=huge,
        headers={**desk.agent.auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert error(response)["code"] == "too_large"
    assert api.get(f"{API}/cases", headers=desk.agent.auth).json()["items"] == []


def test_an_oversized_chunked_body_is_refused_too(api: TestClient, desk: Desk) -> None:
    def chunks() -> Any:
        piece = b"x" * (256 * 1024)
        yield b'{"nature": "'
        for _ in range(12):
            yield piece
        yield b'"}'

    response = api.post(
        f"{API}/cases",
        content=chunks(),
        headers={**desk.agent.auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert error(response)["code"] == "too_large"
