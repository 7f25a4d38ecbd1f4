"""How fast does `frontliner import` bring a helpdesk's history in?

    python bench/import_export_gen.py zendesk /tmp/zd100k --tickets 100000
    python bench/import_bench.py zendesk /tmp/zd100k [--database-url URL]

Runs the real command (`frontliner import SOURCE PATH`) as its own process on a fresh
database (a temporary SQLite file by default; with a PostgreSQL URL, that database's
tables are dropped and migrated anew first) with one lead to sign the closing
exceptions. Reports the messages (replies, customer messages and internal notes) added
per second of the import's own wall time (as the command's summary prints it), the
whole command's wall time (start-up and reading the users file included), and the CPU
seconds the command and its analyser process used (also per 1,000 messages), on
PostgreSQL the CPU of the database's own server processes serving the command (read from
/proc every half second while it runs, so up to half a second of a backend's last moment
may be missed), and the load average of the machine during the run (a shared machine:
other work takes cores from the import).
Timing lives here and in docs/benchmarks.md, never in tests.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from api_bench import reset  # a fresh, migrated database (PostgreSQL: tables dropped)
from frontliner.store.engine import make_engine, normalise_url

FRONTLINER = Path(sys.executable).with_name("frontliner")


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTLINER_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run([str(FRONTLINER), *args], env=env, capture_output=True, text=True,
                          check=True, stdin=subprocess.DEVNULL)


class ServerCpu:
    """The CPU seconds of the PostgreSQL backends serving the database while it runs
    (the server runs on this machine; each backend's /proc entry is read every half
    second and its last reading kept)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        with self.engine.connect() as conn:
            self.own = conn.scalar(sa.text("SELECT pg_backend_pid()"))
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        query = sa.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid()")
        with self.engine.connect() as conn:
            while not self.stop.wait(0.5):
                pids = list(conn.execute(query).scalars())
                conn.rollback()  # pg_stat_activity is read once per transaction
                for pid in pids:
                    with contextlib.suppress(OSError, IndexError):
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                        self.seen[pid] = (int(fields[11]) + int(fields[12])) / tick

    def __enter__(self) -> ServerCpu:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()
        self.engine.dispose()

    @property
    def seconds(self) -> float:
        return sum(self.seen.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", choices=["zendesk", "freshdesk", "csv"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        reset(url).dispose()
        _cli(url, "user", "add", "--email", "lead@bench.test", "--name", "Bench Lead",
             "--role", "lead", "--password", "a long enough password")
        postgres = url.startswith("postgresql")
        load_before = os.getloadavg()[0]
        with ServerCpu(url) if postgres else contextlib.nullcontext() as server:
            started = time.monotonic()
            cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            done = _cli(url, "import", args.source, str(args.path),
                        "--batch-size", str(args.batch_size))
            wall = time.monotonic() - started
            cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_after = os.getloadavg()[0]
    out = done.stdout
    print(out)
    numbers = {name: int(value.replace(",", "")) for name, value in re.findall(
        r"│ (customer messages and replies|internal notes|cases) +│ ([\d,]+)", out)}
    messages = numbers["customer messages and replies"] + numbers["internal notes"]
    import_seconds = float(re.search(r"([\d,.]+) s, [\d,]+ messages/s", out)
                           .group(1).replace(",", ""))  # type: ignore[union-attr]
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    shown = normalise_url(url).render_as_string(hide_password=True)
    print(f"database: {shown.split('@')[-1] if '@' in shown else 'SQLite file'}")
    print(f"cases: {numbers['cases']:,}  messages: {messages:,}")
    print(f"import: {import_seconds:,.1f} s -> {messages / import_seconds:,.0f} messages/s")
    print(f"whole command: {wall:,.1f} s -> {messages / wall:,.0f} messages/s")
    print(f"CPU (command + analyser process): {cpu:,.1f} s -> "
          f"{messages / cpu:,.0f} messages per CPU second, "
          f"{cpu / messages * 1000:.3f} CPU s per 1,000 messages")
    if server is not None:
        print(f"PostgreSQL server CPU: {server.seconds:,.1f} s -> "
              f"{server.seconds / messages * 1000:.3f} CPU s per 1,000 messages")
    print(f"load average: {load_before:.1f} before, {load_after:.1f} after (2 cores)")


if __name__ == "__main__":
    main()
