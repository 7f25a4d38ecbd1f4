"""The fan-out interface the chat sockets use, and its in-process implementation.

`publish` is called from ordinary (synchronous) code, usually a worker thread right after
a database commit; subscribers are asyncio tasks serving a WebSocket. The in-process
broker hands each event to every subscriber's own event loop, thread-safely. Events are
small JSON-able dicts; a subscriber that falls far behind loses the overflow (logged)
rather than growing memory without bound: the case's messages stay in the database.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

log = logging.getLogger("frontliner.chat")

AGENTS_TOPIC = "agents"  # every chat message, for the agents' live view
QUEUE_SIZE = 1000

Event = dict[str, Any]


def case_topic(case_id: int) -> str:
    """The messages of one chat case, for the visitor's socket."""
    return f"case.{case_id}"


class Subscription:
    """Events on one topic, in order, for one subscriber."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=QUEUE_SIZE)

    async def get(self) -> Event:
        return await self.queue.get()

    def offer(self, event: Event) -> None:
        """Runs on the subscriber's loop."""
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            log.warning("chat subscriber on %s is too slow; an event was dropped", self.topic)


class Broker(Protocol):
    def publish(self, topic: str, event: Mapping[str, Any]) -> None:
        """Deliver `event` to every current subscriber of `topic`; thread-safe, never
        blocks for long, never raises for a subscriber's sake."""

    def subscribe(self, topic: str) -> AbstractAsyncContextManager[Subscription]:
        """Receive the topic's events from now on, until the block ends."""

    async def close(self) -> None: ...


class LocalBroker:
    """One process: subscribers in memory, keyed by topic."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[Subscription]] = {}

    def publish(self, topic: str, event: Mapping[str, Any]) -> None:
        with self._lock:
            targets = list(self._subscribers.get(topic, ()))
        for subscription in targets:
            try:
                subscription.loop.call_soon_threadsafe(subscription.offer, dict(event))
            except RuntimeError:  # that loop has closed: its socket is gone
                self._remove(subscription)

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[Subscription]:
        subscription = Subscription(topic)
        with self._lock:
            self._subscribers.setdefault(topic, set()).add(subscription)
        try:
            yield subscription
        finally:
            self._remove(subscription)

    def subscriber_count(self, topic: str) -> int:
        with self._lock:
            return len(self._subscribers.get(topic, ()))

    def _remove(self, subscription: Subscription) -> None:
        with self._lock:
            found = self._subscribers.get(subscription.topic)
            if found is not None:
                found.discard(subscription)
                if not found:
                    del self._subscribers[subscription.topic]

    async def close(self) -> None:
        with self._lock:
            self._subscribers.clear()
