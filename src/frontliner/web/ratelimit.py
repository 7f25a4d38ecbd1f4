"""Rate limits for the public doors (web form, chat) on the `limits` library.

Counters live in memory by default (one process) or wherever
`FRONTLINER_RATE_LIMIT_URL` points (e.g. `redis://127.0.0.1:6379/1`), so several app
processes share one budget per client. A moving window: a burst at the edge of a minute
cannot double the allowance.
"""

from __future__ import annotations

import time

from limits import parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

COUNTER_EXPIRY = 24 * 3600  # counters of notable events (e.g. honeypot hits) span a day


class RateLimiter:
    def __init__(self, url: str | None = None, namespace: str = "frontliner") -> None:
        storage = storage_from_string(url or "memory://")
        assert isinstance(storage, Storage), "a synchronous limits storage"
        self.storage = storage
        self._limiter = MovingWindowRateLimiter(self.storage)
        self._namespace = namespace

    def hit(self, rule: str, *key: str) -> bool:
        """Count one use of `rule` (e.g. "5/minute") by `key`; False when over it."""
        return self._limiter.hit(parse(rule), self._namespace, *key)

    def retry_after(self, rule: str, *key: str) -> int:
        """Whole seconds until `key` may try again (at least 1)."""
        stats = self._limiter.get_window_stats(parse(rule), self._namespace, *key)
        return max(1, int(stats.reset_time - time.time()) + 1)

    def count(self, name: str) -> int:
        """Add one to the named counter; returns its value over the last day."""
        return self.storage.incr(f"{self._namespace}/count/{name}", COUNTER_EXPIRY)

    def counted(self, name: str) -> int:
        return self.storage.get(f"{self._namespace}/count/{name}")
