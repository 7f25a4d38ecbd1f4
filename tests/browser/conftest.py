"""Browser tests: the real app served by uvicorn, driven by Playwright in the system's
Chromium (Debian's `chromium`; nothing is downloaded at test time).

- `live_server`: the app on a free port, on a fresh database seeded through the desk's
  own operations; once per test session per database kind (SQLite always; PostgreSQL
  too when FRONTLINER_TEST_DATABASE_URL is set, in a database of its own next to it).
- `browser_desk`: the people of that desk (see `BrowserDesk`) and `open_case(...)` to
  give each test its own case, so tests never depend on one another.
- `agent_page`, `lead_page`, `customer_page`: a Playwright page already logged in (through
  the real login form, once per role per server), in a fresh browser context per test.

Without Chromium the tests skip with the reason, except in CI (CI=true) where they fail:
a CI run that silently skips the browser is not a green run.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from frontliner.config import Settings
from frontliner.desk import customers, intake, users
from frontliner.desk.model import Case, Role, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store.engine import make_engine, normalise_url
from frontliner.store.migrate import upgrade
from frontliner.store.uow import uow_factory as make_uow_factory
from frontliner.web.app import create_app

PG_ENV = "FRONTLINER_TEST_DATABASE_URL"
CHROMIUM = os.environ.get("FRONTLINER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "browser-test-password"
# How long Playwright waits for an element or a navigation before failing the test (ms).
# A wait, not a speed assertion: a slow machine still passes.
WAIT_MS = 15_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

UowFactory = Callable[[], AbstractContextManager[UnitOfWork]]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium through Playwright")


# --- the desk ------------------------------------------------------------------------


@dataclass
class Person:
    id: int
    name: str
    email: str
    role: Role
    customer_id: int | None = None


@dataclass
class BrowserDesk:
    """Who works at the browser tests' desk. Every login's password is PASSWORD."""

    uow_factory: UowFactory
    admin: Person
    lead: Person
    agent: Person  # Sam: default agent empowerment (50.00 per case)
    agent2: Person
    customer: Person  # Ann, with a portal login
    _count: list[int] = field(default_factory=lambda: [0])

    def user(self, person: Person, uow: UnitOfWork) -> User:
        found = uow.get(User, person.id)
        assert found is not None
        return found

    def open_case(
        self,
        nature: str = "Parcel marked delivered but never arrived",
        message: str = "The tracking says delivered yesterday but nothing came.",
        by: Person | None = None,
        customer: tuple[str, str] | None = None,
        **fields: Any,
    ) -> Case:
        """A new case of the customer (or of `customer`: name, contact), owned by `by` (the
        agent by default), with the customer's first message; committed."""
        self._count[0] += 1
        owner = by or self.agent
        name, contact = customer or (self.customer.name, self.customer.email)
        with self.uow_factory() as uow:
            case = intake.open_case(
                uow, self.user(owner, uow), nature=f"{nature} (#{self._count[0]})",
                customer_name=name, contact=contact, message=message, **fields,
            )
            uow.commit()
            return case

    def run(self, operation: Callable[..., Any], person: Person, *args: Any, **kw: Any) -> Any:
        """Call one desk operation as `person` and commit: a test's way to set the scene."""
        with self.uow_factory() as uow:
            result = operation(uow, self.user(person, uow), *args, **kw)
            uow.commit()
            return result


def _seed(factory: UowFactory) -> BrowserDesk:
    with factory() as uow:
        def login(name: str, email: str, role: Role, **extra: Any) -> Person:
            user = users.create_user(uow, None, name=name, email=email, role=role,
                                     password=PASSWORD, **extra)
            assert user.id is not None
            return Person(user.id, name, email, role, user.customer_id)

        ann = customers.create_customer(uow, None, "Ann Lee", ["ann@example.com"])
        desk = BrowserDesk(
            uow_factory=factory,
            admin=login("Ada Admin", "ada@desk.test", Role.ADMIN),
            lead=login("Lee Lead", "lee@desk.test", Role.LEAD, skills=["billing"]),
            agent=login("Sam Agent", "sam@desk.test", Role.AGENT, skills=["delivery"]),
            agent2=login("Kim Agent", "kim@desk.test", Role.AGENT),
            customer=login("Ann Lee", "ann@example.com", Role.CUSTOMER,
                           customer_id=ann.id),
        )
        uow.commit()
    return desk


