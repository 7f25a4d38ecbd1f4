"""E-mailed links over HTTP (no browser): passwordless portal sign-in for a customer who
never had a login, password reset, and what neither may reveal. The mail is taken from
the outbox the worker sends from (the real SMTP path is in tests/browser)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from api_support import PASSWORD, Desk, desk_fixture  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from frontliner.channels.email import access_mail
from frontliner.channels.email.outbox import collect
from frontliner.config import Settings
from frontliner.desk import customers
from frontliner.desk.model import AccessLink, Role, User
from frontliner.store.outbound_tables import outbound_mail
from frontliner.store.uow import SqlUnitOfWork
from frontliner.web.app import create_app
from frontliner.web.redact import redact
from frontliner.web.storage import ping_engine

_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
_LINK = re.compile(r"http://desk\.test(/\S+)")
SAME_ANSWER = "is an address we know, a link is on its way"


def settings_for(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"secret_key": SecretStr("access-test-secret"),
                              "public_url": "http://desk.test", "mail_domain": "desk.test",
                              **overrides}
    return Settings(environment="test", database_url=database_url, upgrade_on_start=False,
                    **values)


@pytest.fixture
def make_client(database_url: str, uow_factory: Callable[[], SqlUnitOfWork],
                engine: Engine) -> Iterator[Callable[..., TestClient]]:
    opened: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        app = create_app(settings_for(database_url, **overrides), uow_factory=uow_factory,
                         health_check=lambda: ping_engine(engine))
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def csrf(client: TestClient, path: str) -> str:
    found = _TOKEN.search(client.get(path).text)
    assert found is not None
    return found.group(1)


def ask(client: TestClient, path: str, email: str) -> Any:
    return client.post(path, data={"email": email, "csrf_token": csrf(client, path)})


def mailed(factory: Callable[[], SqlUnitOfWork], settings: Settings) -> list[dict[str, Any]]:
    """What the worker would send now: the outbox rows, with their links put in."""
    collect(factory, settings)
    with factory() as uow:
        rows = uow.session.execute(sa.select(outbound_mail).where(
            outbound_mail.c.access_link_id.is_not(None)).order_by(outbound_mail.c.id))
        return [dict(row) for row in rows.mappings()]


def link_in(row: dict[str, Any], settings: Settings) -> str:
    found = _LINK.search(access_mail.with_link(row, settings)["body"])
    assert found is not None, row["body"]
    return found.group(1)


def add_customer_without_login(factory: Callable[[], SqlUnitOfWork], name: str,
                               email: str) -> int:
    with factory() as uow:
        record = customers.create_customer(uow, None, name, [email])
        uow.commit()
        assert record.id is not None
        return record.id


def login_of(factory: Callable[[], SqlUnitOfWork], email: str) -> User | None:
    with factory() as uow:
        found = uow.find(User, limit=1, email=email)
        return found[0] if found else None


def test_customer_with_no_login_signs_in_by_emailed_link_and_gets_a_login_only_then(
    make_client: Callable[..., TestClient], database_url: str,
    uow_factory: Callable[[], SqlUnitOfWork], desk: Desk,
) -> None:
    cara = add_customer_without_login(uow_factory, "Cara Diaz", "cara@example.com")
    client = make_client()
    answer = ask(client, "/portal/sign-in", "Cara@Example.com ")
    assert answer.status_code == 200 and SAME_ANSWER in answer.text
    assert login_of(uow_factory, "cara@example.com") is None  # not before the link is used

    settings = settings_for(database_url)
    [row] = mailed(uow_factory, settings)
    assert row["to_address"] == "cara@example.com" and row["kind"] == "sign_in_link"
    path = link_in(row, settings)
    token = path.rsplit("/", 1)[1]
    assert token not in row["body"]  # the outbox keeps no working link
    with uow_factory() as uow:
        stored = uow.find(AccessLink, limit=5)
        assert [s.token_hash for s in stored] == [access_mail.token_hash(token)]

    opened = client.get(path)  # a mail scanner's GET signs nobody in
    assert opened.status_code == 200 and ">Sign in</button>" in opened.text
    assert login_of(uow_factory, "cara@example.com") is None
    signed_in = client.post(path, data={"csrf_token": csrf(client, path)},
                            follow_redirects=False)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/portal"
    login = login_of(uow_factory, "cara@example.com")
    assert login is not None and login.role == Role.CUSTOMER and login.customer_id == cara
    assert login.password_hash is None
    assert "My cases" in client.get("/portal").text

    again = make_client().get(path)
    assert again.status_code == 404 and "expired or was already used" in again.text


def test_unknown_and_staff_addresses_get_the_same_answer_and_no_mail(
    make_client: Callable[..., TestClient], database_url: str,
    uow_factory: Callable[[], SqlUnitOfWork], desk: Desk,
) -> None:
    client = make_client()
    pages = [ask(client, "/portal/sign-in", email)
             for email in ("ann@example.com", "nobody@example.com", "sam@desk.test")]
    assert [p.status_code for p in pages] == [200, 200, 200]
    bodies = {p.text.replace(email, "ADDRESS") for p, email in
              zip(pages, ("ann@example.com", "nobody@example.com", "sam@desk.test"), strict=True)}
    assert len(bodies) == 1  # word for word the same page
    rows = mailed(uow_factory, settings_for(database_url))
    assert [r["to_address"] for r in rows] == ["ann@example.com"]


def test_password_reset_sets_the_password_ends_old_sessions_and_works_once(
    make_client: Callable[..., TestClient], database_url: str,
    uow_factory: Callable[[], SqlUnitOfWork], desk: Desk,
) -> None:
    old_session = make_client()
    old_session.post("/login", data={"email": "kim@desk.test", "password": PASSWORD,
                                     "csrf_token": csrf(old_session, "/login")})
    assert old_session.get("/work").status_code == 200

    client = make_client()
    assert ask(client, "/forgot", "kim@desk.test").status_code == 200
    settings = settings_for(database_url)
    [row] = mailed(uow_factory, settings)
    assert row["kind"] == "password_reset" and row["to_address"] == "kim@desk.test"
    path = link_in(row, settings)
    assert path.startswith("/reset/")

    form = client.get(path)
    assert form.status_code == 200 and "Choose a new password" in form.text
    token = csrf(client, path)
    differ = client.post(path, data={"password": "a brand new secret", "repeat": "something",
                                     "csrf_token": token})
    assert differ.status_code == 422 and "differ" in differ.text
    weak = client.post(path, data={"password": "short", "repeat": "short", "csrf_token": token})
    assert weak.status_code == 422 and "at least 10 characters" in weak.text
    done = client.post(path, data={"password": "a brand new secret",
                                   "repeat": "a brand new secret", "csrf_token": token},
                       follow_redirects=False)
    assert done.status_code == 303
    assert client.get("/work").status_code == 200  # signed in with the new password

    ended = old_session.get("/work", follow_redirects=False)
    assert ended.status_code == 303 and ended.headers["location"].startswith("/login")
    assert make_client().get(path).status_code == 404
    fresh = make_client()
    logged = fresh.post("/login", data={"email": "kim@desk.test", "password": "a brand new secret",
                                        "csrf_token": csrf(fresh, "/login")})
    assert logged.status_code == 200 and "Wrong e-mail or password" not in logged.text


def test_customer_without_login_can_set_a_password_by_reset_link(
    make_client: Callable[..., TestClient], database_url: str,
    uow_factory: Callable[[], SqlUnitOfWork], desk: Desk,
) -> None:
    add_customer_without_login(uow_factory, "Dev Patel", "dev@example.com")
    client = make_client()
    ask(client, "/forgot", "dev@example.com")
    settings = settings_for(database_url)
    path = link_in(mailed(uow_factory, settings)[0], settings)
    client.post(path, data={"password": "dev's own password", "repeat": "dev's own password",
                            "csrf_token": csrf(client, path)})
    login = login_of(uow_factory, "dev@example.com")
    assert login is not None and login.role == Role.CUSTOMER and login.password_hash


def test_expired_forged_and_superseded_links_do_not_work(
    make_client: Callable[..., TestClient], database_url: str,
    uow_factory: Callable[[], SqlUnitOfWork], desk: Desk,
) -> None:
    client = make_client()
    ask(client, "/portal/sign-in", "ann@example.com")
    ask(client, "/portal/sign-in", "ann@example.com")
    settings = settings_for(database_url)
    first, second = (link_in(row, settings) for row in mailed(uow_factory, settings))
    assert client.get("/portal/sign-in/not-a-token-we-signed").status_code == 404
    forged = access_mail.link_token(1, settings_for(database_url, secret_key=SecretStr("x")))
    assert client.get(f"/portal/sign-in/{forged}").status_code == 404
    assert client.get(f"/reset/{first.rsplit('/', 1)[1]}").status_code == 404  # wrong purpose

    client.post(second, data={"csrf_token": csrf(client, second)})  # using one ends the other
    assert make_client().get(first).status_code == 404

    ask(client, "/portal/sign-in", "ann@example.com")
    third = link_in(mailed(uow_factory, settings)[-1], settings)
    with uow_factory() as uow:
        link = uow.find(AccessLink, limit=1, used_at=None)[0]
        link.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        uow.commit()
    assert make_client().get(third).status_code == 404


def test_requests_over_the_address_limit_answer_the_same_and_send_nothing_more(
    make_client: Callable[..., TestClient], database_url: str,
    uow_factory: Callable[[], SqlUnitOfWork], desk: Desk,
) -> None:
    client = make_client(access_link_rate_per_address="2/hour")
    pages = [ask(client, "/portal/sign-in", "ann@example.com") for _ in range(3)]
    assert [p.status_code for p in pages] == [200, 200, 200]
    assert all(SAME_ANSWER in p.text for p in pages)
    assert len(mailed(uow_factory, settings_for(database_url))) == 2


def test_one_client_asking_too_often_is_told_to_wait(
    make_client: Callable[..., TestClient], desk: Desk,
) -> None:
    client = make_client(access_link_rate_per_client="2/hour")
    answers = [ask(client, "/forgot", f"person{n}@example.com").status_code for n in range(3)]
    assert answers == [200, 200, 429]


def test_a_malformed_address_is_asked_again_with_what_was_typed(
    make_client: Callable[..., TestClient], desk: Desk,
) -> None:
    page = ask(make_client(), "/portal/sign-in", "not an address")
    assert page.status_code == 422 and 'value="not an address"' in page.text


def test_register_leads_to_sign_in_and_the_login_page_links_both_ways(
    make_client: Callable[..., TestClient], desk: Desk,
) -> None:
    client = make_client()
    assert client.get("/register", follow_redirects=False).headers["location"] == \
        "/portal/sign-in"
    login = client.get("/login").text
    assert 'href="/forgot"' in login and 'href="/portal/sign-in"' in login


def test_link_secrets_are_redacted_from_the_access_log() -> None:
    assert redact("GET /portal/sign-in/MQ.abc-def_1 HTTP/1.1") == \
        "GET /portal/sign-in/[redacted] HTTP/1.1"
    assert redact("/reset/MQ.xyz?x=1") == "/reset/[redacted]?x=1"
    assert redact("/portal/cases/FL-1") == "/portal/cases/FL-1"


def test_api_asks_for_a_link_and_signs_in_with_it_once(
    make_client: Callable[..., TestClient], database_url: str,
    uow_factory: Callable[[], SqlUnitOfWork], desk: Desk,
) -> None:
    cara = add_customer_without_login(uow_factory, "Cara Diaz", "cara@example.com")
    client = make_client()
    known = client.post("/api/v1/auth/links", json={"purpose": "sign_in",
                                                   "email": "cara@example.com"})
    unknown = client.post("/api/v1/auth/links", json={"purpose": "sign_in",
                                                     "email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    settings = settings_for(database_url)
    [row] = mailed(uow_factory, settings)
    token = link_in(row, settings).rsplit("/", 1)[1]

    signed = client.post("/api/v1/auth/links/sign-in", json={"token": token})
    assert signed.status_code == 200 and signed.json()["customer_id"] == cara
    assert client.get("/api/v1/auth/me").json()["email"] == "cara@example.com"
    again = make_client().post("/api/v1/auth/links/sign-in", json={"token": token})
    assert again.status_code == 404


def test_api_reset_refuses_a_weak_password_and_keeps_the_link(
    make_client: Callable[..., TestClient], database_url: str,
    uow_factory: Callable[[], SqlUnitOfWork], desk: Desk,
) -> None:
    client = make_client()
    client.post("/api/v1/auth/links", json={"purpose": "password_reset",
                                           "email": "sam@desk.test"})
    settings = settings_for(database_url)
    token = link_in(mailed(uow_factory, settings)[0], settings).rsplit("/", 1)[1]
    weak = client.post("/api/v1/auth/links/reset", json={"token": token, "password": "short"})
    assert weak.status_code == 422
    done = client.post("/api/v1/auth/links/reset",
                       json={"token": token, "password": "sam's new password"})
    assert done.status_code == 200 and done.json()["role"] == "agent"
    logged = make_client().post("/api/v1/auth/login", json={"email": "sam@desk.test",
                                                           "password": "sam's new password"})
    assert logged.status_code == 200
