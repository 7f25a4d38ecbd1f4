"""Sessions kept on the server and the sign-in throttle, over HTTP (issue 12: items 4, 5,
13, and the per-process throttle of 15).

Each test signs in as a person would and checks what they, or someone holding a copy of
their cookie, would notice. Clients at different addresses are TestClients with their
own `client` address.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from api_support import API, PASSWORD, Desk, desk_fixture, error  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from frontliner.config import Settings
from frontliner.desk import accounts
from frontliner.store.session_tables import web_sessions
from frontliner.store.uow import SqlUnitOfWork
from frontliner.web.app import create_app
from frontliner.web.sessions import SESSION_COOKIE
from frontliner.web.storage import ping_engine
from frontliner.web.throttle import SignInThrottle

Factory = Callable[[], SqlUnitOfWork]
NEW_PASSWORD = "another long enough password"


@pytest.fixture
def make_app(database_url: str, uow_factory: Factory, engine: Engine) -> Callable[..., Any]:
    """A new app process on the shared database (each call: its own memory)."""

    def make(**overrides: Any) -> Any:
        settings = Settings(environment="test", database_url=database_url,
                            upgrade_on_start=False,
                            secret_key=SecretStr("test-secret-key-not-for-production"),
                            **overrides)
        return create_app(settings, uow_factory=uow_factory,
                          health_check=lambda: ping_engine(engine))

    return make


@pytest.fixture
def at(make_app: Callable[..., Any]) -> Iterator[Callable[..., TestClient]]:
    """`at("10.0.0.1")`: a browser at that client address (one app unless given one)."""
    app, opened = make_app(), []

    def client(address: str, on: Any = None, **kw: Any) -> TestClient:
        made = TestClient(on or app, client=(address, 50000), **kw)
        made.__enter__()
        opened.append(made)
        return made

    yield client
    for made in opened:
        made.__exit__(None, None, None)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return client.post(f"{API}/auth/login", json={"email": email, "password": password})


def me(client: TestClient, **headers: str) -> int:
    return client.get(f"{API}/auth/me", headers=headers).status_code


def copy_of(client: TestClient, at: Callable[..., TestClient], address: str) -> TestClient:
    """Another browser holding a copy of `client`'s session cookie."""
    thief = at(address)
    thief.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
    return thief


# --- sessions ------------------------------------------------------------------------


def test_logout_ends_the_session_on_the_server_so_a_copied_cookie_stops_working(
    at: Callable[..., TestClient], desk: Desk
) -> None:
    owner = at("10.0.0.1")
    assert sign_in(owner, "lee@desk.test").status_code == 200
    thief = copy_of(owner, at, "10.6.6.6")
    assert me(thief) == 200
    assert owner.post(f"{API}/auth/logout").status_code == 204
    assert me(owner) == 401
    refused = thief.get(f"{API}/auth/me")
    assert refused.status_code == 401
    assert "session has ended" in error(refused)["message"]


def test_the_cookie_holds_only_a_random_id_marked_http_only_and_same_site(
    at: Callable[..., TestClient], desk: Desk, engine: Engine
) -> None:
    answer = sign_in(at("10.0.0.1"), "lee@desk.test")
    header = answer.headers["set-cookie"]
    value = header.split(";", 1)[0].split("=", 1)[1]
    decoded = base64.urlsafe_b64decode(value.split(".")[0] + "==")
    assert b"uid" not in decoded  # no readable contents
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value)  # 32 random bytes, nothing else
    assert "; HttpOnly" in header and "; SameSite=Lax" in header
    assert "Secure" not in header  # plain HTTP here; see the next assertion for HTTPS
    with engine.connect() as connection:
        stored = connection.scalars(sa.select(web_sessions.c.token_hash)).all()
    assert stored == [hashlib.sha256(value.encode()).hexdigest()]  # the id itself is not kept
    over_tls = sign_in(at("10.0.0.2", base_url="https://testserver"), "lee@desk.test")
    assert "; Secure" in over_tls.headers["set-cookie"]


def test_sign_out_everywhere_ends_every_session_and_on_request_every_api_token(
    at: Callable[..., TestClient], desk: Desk
) -> None:
    laptop, phone = at("10.0.0.1"), at("10.0.0.2")
    for browser in (laptop, phone):
        assert sign_in(browser, "lee@desk.test").status_code == 200
    answer = phone.post(f"{API}/auth/sign-out-everywhere", json={"tokens": True})
    assert answer.status_code == 204
    assert me(laptop) == 401 and me(phone) == 401
    assert me(laptop, **desk.lead.auth) == 401  # the API token issued before
    listed = sign_in(laptop, "lee@desk.test")
    assert listed.status_code == 200  # signing in again works at once
    tokens = laptop.get(f"{API}/auth/tokens").json()
    assert tokens and all(t["revoked_at"] is not None for t in tokens)


def test_sign_out_everywhere_without_tokens_keeps_the_api_tokens(
    at: Callable[..., TestClient], desk: Desk
) -> None:
    laptop = at("10.0.0.1")
    assert sign_in(laptop, "kim@desk.test").status_code == 200
    assert laptop.post(f"{API}/auth/sign-out-everywhere", json={}).status_code == 204
    assert me(laptop) == 401
    assert me(laptop, **desk.agent2.auth) == 200


