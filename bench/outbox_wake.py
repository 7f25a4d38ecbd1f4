"""How long from an agent's committed e-mail reply to the relay having it?

    python bench/outbox_wake.py [--replies 20] [--gap 0.7] [--database-url URL]

Starts `frontliner worker` as its own process (one sending thread) on a database (a
temporary SQLite file by default; a PostgreSQL URL is used as given: point it at a
scratch database, the bench writes a case and its replies there) and an SMTP sink in
this process, then commits `--replies` replies `--gap` seconds apart and reports the
delay from each commit to the sink's receipt. On PostgreSQL the worker is woken by the
commit (LISTEN/NOTIFY); on SQLite it polls every FRONTLINER_OUTBOX_POLL_SECONDS (2 s).
Timing lives here and in docs/benchmarks.md, never in tests.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from frontliner.desk import interactions
from frontliner.desk.customers import create_customer
from frontliner.desk.model import Case, Channel, Role, User
from frontliner.desk.users import create_user
from frontliner.store.engine import make_engine
from frontliner.store.migrate import upgrade
from frontliner.store.uow import uow_factory
from frontliner.store.worker_tables import worker_beats

FRONTLINER = Path(sys.executable).with_name("frontliner")
MARK = "Reply number "


class Sink:
    """Notes when each numbered reply arrives."""

    def __init__(self) -> None:
        self.arrived: dict[int, float] = {}

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        text = envelope.original_content.decode(errors="replace")
        if MARK in text:
            number = int(text.split(MARK, 1)[1].split(".", 1)[0])
            self.arrived.setdefault(number, time.monotonic())
        return "250 OK"


def seed(url: str) -> tuple[int, int]:
    """An agent and one e-mailed case of theirs: (agent id, case id)."""
    factory = uow_factory(make_engine(url))
    stamp = datetime.now(UTC)
    with factory() as uow:
        tag = f"{int(time.time())}"
        agent = create_user(uow, None, name="Bench Agent", email=f"bench-{tag}@desk.test",
                            role=Role.AGENT)
        customer = create_customer(uow, None, "Wake Bench", [f"wake-{tag}@example.com"])
        case = Case(ref=f"C-WAKE{tag[-6:]}", customer_id=customer.id or 0,
                    nature="bench: reply latency", channel=Channel.EMAIL, opened_at=stamp,
                    owner_id=agent.id, contact_name="Wake Bench",
                    contact_value=f"wake-{tag}@example.com", updated_at=stamp)
        uow.add(case)
        uow.commit()
        assert agent.id is not None and case.id is not None
        return agent.id, case.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--gap", type=float, default=0.7)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="outbox-wake-")
    url = args.database_url or f"sqlite:///{scratch}/bench.db"
    engine = make_engine(url)
    upgrade(engine)
    agent_id, case_id = seed(url)
    sink = Sink()
    with socket.socket() as probe:  # a free port (aiosmtpd checks the port it was given)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {**os.environ, "FRONTLINER_DATABASE_URL": url, "FRONTLINER_SMTP_HOST": "127.0.0.1",
           "FRONTLINER_SMTP_PORT": str(port), "FRONTLINER_UPGRADE_ON_START": "false",
           "FRONTLINER_QUEUE_URL": f"sqlite:///{scratch}/queue.db"}
    worker = subprocess.Popen([str(FRONTLINER), "worker", "--workers", "1"], cwd=scratch,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    committed: dict[int, float] = {}
    try:
        with engine.connect() as connection:  # the worker is up once it beats
            while not connection.scalar(sa.select(sa.func.count()).select_from(worker_beats)):
                time.sleep(0.2)
        time.sleep(2.0)  # let it settle into its loop
        factory = uow_factory(engine)
        for number in range(1, args.replies + 1):
            with factory() as uow:
                agent = uow.get(User, agent_id)
                interactions.record_outbound(uow, agent, case_id,
                                             f"{MARK}{number}. Thank you, it is on its way.")
                uow.commit()
            committed[number] = time.monotonic()
            time.sleep(args.gap)
        deadline = time.monotonic() + 30
        while len(sink.arrived) < args.replies and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        controller.stop()
    delays = sorted(sink.arrived[n] - committed[n] for n in committed if n in sink.arrived)
    print(f"database: {engine.dialect.name}; replies received {len(delays)}/{args.replies}")
    if delays:
        print(f"commit -> relay: median {statistics.median(delays) * 1000:.0f} ms, "
              f"p90 {delays[int(0.9 * (len(delays) - 1))] * 1000:.0f} ms, "
              f"max {delays[-1] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
