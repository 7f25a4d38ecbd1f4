"""Woken on commit: PostgreSQL tells the worker when a write that may leave mail or
webhooks owed has committed (the triggers of migration 0026 NOTIFY `CHANNEL`).

`CommitWake(engine).listen(wake, stop)` runs in a thread of its own: it holds one
connection that LISTENs and sets `wake` for every notification. After a (re)connect it
sets `wake` once too, since whatever committed while it was not listening sent no
notification it could hear. On SQLite there is nothing to listen to: `available` is
False and the worker keeps polling.
"""

from __future__ import annotations

import logging
import threading

import psycopg
from sqlalchemy.engine import Engine

log = logging.getLogger("frontliner.worker")

CHANNEL = "frontliner_work"  # the migration's triggers notify it
RECONNECT_SECONDS = 2.0
LISTEN_SLICE = 1.0  # seconds between looks at `stop` while no notification comes


class CommitWake:
    def __init__(self, engine: Engine) -> None:
        self._url = engine.url

    @property
    def available(self) -> bool:
        return self._url.get_backend_name() == "postgresql"

    def _dsn(self) -> str:
        return self._url.set(drivername="postgresql").render_as_string(hide_password=False)

    def listen(self, wake: threading.Event, stop: threading.Event) -> None:
        """Until `stop` is set; never raises (a lost connection is opened again)."""
        while not stop.is_set():
            try:
                with psycopg.connect(self._dsn(), autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    wake.set()
                    while not stop.is_set():
                        for _ in connection.notifies(timeout=LISTEN_SLICE, stop_after=1):
                            wake.set()
            except psycopg.Error as error:
                # The password is in the DSN: log the kind of error only.
                log.warning("cannot listen for commits (%s); polling until it is back",
                            type(error).__name__)
                stop.wait(RECONNECT_SECONDS)
