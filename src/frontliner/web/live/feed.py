"""One poller per app process: new audit entries, read from the database, fanned out to
that process's agent sockets.

Mail arrives in other processes (`frontliner smtp`, `imap`, `worker`) and the app may run
several workers, so no in-memory hook sees every change. The database does: every change
writes an audit entry with a growing id. While at least one agent socket is open, the
feed reads the entries after the last id it saw, about once a second (ONE query on the
primary key per process per tick, whatever the number of sockets), turns them into
frames (`events.py`) and hands them to its local subscribers. With no socket open it
does not poll at all.

Ids are handed out when a row is inserted, not when its transaction commits: on
PostgreSQL a transaction can commit id 11 before another commits id 10. An id skipped
over is remembered as a gap and asked for again on every tick for GAP_SECONDS, so a late
commit still arrives; `cursor` (what a browser keeps to resume from) never passes an
open gap. On SQLite writers take turns, so ids commit in order and gaps close at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from frontliner.channels.chat.broker import LocalBroker, Subscription
from frontliner.desk.model import Interaction
from frontliner.desk.ports import UowFactory
from frontliner.store import live_queries
from frontliner.store.live_queries import MAX_BATCH, LiveRow
from frontliner.web.live.events import Event, build_events

log = logging.getLogger("frontliner.live")

TOPIC = "live"
POLL_SECONDS = 1.0
RETRY_SECONDS = 5.0  # after the database failed a tick
GAP_SECONDS = 30.0  # how long a skipped id may still turn up (a transaction committing late)
MAX_GAPS = 200  # gaps remembered at once; a bigger jump (a sequence skipped ahead) is not
REPLAY_MAX = 200  # entries a reconnecting socket may catch up on; beyond it: reload


@dataclass(frozen=True)
class Replay:
    events: list[Event]
    complete: bool  # False: more was missed than REPLAY_MAX; the page should reload


def _session(uow: object) -> Session:
    session: Session = getattr(uow, "session")  # noqa: B009 - the store's unit of work
    return session


class LiveFeed:
    """The process's live feed. `subscribe()` in a socket; `close()` when the app stops."""

    def __init__(self, uow_factory: UowFactory, poll_seconds: float = POLL_SECONDS) -> None:
        self._factory = uow_factory
        self.poll_seconds = poll_seconds
        self._fanout = LocalBroker()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready: asyncio.Future[None] | None = None
        self._listeners = 0
        self._last = 0
        self._gaps: dict[int, float] = {}  # id -> when it was first missed (monotonic)

    # --- for the sockets and pages -------------------------------------------------------

    @property
    def cursor(self) -> int:
        """Every entry up to here has been handed out (or will never come)."""
        return min(self._gaps) - 1 if self._gaps else self._last

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def head(self) -> int:
        """The newest entry's id now, read from the database (for a page being rendered)."""
        with self._factory() as uow:
            return live_queries.head(_session(uow))

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Subscription]:
        """Frames from now on, until the block ends. The first subscriber of a process
        (or of a new event loop) starts the poller; the last one out stops it."""
        self._listeners += 1
        try:
            async with self._fanout.subscribe(TOPIC) as subscription:
                await self._ensure_polling()
                yield subscription
        finally:
            self._listeners -= 1
            if self._listeners == 0:
                await self._stop()

    async def replay(self, since: int) -> Replay:
        """What a socket resuming from `since` missed (the database's word, not memory:
        the entries may have been read by another process)."""
        rows, messages = await asyncio.to_thread(self._read, since, (), REPLAY_MAX + 1)
        events = build_events(rows[:REPLAY_MAX], messages)
        for event in events:
            event["cursor"] = min(event["event_id"], self.cursor)
        return Replay(events, complete=len(rows) <= REPLAY_MAX)

    async def close(self) -> None:
        self._listeners = 0
        await self._stop()
        await self._fanout.close()

    # --- the poller ----------------------------------------------------------------------

    async def _ensure_polling(self) -> None:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._loop is not loop:
            if self._task is not None and not self._task.done() and self._loop is not None:
                self._loop.call_soon_threadsafe(self._task.cancel)  # a test's old loop
            self._loop = loop
            self._ready = loop.create_future()
            self._task = loop.create_task(self._run(self._ready), name="frontliner-live-feed")
        assert self._ready is not None
        await asyncio.shield(self._ready)

    async def _stop(self) -> None:
        task, self._task = self._task, None
        if task is None or task.done():
            return
        if self._loop is asyncio.get_running_loop():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        elif self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(task.cancel)

    async def _run(self, ready: asyncio.Future[None]) -> None:
        while not ready.done():
            try:
                self._last = await asyncio.to_thread(self.head)
                self._gaps.clear()
                ready.set_result(None)
            except Exception:
                log.warning("live feed: cannot read the audit head; retrying", exc_info=True)
                await asyncio.sleep(RETRY_SECONDS)
        while True:
            try:
                full = await self.tick()
            except Exception:  # the database is away: the next tick catches up from _last
                log.warning("live feed: a tick failed; retrying", exc_info=True)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if not full:
                await asyncio.sleep(self.poll_seconds)

    async def tick(self) -> bool:
        """Read and hand out what is new; True when the batch was full (read on at once)."""
        self._expire_gaps()
        rows, messages = await asyncio.to_thread(self._read, self._last, tuple(self._gaps),
                                                 MAX_BATCH)
        self._advance(rows)
        cursor = self.cursor
        for event in build_events(rows, messages):
            event["cursor"] = min(event["event_id"], cursor)
            self._fanout.publish(TOPIC, event)
        return len(rows) >= MAX_BATCH

    def _read(self, after: int, gaps: tuple[int, ...], limit: int
              ) -> tuple[list[LiveRow], dict[int, Interaction]]:
        with self._factory() as uow:
            session = _session(uow)
            rows = live_queries.entries_after(session, after, gaps, limit)
            wanted = {i for r in rows if isinstance(i := r.detail.get("interaction_id"), int)}
            messages = live_queries.messages_by_id(session, wanted)
            session.expunge_all()  # the frames are built after the session is gone
            return rows, messages

    def _advance(self, rows: list[LiveRow]) -> None:
        now = time.monotonic()
        for row in rows:
            if row.id <= self._last:
                self._gaps.pop(row.id, None)  # a late commit filled its gap
                continue
            missed = range(self._last + 1, row.id)
            for skipped in missed[: max(0, MAX_GAPS - len(self._gaps))]:
                self._gaps[skipped] = now
            self._last = row.id

    def _expire_gaps(self) -> None:
        too_old = time.monotonic() - GAP_SECONDS
        for gap in [g for g, seen in self._gaps.items() if seen < too_old]:
            del self._gaps[gap]
