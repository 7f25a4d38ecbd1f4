"""Engines for SQLite (the default, one file under ./var) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

# How long a SQLite writer waits for another writer before giving up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 5000


def normalise_url(url: str | URL) -> URL:
    """Accept the URLs people paste (`postgres://`, `postgresql://`) and use psycopg 3."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in {"postgres", "postgresql"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


# The statements with which the sqlite3 driver starts a transaction of its own.
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class QueuedWriter(sqlite3.Connection):
    """A SQLite connection whose write transactions queue on a lock of this process.

    SQLite admits one writer at a time. Left to itself, a second writer polls in
    SQLite's busy handler, sleeping 1, 2, 5 ... 100 ms between tries, so with eight
    concurrent intakes some waited close to a second while the database sat idle. Here
    a write transaction first takes the process's lock for its database file (threads
    wait on it and wake the moment it is free), then begins with BEGIN IMMEDIATE; the
    lock is given back when the transaction ends. Other processes on the same file
    still meet in the busy handler, as before.
    """

    queue: threading.Lock
    queued = False

    def enter_queue(self) -> None:
        # Past the busy timeout the write goes ahead unqueued and SQLite's own handler
        # decides, so a stuck holder gives the usual "database is locked" error.
        self.queued = self.queue.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)

    def leave_queue(self) -> None:
        if self.queued:
            self.queued = False
            self.queue.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave_queue()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_queue()


_QUEUES: dict[str, threading.Lock] = {}
_QUEUES_LOCK = threading.Lock()


def _queue_for(path: Path | None) -> threading.Lock:
    """One lock per database file in this process (an in-memory database has its own)."""
    if path is None:
        return threading.Lock()
    key = str(path.resolve())
    with _QUEUES_LOCK:
        return _QUEUES.setdefault(key, threading.Lock())


def _queue_writes(
    _conn: Any, cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    """Before a statement that starts a write transaction: wait for this process's turn."""
    dbapi = cursor.connection
    if not isinstance(dbapi, QueuedWriter) or dbapi.in_transaction:
        return
    # A transaction ended some other way than commit or rollback (SQLite itself rolls
    # back on some errors) gives its turn back here at the latest.
    dbapi.leave_queue()
    if dbapi.isolation_level is not None and _WRITE.match(statement):
        dbapi.enter_queue()


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while one writer writes; foreign keys are off by default in
    # SQLite; busy_timeout makes a second writer wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()
    if isinstance(dbapi_connection, QueuedWriter):
        # The driver begins a transaction before the first write of one; IMMEDIATE takes
        # the write lock at once, so a transaction never has to upgrade a read lock.
        dbapi_connection.isolation_level = "IMMEDIATE"


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for `url`; for SQLite the file's directory is created if missing."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        queue = _queue_for(path)
        connect_args = {"factory": QueuedWriter, **kwargs.pop("connect_args", {})}
        engine = sa.create_engine(parsed, connect_args=connect_args, **kwargs)
        sa.event.listen(engine, "connect", _on_sqlite_connect)
        sa.event.listen(engine, "connect", lambda conn, _rec: setattr(conn, "queue", queue))
        sa.event.listen(engine, "before_cursor_execute", _queue_writes)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return sa.create_engine(parsed, **kwargs)
