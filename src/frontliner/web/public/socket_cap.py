"""A cap on the chat sockets one client address holds open at once.

Each open socket costs the server a task and a subscription; without a cap one client
could open thousands. Counted in this process (sockets live in one process): with
several app processes behind a balancer a client may hold up to the cap in each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager


class SocketsPerClient:
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._open: Counter[str] = Counter()

    @contextmanager
    def hold(self, client: str) -> Iterator[bool]:
        """Yields whether `client` may open one more socket; while the block runs that
        socket counts. Runs on the event loop only, so no lock is needed."""
        if self._open[client] >= self.cap:
            yield False
            return
        self._open[client] += 1
        try:
            yield True
        finally:
            self._open[client] -= 1
            if not self._open[client]:
                del self._open[client]
