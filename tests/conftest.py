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

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from frontliner.store.engine import make_engine, normalise_url
from frontliner.store.migrate import upgrade
from frontliner.store.tables import metadata
from frontliner.store.uow import SqlUnitOfWork
from frontliner.store.uow import uow_factory as make_uow_factory

PG_ENV = "FRONTLINER_TEST_DATABASE_URL"
DB_FIXTURES = {"database_url", "engine", "uow_factory", "migrated_database"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: needs a real database (SQLite and PostgreSQL)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


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
    tables = metadata.sorted_tables
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


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
