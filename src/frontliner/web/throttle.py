"""Slow down password guessing: after too many failed logins for one e-mail address in a
window, further attempts get 429 until the window has passed.

Counts live in this process's memory: with several workers an attacker gets a few more
tries per worker, which still turns an unlimited guessing run into a trickle.
"""

from __future__ import annotations

import threading
import time
from collections import deque

MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60
MAX_TRACKED = 10_000  # addresses remembered at once; the oldest are forgotten first


class LoginThrottle:
    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS) -> None:
        self.max_failures, self.window = max_failures, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked_for(self, key: str, now: float | None = None) -> float:
        """Seconds until `key` may try again; 0 when it may try now."""
        at = time.monotonic() if now is None else now
        with self._lock:
            recent = self._recent(key, at)
            if len(recent) < self.max_failures:
                return 0.0
            return max(0.0, recent[0] + self.window - at)

    def failed(self, key: str, now: float | None = None) -> None:
        at = time.monotonic() if now is None else now
        with self._lock:
            if key not in self._failures and len(self._failures) >= MAX_TRACKED:
                self._failures.pop(next(iter(self._failures)))
            self._recent(key, at).append(at)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str, at: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= at - self.window:
            times.popleft()
        return times
