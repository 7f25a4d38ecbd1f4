"""Live chat: a visitor's widget and the agents' screens, joined through a broker.

- `broker`: the one small fan-out interface (`Broker`), in-process by default.
- `redis_broker`: the same interface over Redis pub/sub, so several app processes share
  one chat (chosen when `FRONTLINER_REDIS_URL` is set; see `open_broker`).
- `tokens`: the visitor's unguessable chat token, bound to one case and one customer.
- `live`: announces every committed chat message, whichever path wrote it (the visitor's
  socket, the REST API, a page), to the topics the sockets listen on.
- `conversation`: starting a chat (a case on the chat channel) and taking in the
  visitor's messages, through the desk's own operations.
"""

from __future__ import annotations

from frontliner.channels.chat.broker import AGENTS_TOPIC, Broker, LocalBroker, case_topic

__all__ = ["AGENTS_TOPIC", "Broker", "LocalBroker", "case_topic", "open_broker"]


def open_broker(redis_url: str | None, prefix: str = "frontliner") -> Broker:
    """Redis pub/sub when a URL is configured (several processes), else in-process.
    The channels are named `<prefix>:chat:<topic>`."""
    if redis_url:
        from frontliner.channels.chat.redis_broker import RedisBroker

        return RedisBroker(redis_url, prefix=f"{prefix}:chat:")
    return LocalBroker()
