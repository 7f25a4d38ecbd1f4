"""A small closed-loop HTTP load generator for the API benchmarks.

Each of `clients` threads holds one keep-alive connection and sends requests back to
back for `seconds`; latencies are measured per request. The generator runs on the same
machine as the server, so its own CPU use is part of what is measured: the numbers are a
floor, not a ceiling.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

Request = Callable[[httpx.Client, int], httpx.Response]


@dataclass(frozen=True)
class LoadResult:
    label: str
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index]

    def row(self) -> dict[str, str]:
        return {
            "case": self.label,
            "clients": str(self.clients),
            "requests": str(self.requests),
            "errors": str(self.errors),
            "req/s": f"{self.per_second:.0f}",
            "p50 ms": f"{self.percentile(50):.2f}",
            "p99 ms": f"{self.percentile(99):.2f}",
            "mean ms": f"{statistics.fmean(self.latencies_ms):.2f}" if self.latencies_ms else "-",
        }


def run_load(
    label: str,
    base_url: str,
    headers: dict[str, str],
    request: Request,
    clients: int,
    seconds: float,
    warmup: float = 1.0,
) -> LoadResult:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start_at = time.perf_counter() + warmup
    stop_at = start_at + seconds

    def worker(slot: int) -> None:
        n = 0
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
            while (now := time.perf_counter()) < stop_at:
                began = time.perf_counter()
                response = request(client, slot * 10_000_000 + n)
                elapsed = (time.perf_counter() - began) * 1000
                n += 1
                if now < start_at:
                    continue  # warm-up: connections, caches
                if response.status_code >= 400:
                    errors[slot] += 1
                latencies[slot].append(elapsed)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flat = [x for slot in latencies for x in slot]
    return LoadResult(label, clients, len(flat), sum(errors), seconds, flat)
