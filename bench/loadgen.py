"""A small closed-loop HTTP load generator for the API benchmarks.

Each of `clients` threads holds one keep-alive connection and sends requests back to
back for `seconds`; latencies are measured per request. The generator runs on the same
machine as the server, so its own CPU use is part of what is measured: the numbers are a
floor, not a ceiling.

Wall-clock numbers on a shared machine swing with whatever else runs, so each run also
reports the server's own CPU time per request (user + system time of the server process
and its workers, read from /proc), which other load disturbs far less, and the load
average when the run started.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

Request = Callable[[httpx.Client, int], httpx.Response]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by `root` and its live descendants."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # the process ended meanwhile
        # The command name is in parentheses and may hold spaces: split after it.
        fields = stat[stat.rindex(")") + 2:].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    total = 0.0
    for pid, cpu in times.items():
        walker = pid
        while walker > 1 and walker != root:
            walker = parents.get(walker, 0)
        if walker == root:
            total += cpu
    return total


def process_tree_rss(root: int) -> dict[int, float]:
    """Resident memory in MB of `root` and each live descendant, by pid."""
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, parent = int(entry.name), int(fields.get("PPid", "0"))
        if (pid == root or parent == root) and "VmRSS" in fields:
            found[pid] = int(fields["VmRSS"].split()[0]) / 1024
    return found


def load_average() -> float:
    """The one-minute load average (2 cores: above 2 means others wait for a CPU)."""
    return float(Path("/proc/loadavg").read_text().split()[0])


@dataclass(frozen=True)
class LoadResult:
    label: str
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    server_cpu_s: float | None = None
    load: float | None = None

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float | None:
        if self.server_cpu_s is None or not self.requests:
            return None
        return self.server_cpu_s * 1000 / self.requests

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index]

    def row(self) -> dict[str, str]:
        cpu = self.cpu_ms_per_request
        return {
            "case": self.label,
            "clients": str(self.clients),
            "requests": str(self.requests),
            "errors": str(self.errors),
            "req/s": f"{self.per_second:.0f}",
            "p50 ms": f"{self.percentile(50):.2f}",
            "p99 ms": f"{self.percentile(99):.2f}",
            "mean ms": f"{statistics.fmean(self.latencies_ms):.2f}" if self.latencies_ms else "-",
            "server CPU ms/req": "-" if cpu is None else f"{cpu:.2f}",
            "load": "-" if self.load is None else f"{self.load:.2f}",
        }


def run_load(
    label: str,
    base_url: str,
    headers: dict[str, str],
    request: Request,
    clients: int,
    seconds: float,
    warmup: float = 1.0,
    server_pid: int | None = None,
) -> LoadResult:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    load = load_average()
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
    cpu_before = _cpu_at(start_at, server_pid)
    for thread in threads:
        thread.join()
    cpu_used = None
    if server_pid is not None and cpu_before is not None:
        cpu_used = process_tree_cpu(server_pid) - cpu_before
    flat = [x for slot in latencies for x in slot]
    return LoadResult(label, clients, len(flat), sum(errors), seconds, flat, cpu_used, load)


def _cpu_at(moment: float, server_pid: int | None) -> float | None:
    """The server's CPU seconds when the warm-up ends (measured work starts)."""
    if server_pid is None:
        return None
    time.sleep(max(0.0, moment - time.perf_counter()))
    return process_tree_cpu(server_pid)
