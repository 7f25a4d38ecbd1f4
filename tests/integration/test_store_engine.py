"""Engines are set up the way a small desk on one machine needs them."""

from __future__ import annotations

import threading
import time
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


def _writer_log(engine: Engine) -> list[tuple[int, str]]:
    """Every statement SQLite runs, with the thread that ran it (the driver's own BEGIN
    and COMMIT included)."""
    log: list[tuple[int, str]] = []

    def trace(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.set_trace_callback(  # type: ignore[attr-defined]
            lambda statement: log.append((threading.get_ident(), statement)))

    sa.event.listen(engine, "connect", trace)
    return log


def test_sqlite_writers_in_one_process_take_turns_each_beginning_immediate(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.db'}", pool_size=8)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (writer INTEGER, step INTEGER)")
        engine.dispose()  # every connection from here on is traced
        log = _writer_log(engine)
        start = threading.Barrier(8)

        def write(writer: int) -> None:
            with engine.connect() as connection:
                start.wait()
                connection.exec_driver_sql("SELECT count(*) FROM t").scalar()  # reads first
                connection.exec_driver_sql(f"INSERT INTO t VALUES ({writer}, 1)")
                time.sleep(0.02)  # a writer that holds the lock a while
                connection.exec_driver_sql(f"INSERT INTO t VALUES ({writer}, 2)")
                connection.commit()

        threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT count(*) FROM t").scalar()
    finally:
        engine.dispose()
    assert rows == 16  # nobody gave up with "database is locked"
    writes = [(who, s.split()[0]) for who, s in log if not s.startswith("SELECT")]
    # One writer at a time, from its BEGIN IMMEDIATE to its COMMIT: never interleaved.
    assert [s for _, s in writes] == ["BEGIN", "INSERT", "INSERT", "COMMIT"] * 8
    assert all(len({who for who, _ in writes[i:i + 4]}) == 1 for i in range(0, 32, 4))
    assert sum(s == "BEGIN IMMEDIATE" for _, s in log) == 8
