"""Engines are set up the way a small desk on one machine needs them."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from frontliner.store.engine import SQLITE_BUSY_TIMEOUT_MS, make_engine, normalise_url


def _pragma(engine: Engine, name: str) -> object:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    try:
        assert _pragma(engine, "journal_mode") == "wal"
        assert _pragma(engine, "foreign_keys") == 1
        assert _pragma(engine, "busy_timeout") == SQLITE_BUSY_TIMEOUT_MS
    finally:
        engine.dispose()


def test_the_test_database_really_enforces_foreign_keys(engine: Engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO contacts (customer_id, kind, value, is_primary) "
                "VALUES (424242, 'email', 'x@y.test', false)"
            )
        )


def test_sqlite_file_directory_is_created(tmp_path: Path) -> None:
    target = tmp_path / "var" / "nested" / "desk.db"
    engine = make_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        assert target.exists()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "given",
    ["postgres://u:p@h/db", "postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"],
)
def test_postgresql_urls_use_psycopg_3(given: str) -> None:
    assert normalise_url(given).drivername == "postgresql+psycopg"
    assert normalise_url(given).database == "db"
