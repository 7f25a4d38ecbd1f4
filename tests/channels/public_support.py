"""Helpers for the web form and chat tests: an app with chosen public settings on the
shared test database, CSRF tokens from the rendered form, and WebSocket frames read with
a guard so a missing message fails the test instead of hanging it."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from tests.conftest import on_duty

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
    from starlette.testclient import WebSocketTestSession

SECRET = "test-secret-key-not-for-production"
API = "/api/v1"
SHOP = "https://shop.example"  # the site that embeds the chat widget in these tests
GUARD_SECONDS = 15  # not a speed assertion: only how long to wait before calling it lost


@dataclass(frozen=True)
class Login:
    id: int
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class Desk:
    """The few people the public doors need: an agent to own what comes in and answer,
    and a customer login (who must not get the agents' live view)."""

    agent: Login
    ann: Login


def seed_desk(factory: Callable[[], SqlUnitOfWork]) -> Desk:
    """No passwords: argon2 is slow on purpose and these tests log in with tokens."""
    with factory() as uow:
        ann = customers.create_customer(uow, None, "Ann Lee", ["ann@example.com"])
        people = []
        for name, email, role, extra in (
                ("Sam Agent", "sam@desk.test", Role.AGENT, {}),
                ("Ann Lee", "ann@example.com", Role.CUSTOMER, {"customer_id": ann.id})):
            user = users.create_user(uow, None, name=name, email=email, role=role, **extra)
            assert user.id is not None
            if role == Role.AGENT:
                on_duty(user)  # new web-form and chat cases go to Sam
            people.append(Login(user.id, issue_token(uow, None, user.id, "tests").secret))
        uow.commit()
    return Desk(agent=people[0], ann=people[1])


def public_app(database_url: str, factory: Callable[[], SqlUnitOfWork], engine: Engine,
               **overrides: Any) -> Any:
    settings = Settings(environment="test", database_url=database_url,
                        upgrade_on_start=False, secret_key=SecretStr(SECRET),
                        chat_origins=[SHOP], **overrides)
    return create_app(settings, uow_factory=factory, health_check=lambda: ping_engine(engine))


def form_token(client: TestClient) -> str:
    page = client.get("/contact")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def next_frame(ws: WebSocketTestSession) -> dict[str, Any]:
    """The next JSON frame the server sent; raises if the socket closed or nothing came."""

    async def receive() -> Any:
        with anyio.fail_after(GUARD_SECONDS):
            return await ws._send_rx.receive()  # the test client's own queue of frames

    message = ws.portal.call(receive)
    if message["type"] == "websocket.close":
        raise AssertionError(f"socket closed: {message.get('code')} {message.get('reason')}")
    frame: dict[str, Any] = json.loads(message["text"])
    return frame


def frame_until(ws: WebSocketTestSession, kind: str, **match: Any) -> dict[str, Any]:
    """Skip frames until one of `kind` whose fields equal `match`."""
    while True:
        frame = next_frame(ws)
        if frame.get("type") == kind and all(frame.get(k) == v for k, v in match.items()):
            return frame
