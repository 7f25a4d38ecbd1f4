"""The broker over Redis pub/sub, for several app processes.

Every process publishes to Redis and runs ONE listener (a pattern subscription on all
chat topics) that hands what arrives to its in-process broker, so a visitor connected to
process A sees the reply an agent posted through process B. One Redis connection per
process for listening, however many sockets it serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import redis
import redis.asyncio as aioredis

from frontliner.channels.chat.broker import LocalBroker, Subscription

log = logging.getLogger("frontliner.chat")

PREFIX = "frontliner:chat:"
RECONNECT_DELAY = 1.0  # seconds between attempts while Redis is away


@dataclass
class _Listener:
    loop: asyncio.AbstractEventLoop
    task: asyncio.Task[None]
    ready: asyncio.Future[None]


class RedisBroker:
    def __init__(self, url: str, prefix: str = PREFIX) -> None:
        self.url = url
        self.prefix = prefix
        self._local = LocalBroker()
        self._publisher = redis.Redis.from_url(url)
        self._listener: _Listener | None = None

    def publish(self, topic: str, event: Mapping[str, Any]) -> None:
        try:
            self._publisher.publish(self.prefix + topic, json.dumps(dict(event)))
        except redis.RedisError as error:
            # The message itself is committed; only its live delivery is lost, and the
            # socket shows it on the next (re)connect from the case's history.
            log.warning("chat event not published to Redis: %s", type(error).__name__)

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[Subscription]:
        await self._ensure_listening()
        async with self._local.subscribe(topic) as subscription:
            yield subscription

    async def _ensure_listening(self) -> None:
        loop = asyncio.get_running_loop()
        current = self._listener
        if current is None or current.loop is not loop or current.task.done():
            ready: asyncio.Future[None] = loop.create_future()
            task = loop.create_task(self._listen(ready), name="frontliner-chat-redis")
            current = self._listener = _Listener(loop, task, ready)
        await asyncio.shield(current.ready)

    async def _listen(self, ready: asyncio.Future[None]) -> None:
        while True:
            client = aioredis.Redis.from_url(self.url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.psubscribe(self.prefix + "*")
                    await self._confirmed(pubsub)
                    if not ready.done():
                        ready.set_result(None)
                    await self._forward(pubsub)
            except redis.RedisError as error:
                log.warning("chat listener lost Redis (%s); retrying", type(error).__name__)
                if not ready.done():
                    ready.set_exception(error)
                    return
                await asyncio.sleep(RECONNECT_DELAY)
            finally:
                await client.aclose()

    async def _confirmed(self, pubsub: aioredis.client.PubSub) -> None:
        """Wait until Redis has registered the subscription: an event published after
        `subscribe` returns must not slip past it."""
        while True:
            message = await pubsub.get_message(timeout=5.0)
            if message is not None and message.get("type") == "psubscribe":
                return

    async def _forward(self, pubsub: aioredis.client.PubSub) -> None:
        async for message in pubsub.listen():
            if message.get("type") != "pmessage":
                continue
            channel = message["channel"]
            topic = (channel.decode() if isinstance(channel, bytes) else channel)
            try:
                event = json.loads(message["data"])
            except (ValueError, TypeError):
                log.warning("ignored a malformed chat event on %s", topic)
                continue
            self._local.publish(topic[len(self.prefix):], event)

    async def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None and not listener.task.done():
            if listener.loop is asyncio.get_running_loop():
                listener.task.cancel()
                # Closing: whatever the listener stopped with no longer matters.
                with contextlib.suppress(asyncio.CancelledError, redis.RedisError):
                    await listener.task
            else:
                listener.loop.call_soon_threadsafe(listener.task.cancel)
        await self._local.close()
        self._publisher.close()