def test_deactivation_ends_sessions_and_tokens_for_good_even_after_reactivation(
    at: Callable[..., TestClient], desk: Desk
) -> None:
    kim, admin = at("10.0.0.1"), at("10.0.0.9")
    assert sign_in(kim, "kim@desk.test").status_code == 200
    deactivated = admin.post(f"{API}/users/{desk.agent2.id}/deactivate", headers=desk.admin.auth)
    assert deactivated.status_code == 200
    assert me(kim) == 401
    back = admin.post(f"{API}/users/{desk.agent2.id}/reactivate", headers=desk.admin.auth)
    assert back.status_code == 200
    assert me(kim) == 401 and me(admin, **desk.agent2.auth) == 401
    assert sign_in(kim, "kim@desk.test").status_code == 200  # a new sign-in works


def test_a_new_password_ends_earlier_sessions_and_api_tokens(
    at: Callable[..., TestClient], desk: Desk, uow_factory: Factory
) -> None:
    lee = at("10.0.0.1")
    assert sign_in(lee, "lee@desk.test").status_code == 200
    with uow_factory() as uow:  # the admin sets it (or the operator's CLI)
        accounts.set_password(uow, None, desk.lead.id, NEW_PASSWORD)
        uow.commit()
    assert me(lee) == 401 and me(lee, **desk.lead.auth) == 401
    assert sign_in(lee, "lee@desk.test", NEW_PASSWORD).status_code == 200


def test_a_session_unused_past_the_idle_timeout_ends(
    at: Callable[..., TestClient], desk: Desk, engine: Engine
) -> None:
    lee = at("10.0.0.1")
    assert sign_in(lee, "lee@desk.test").status_code == 200
    assert me(lee) == 200
    long_ago = datetime.now(UTC) - timedelta(minutes=241)  # the default idle timeout is 240
    with engine.begin() as connection:
        connection.execute(sa.update(web_sessions).values(last_seen_at=long_ago))
    assert me(lee) == 401


# --- the sign-in throttle --------------------------------------------------------------


def test_wrong_passwords_from_elsewhere_never_lock_the_owner_out_of_their_usual_place(
    at: Callable[..., TestClient], desk: Desk
) -> None:
    home = at("10.0.0.1")
    assert sign_in(home, "lee@desk.test").status_code == 200  # home is a usual place now
    home.post(f"{API}/auth/logout")
    attacker = at("10.6.6.6")
    answers = [sign_in(attacker, "lee@desk.test", "guess").status_code for _ in range(12)]
    assert answers == [401] * 5 + [429] * 7
    # Forty more guesses, each from a different address (a botnet).
    for n in range(40):
        sign_in(at(f"10.7.0.{n}"), "lee@desk.test", "guess")
    assert sign_in(home, "lee@desk.test").status_code == 200
    elsewhere = sign_in(at("10.8.0.1"), "lee@desk.test")  # right password, unknown place
    assert elsewhere.status_code == 429
    assert "Forgot your password?" in error(elsewhere)["message"]


def test_one_client_trying_many_addresses_is_refused_with_retry_after(
    at: Callable[..., TestClient], desk: Desk
) -> None:
    sprayer = at("10.6.6.6")
    answers = [sign_in(sprayer, f"person{n}@example.org", "Summer2026!").status_code
               for n in range(10)]
    assert answers == [401] * 10
    refused = sign_in(sprayer, "lee@desk.test", "Summer2026!")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert error(refused)["details"]["retry_after_seconds"] == int(refused.headers["retry-after"])
    assert "different addresses" in error(refused)["message"]
    assert sign_in(at("10.0.0.1"), "lee@desk.test").status_code == 200  # others unaffected


def test_failed_sign_ins_are_counted_by_every_app_process(
    at: Callable[..., TestClient], make_app: Callable[..., Any], desk: Desk
) -> None:
    first, second = make_app(), make_app()
    for _ in range(5):
        assert sign_in(at("10.6.6.6", on=first), "lee@desk.test", "guess").status_code == 401
    refused = sign_in(at("10.6.6.6", on=second), "lee@desk.test", PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0


def test_link_requests_are_counted_by_every_app_process(
    at: Callable[..., TestClient], make_app: Callable[..., Any], desk: Desk
) -> None:
    first = make_app(access_link_rate_per_client="2/hour")
    second = make_app(access_link_rate_per_client="2/hour")
    body = {"email": "ann@example.com", "purpose": "sign_in"}
    for app in (first, second):
        assert at("10.6.6.6", on=app).post(f"{API}/auth/links", json=body).status_code == 202
    refused = at("10.6.6.6", on=first).post(f"{API}/auth/links", json=body)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0


def test_the_wait_after_the_free_failures_doubles_with_each_failure(
    uow_factory: Factory, desk: Desk
) -> None:
    throttle = SignInThrottle(Settings(environment="test"))  # 5 free, then 30 s, 60 s, ...
    t0, client = datetime(2026, 3, 2, 9, 30, tzinfo=UTC), "10.6.6.6"
    with uow_factory() as uow:
        db = uow.session
        for n in range(5):
            assert throttle.check(db, "lee@desk.test", client, t0 + timedelta(seconds=n)) is None
            throttle.failed(db, "lee@desk.test", client, t0 + timedelta(seconds=n))
        waiting = throttle.check(db, "lee@desk.test", client, t0 + timedelta(seconds=5))
        assert waiting is not None and waiting.seconds == 29  # 30 s after the 5th failure
        assert throttle.check(db, "lee@desk.test", client, t0 + timedelta(seconds=34)) is None
        throttle.failed(db, "lee@desk.test", client, t0 + timedelta(seconds=34))
        longer = throttle.check(db, "lee@desk.test", client, t0 + timedelta(seconds=35))
        assert longer is not None and longer.seconds == 59  # now 60 s
        assert throttle.check(db, "kim@desk.test", client, t0 + timedelta(seconds=35)) is None
        assert throttle.check(db, "lee@desk.test", "10.0.0.1",
                              t0 + timedelta(seconds=35)) is None
