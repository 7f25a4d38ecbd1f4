"""Fixtures for the REST API tests: the app on the shared test database (SQLite, and
PostgreSQL in CI) and a small desk with one login per role, each with an API token.

Test modules import the fixtures they use (registered under the names `api` and `desk`):
`from api_support import api_fixture, desk_fixture  # noqa: F401`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from frontliner.config import Settings
from frontliner.desk import customers, users
from frontliner.desk.model import Role
from frontliner.store.uow import SqlUnitOfWork
from frontliner.web.app import create_app
from frontliner.web.storage import ping_engine
from frontliner.web.tokens import issue_token

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

PASSWORD = "a long enough password"
API = "/api/v1"


@dataclass
class Login:
    id: int
    email: str
    token: str
    customer_id: int | None = None

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Desk:
    admin: Login
    lead: Login
    agent: Login
    agent2: Login
    ann: Login  # customer login
    bob: Login  # another customer's login


def make_app(database_url: str, factory: Callable[[], SqlUnitOfWork], engine: Engine) -> Any:
    settings = Settings(
        environment="test",
        database_url=database_url,
        upgrade_on_start=False,
        secret_key=SecretStr("test-secret-key-not-for-production"),
    )
    return create_app(settings, uow_factory=factory, health_check=lambda: ping_engine(engine))


@pytest.fixture(name="api")
def api_fixture(
    database_url: str, uow_factory: Callable[[], SqlUnitOfWork], engine: Engine
) -> Iterator[TestClient]:
    with TestClient(make_app(database_url, uow_factory, engine)) as client:
        yield client


def _login(
    uow: SqlUnitOfWork,
    name: str,
    email: str,
    role: Role,
    password: str | None = None,
    **extra: Any,
) -> Login:
    # Only the logins the session tests use get a password: argon2 is slow on purpose.
    user = users.create_user(
        uow, None, name=name, email=email, role=role, password=password, **extra
    )
    assert user.id is not None
    token = issue_token(uow, None, user.id, "tests")
    return Login(id=user.id, email=email, token=token.secret, customer_id=user.customer_id)


@pytest.fixture(name="desk")
def desk_fixture(uow_factory: Callable[[], SqlUnitOfWork]) -> Desk:
    """Admin, lead, two agents (one with the billing skill) and two customers with logins;
    the lead and the second agent also have the password PASSWORD."""
    with uow_factory() as uow:
        ann_record = customers.create_customer(uow, None, "Ann Lee", ["ann@example.com"])
        bob_record = customers.create_customer(uow, None, "Bob Roe", ["bob@example.com"])
        built = Desk(
            admin=_login(uow, "Ada Admin", "ada@desk.test", Role.ADMIN),
            lead=_login(uow, "Lee Lead", "lee@desk.test", Role.LEAD, PASSWORD),
            agent=_login(uow, "Sam Agent", "sam@desk.test", Role.AGENT, skills=["billing"]),
            agent2=_login(uow, "Kim Agent", "kim@desk.test", Role.AGENT, PASSWORD),
            ann=_login(uow, "Ann Lee", "ann@example.com", Role.CUSTOMER, customer_id=ann_record.id),
            bob=_login(uow, "Bob Roe", "bob@example.com", Role.CUSTOMER, customer_id=bob_record.id),
        )
        uow.commit()
    return built


def open_case(client: TestClient, who: Login, **fields: Any) -> dict[str, Any]:
    body = {
        "nature": "charged twice for one order",
        "customer_name": "Ann Lee",
        "contact": "ann@example.com",
        **fields,
    }
    response = client.post(f"{API}/cases", json=body, headers=who.auth)
    assert response.status_code == 201, response.text
    case: dict[str, Any] = response.json()
    return case


def error(response: Any) -> dict[str, Any]:
    """The error object every failed response carries."""
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "details"} <= set(body["error"]), body
    return body["error"]


_CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


def log_in(client: TestClient, email: str) -> str:
    """Log in through the form; the session's CSRF token."""
    token = _CSRF_META.search(client.get("/login").text)
    assert token is not None
    page = client.post("/login", data={"email": email, "password": PASSWORD,
                                       "csrf_token": token.group(1)})
    assert page.status_code == 200, page.text
    after = _CSRF_META.search(page.text)
    assert after is not None and after.group(1) != token.group(1)  # renewed at login
    return str(after.group(1))