# --- the database and the server -----------------------------------------------------


def _fresh_postgres(base_url: str) -> tuple[str, Callable[[], None]]:
    """A database of our own next to the tests' one, so the other tests' table resets
    never meet this server's data. Returns its URL and how to drop it."""
    base = normalise_url(base_url)
    name = f"{base.database}_browser_{os.getpid()}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str
    kind: str  # "sqlite" or "postgresql"
    desk: BrowserDesk
    engine: Engine
    settings: Settings
    storage_states: dict[Role, Any] = field(default_factory=dict)


class _Thread(threading.Thread):
    def __init__(self, server: uvicorn.Server) -> None:
        super().__init__(daemon=True)
        self.server = server

    def run(self) -> None:
        self.server.run()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    drop: Callable[[], None] = lambda: None  # noqa: E731
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'frontliner.db'}"
    else:
        raw = os.environ.get(PG_ENV)
        if not raw:
            pytest.skip(f"{PG_ENV} not set: browser tests run on SQLite only")
        url, drop = _fresh_postgres(raw)
    engine = make_engine(url)
    upgrade(engine)
    factory = make_uow_factory(engine)
    desk = _seed(factory)
    # Private targets allowed: the webhook test delivers to a receiver on 127.0.0.1.
    settings = Settings(environment="test", database_url=url, upgrade_on_start=False,
                        secret_key=SecretStr("browser-test-secret-key"),
                        webhook_allow_private_targets=True)
    app = create_app(settings, uow_factory=factory, health_check=lambda: None)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = _Thread(server)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the app did not start on port {port}")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", str(request.param), desk, engine, settings)
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()
    drop()


# --- the browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        reason = (f"Chromium not found at {CHROMIUM}: install Debian's chromium "
                  "(apt-get install -y chromium) or set FRONTLINER_CHROMIUM")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _logged_in_state(browser: Any, server: LiveServer, person: Person) -> Any:
    """Log in through the real form once per role; later tests reuse the cookies."""
    if person.role not in server.storage_states:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(f"{server.url}/login")
        page.get_by_label("E-mail").fill(person.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/login" not in url)
        server.storage_states[person.role] = context.storage_state()
        context.close()
    return server.storage_states[person.role]


def _page_for(browser: Any, server: LiveServer, person: Person | None,
              width: int = 1280, height: int = 800) -> Iterator[Any]:
    state = _logged_in_state(browser, server, person) if person else None
    context = browser.new_context(storage_state=state, base_url=server.url,
                                  viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    # A CSP violation or a script error shows up in the console: the test fails on it.
    # (HTTP errors on pages are the tests' business; a static file that fails is ours.)
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if "/static/" in r.url and r.status >= 400 else None)
    yield page
    context.close()
    assert not errors, f"the browser reported errors: {errors}"


@pytest.fixture
def browser_desk(live_server: LiveServer) -> BrowserDesk:
    return live_server.desk


@pytest.fixture
def agent_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    yield from _page_for(browser, live_server, live_server.desk.agent)


@pytest.fixture
def lead_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    yield from _page_for(browser, live_server, live_server.desk.lead)


@pytest.fixture
def customer_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    yield from _page_for(browser, live_server, live_server.desk.customer)


@pytest.fixture
def anonymous_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    yield from _page_for(browser, live_server, None)


@pytest.fixture
def phone_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """The agent at a phone's width (390 x 844)."""
    yield from _page_for(browser, live_server, live_server.desk.agent, 390, 844)


def screenshot(page: Any, server: LiveServer, name: str, tmp_path: Path) -> Path:
    """Save a full-page PNG. Into docs/screenshots/ when FRONTLINER_SCREENSHOTS=1 (to
    refresh the committed ones; SQLite run only), else next to the test's tmp files."""
    keep = os.environ.get("FRONTLINER_SCREENSHOTS") == "1" and server.kind == "sqlite"
    target = (SCREENSHOTS if keep else tmp_path) / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    # From the top: a sticky part (the workspace's side navigation) is drawn where the
    # current scroll puts it, which on a full-page picture is anywhere down the page.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(target), full_page=True)
    return target


__all__ = ["PASSWORD", "SCREENSHOTS", "BrowserDesk", "LiveServer", "Person", "screenshot"]
