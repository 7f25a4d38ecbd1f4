"""How fast does `frontliner import` bring a helpdesk's history in?

    python bench/import_export_gen.py zendesk /tmp/zd100k --tickets 100000
    python bench/import_bench.py zendesk /tmp/zd100k [--database-url URL]

Runs the real command (`frontliner import SOURCE PATH`) as its own process on a fresh
database (a temporary SQLite file by default; with a PostgreSQL URL, that database's
tables are dropped and migrated anew first) with one lead to sign the closing
exceptions. Reports the messages (replies, customer messages and internal notes) added
per second of the import's own wall time (as the command's summary prints it), the
whole command's wall time (start-up and reading the users file included), and the CPU
seconds the command and its analyser process used, and the load average of the
machine during the run (a shared machine: other work takes cores from the import).
Timing lives here and in docs/benchmarks.md, never in tests.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from api_bench import reset  # a fresh, migrated database (PostgreSQL: tables dropped)
from frontliner.store.engine import normalise_url

FRONTLINER = Path(sys.executable).with_name("frontliner")


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTLINER_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run([str(FRONTLINER), *args], env=env, capture_output=True, text=True,
                          check=True, stdin=subprocess.DEVNULL)


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
        load_before = os.getloadavg()[0]
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
          f"{messages / cpu:,.0f} messages per CPU second")
    print(f"load average: {load_before:.1f} before, {load_after:.1f} after (2 cores)")


if __name__ == "__main__":
    main()
