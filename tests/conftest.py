"""Database fixtures shared by the storage, API and CLI tests.

`database_url` runs each test that asks for it twice: on a temporary SQLite file and on
PostgreSQL (when FRONTLINER_TEST_DATABASE_URL is set; otherwise that run is skipped and
says why). The schema comes from the real migrations, applied once per database per test
session; every test then starts from empty tables.

Tests that use these fixtures are marked `db`, so `pytest -m "not db"` (and
`pytest tests/unit`, which never asks for them) needs no database at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from frontliner.desk.model import (
    Case,
    Channel,
    Contact,
    ContactKind,
    Customer,
    Presence,
    Role,
    Team,
    User,
)
from frontliner.desk.passwords import hash_password
from frontliner.store.engine import make_engine, normalise_url
from frontliner.store.migrate import upgrade
from frontliner.store.tables import metadata
from frontliner.store.uow import SqlUnitOfWork
from frontliner.store.uow import uow_factory as make_uow_factory

PG_ENV = "FRONTLINER_TEST_DATABASE_URL"
DB_FIXTURES = {"database_url", "engine", "uow_factory", "migrated_database", "seeded"}
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday morning; tests count from here
DUTY_PASSWORD = "a long enough password"  # the password of a user put `on_duty`


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: needs a real database (SQLite and PostgreSQL)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
    # Browser tests last: Playwright's sync API keeps an event loop running in the main
    # thread for as long as its session-wide browser lives, and any later test that
    # calls asyncio.run() (the chat sockets, the SMTP server) would then fail.
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))


def _drop_everything(engine: Engine) -> None:
    """Start PostgreSQL from nothing, so the migrations really build the whole schema."""
    existing = sa.MetaData()
    existing.reflect(engine)
    with engine.begin() as connection:
        for table in reversed(existing.sorted_tables):
            connection.execute(sa.text(f'DROP TABLE IF EXISTS "{table.name}" CASCADE'))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def migrated_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Engine]]:
    """(url, engine) of a database at the newest migration; one per kind per session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'frontliner.db'}"
    else:
        raw = os.environ.get(PG_ENV)
        if not raw:
            pytest.skip(f"{PG_ENV} not set")
        url = normalise_url(raw).render_as_string(hide_password=False)
    engine = make_engine(url)
    if request.param == "postgresql":
        _drop_everything(engine)
    upgrade(engine)
    yield url, engine
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    # DELETE beats TRUNCATE by far on tables this small; ids then restart from 1 on both
    # databases (SQLite reuses max(id) + 1 when a table is empty).
    tables = list(reversed(metadata.sorted_tables))
    statements = [f'DELETE FROM "{t.name}"' for t in tables]
    if engine.dialect.name == "postgresql":
        statements += [
            f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), 1, false)" for t in tables
            if "id" in t.c
        ]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("; ".join(statements))
        else:  # the sqlite3 driver runs one statement per call
            for statement in statements:
                connection.exec_driver_sql(statement)


@pytest.fixture
def database_url(migrated_database: tuple[str, Engine]) -> str:
    """The URL of a migrated database whose tables are all empty."""
    url, engine = migrated_database
    _empty_all_tables(engine)
    return url


@pytest.fixture
def engine(database_url: str, migrated_database: tuple[str, Engine]) -> Engine:
    """An engine on the empty, migrated database (shared by the session; do not dispose)."""
    return migrated_database[1]


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], SqlUnitOfWork]:
    """`with uow_factory() as uow: ...; uow.commit()` - units of work on the test database."""
    return make_uow_factory(engine)


@lru_cache(maxsize=1)
def _duty_hash() -> str:
    return hash_password(DUTY_PASSWORD)  # once: argon2 is slow on purpose


def on_duty(user: User) -> User:
    """Make `user` someone automatic assignment gives cases to: they can sign in (a
    password is set) and said they are available just now (desk/assignment.py)."""
    user.password_hash = _duty_hash()
    user.presence, user.last_seen_at = Presence.AVAILABLE, datetime.now(UTC)
    return user


@dataclass(frozen=True)
class Seeded:
    """Ids of a minimal desk: one team, an agent and a lead in it, a customer with an
    e-mail contact and a customer login, and one case the agent owns. The agent is on
    duty (`on_duty`): new cases from the channels go to them."""

    team_id: int
    agent_id: int
    lead_id: int
    customer_id: int
    customer_user_id: int
    contact_id: int
    case_id: int
    case_ref: str


@pytest.fixture
def seeded(uow_factory: Callable[[], SqlUnitOfWork]) -> Seeded:
    """A minimal desk written through the real unit of work (and committed)."""
    with uow_factory() as uow:
        team = Team(name="Billing")
        customer = Customer(name="Ann Lee", created_at=T0)
        uow.add(team)
        uow.add(customer)
        uow.flush()
        agent = User(
            name="Sam Agent",
            email="sam@desk.test",
            role=Role.AGENT,
            team_id=team.id,
            skills=["billing"],
            created_at=T0,
        )
        lead = User(
            name="Lee Lead",
            email="lee@desk.test",
            role=Role.LEAD,
            team_id=team.id,
            skills=["billing", "legal"],
            created_at=T0,
        )
        login = User(
            name="Ann Lee",
            email="ann@example.com",
            role=Role.CUSTOMER,
            customer_id=customer.id,
            created_at=T0,
        )
        contact = Contact(
            customer_id=customer.id or 0,
            kind=ContactKind.EMAIL,
            value="ann@example.com",
            is_primary=True,
        )
        on_duty(agent)
        for obj in (agent, lead, login, contact):
            uow.add(obj)
        uow.flush()
        case = Case(
            ref="C-SEEDED01",
            customer_id=customer.id or 0,
            nature="charged twice for one order",
            channel=Channel.EMAIL,
            opened_at=T0,
            owner_id=agent.id,
            contact_name="Ann Lee",
            contact_value="ann@example.com",
            updated_at=T0,
        )
        uow.add(case)
        uow.commit()
    return Seeded(
        team_id=_id(team.id),
        agent_id=_id(agent.id),
        lead_id=_id(lead.id),
        customer_id=_id(customer.id),
        customer_user_id=_id(login.id),
        contact_id=_id(contact.id),
        case_id=_id(case.id),
        case_ref=case.ref,
    )


def _id(value: int | None) -> int:
    assert value is not None, "a committed row has an id"
    return value
