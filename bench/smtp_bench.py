"""How fast does inbound e-mail become a stored, analysed, owned case?

    python bench/smtp_bench.py [--messages 3000] [--connections 8] [--database-url URL]
    python bench/smtp_bench.py --cpu   # CPU time per message, storing vs processing

Starts `frontliner smtp` as its own process on a fresh database (a temporary SQLite file
by default; with a PostgreSQL URL, a fresh schema that is dropped afterwards), creates
two agents, then sends `--messages` customer complaints over real SMTP from
`--connections` concurrent smtplib clients. Each message comes from one of 300 customers,
so about a third open a new customer and every one opens a case (no threading clue) with
the coach's analysis of the text.

Reports:
- accepted/s: messages answered 250 (each committed raw before the answer);
- filed/s: from the first message sent until every message is processed (parsed,
  analysed, on an owned case), i.e. the rate the desk keeps up with.
Timing lives here and in docs/benchmarks.md, never in tests.
"""

from __future__ import annotations

import argparse
import os
import random
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa

from frontliner.channels.email.processing import process_mail
from frontliner.desk.model import Role
from frontliner.desk.users import create_user
from frontliner.store.engine import make_engine
from frontliner.store.mail import Incoming, store_raw_batch
from frontliner.store.mail_tables import MailStatus, inbound_mail
from frontliner.store.migrate import upgrade
from frontliner.store.uow import uow_factory

FRONTLINER = Path(sys.executable).with_name("frontliner")
DESK = "support@frontliner.localhost"
COMPLAINTS = [
    "My order {n} arrived broken and nobody answers the phone. This is ridiculous.",
    "I was charged twice for order {n}. Please refund the second charge.",
    "Order {n} is three weeks late. Where is it?",
    "Great, another week without my parcel {n}. Never mind, I'll buy elsewhere.",
    "The app keeps logging me out when I try to pay for order {n}.",
]


def message(n: int, rng: random.Random) -> bytes:
    customer = rng.randrange(300)
    msg = EmailMessage()
    msg["From"] = f"Customer {customer} <customer{customer}@example.com>"
    msg["To"] = DESK
    msg["Subject"] = f"Order {n}"
    msg["Message-ID"] = f"<bench.{n}.{time.time_ns()}@example.com>"
    body = rng.choice(COMPLAINTS).format(n=n)
    msg.set_content(
        f"Hello,\n\n{body}\n\nThanks,\nCustomer {customer}\n\n-- \nSent from my phone\n"
    )
    return msg.as_bytes(policy=policy.SMTP)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with uow_factory(engine)() as uow:
        for name in ("Sam", "Kim"):
            create_user(uow, None, name=name, email=f"{name.lower()}@desk.test", role=Role.AGENT)
        uow.commit()
    engine.dispose()


def start_server(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FRONTLINER_DATABASE_URL": url,
        "FRONTLINER_SMTP_LISTEN_PORT": str(port),
        "FRONTLINER_UPGRADE_ON_START": "false",
    }
    out = log.open("wb")
    server = subprocess.Popen(
        [str(FRONTLINER), "smtp"],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    while b"listening on" not in log.read_bytes():
        if server.poll() is not None:
            raise SystemExit(log.read_text())
        time.sleep(0.1)
    return server


def send_all(port: int, messages: list[bytes], connections: int) -> None:
    queue = list(reversed(messages))
    lock = threading.Lock()

    def sender() -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
            while True:
                with lock:
                    if not queue:
                        return
                    raw = queue.pop()
                smtp.sendmail("bench@example.com", [DESK], raw)

    threads = [threading.Thread(target=sender) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def wait_processed(url: str, total: int) -> dict[str, int]:
    engine = make_engine(url)
    c = inbound_mail.c
    query = sa.select(c.status, sa.func.count()).group_by(c.status)
    try:
        while True:
            with engine.connect() as connection:
                counts = {str(s): int(n) for s, n in connection.execute(query).all()}
            if sum(counts.values()) >= total and not counts.get(MailStatus.RECEIVED.value):
                return counts
            time.sleep(0.05)
    finally:
        engine.dispose()


def fresh_database(given: str | None, workdir: Path) -> tuple[str, str | None]:
    """(url, schema to drop afterwards)."""
    if given is None:
        return f"sqlite:///{workdir / 'bench.db'}", None
    schema = f"smtp_bench_{os.getpid()}"
    engine = make_engine(given)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = sa.engine.make_url(given).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_schema(given: str, schema: str) -> None:
    engine = make_engine(given)
    with engine.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def cpu_per_message(count: int, workdir: Path) -> None:
    """CPU milliseconds per message to store (batches of 20) and to process, one thread."""
    url = f"sqlite:///{workdir / 'cpu.db'}"
    prepare(url)
    engine = make_engine(url)
    factory = uow_factory(engine)
    rng = random.Random(1)
    raws = [message(n, rng) for n in range(count)]
    started = time.process_time()
    ids: list[int] = []
    for i in range(0, count, 20):
        batch = [Incoming(r, "bench@example.com", [DESK], "smtp") for r in raws[i : i + 20]]
        ids += [kept.mail_id for kept in store_raw_batch(engine, batch)]
    stored = time.process_time()
    for mail_id in ids:
        process_mail(factory, mail_id)
    done = time.process_time()
    engine.dispose()
    print(
        f"CPU per message: store {(stored - started) / count * 1000:.2f} ms, "
        f"process {(done - stored) / count * 1000:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--cpu", action="store_true", help="CPU time per message only")
    args = parser.parse_args()
    if args.cpu:
        with tempfile.TemporaryDirectory() as tmp:
            cpu_per_message(min(args.messages, 600), Path(tmp))
        return
    rng = random.Random(7)
    messages = [message(n, rng) for n in range(args.messages)]
    with tempfile.TemporaryDirectory() as tmp:
        url, schema = fresh_database(args.database_url, Path(tmp))
        try:
            prepare(url)
            server = start_server(url, free_port_holder := free_port(), Path(tmp) / "smtp.log")
            try:
                started = time.perf_counter()
                send_all(free_port_holder, messages, args.connections)
                accepted = time.perf_counter() - started
                counts = wait_processed(url, len(messages))
                filed = time.perf_counter() - started
            finally:
                server.terminate()
                server.wait(timeout=120)
        finally:
            if schema is not None and args.database_url is not None:
                drop_schema(args.database_url, schema)
    kind = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{kind}: {len(messages)} messages, {args.connections} connections")
    print(f"  accepted (250 after commit): {len(messages) / accepted:8.0f} messages/s")
    print(f"  filed (parsed, analysed, on an owned case): {len(messages) / filed:8.0f} messages/s")
    print(f"  outcome: {counts}")


if __name__ == "__main__":
    main()
