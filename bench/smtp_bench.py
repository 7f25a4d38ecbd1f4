"""How fast does inbound e-mail become a stored, analysed, owned case?

    python bench/smtp_bench.py [--messages 3000] [--connections 8] [--database-url URL]
    python bench/smtp_bench.py --cpu [--batch 20] [--database-url URL]

Starts `frontliner smtp` as its own process on a fresh database (a temporary SQLite file
by default; with a PostgreSQL URL, a fresh schema that is dropped afterwards), creates
two agents, then sends two waves over real SMTP from `--connections` concurrent smtplib
clients:

1. `--messages` customer complaints, each from one of 300 customers with no threading
   clue, so every one opens a case (about a third a new customer too) with the coach's
   analysis and an owner;
2. as many replies to those cases, as a customer's mail client writes them: to the
   case's reply address, In-Reply-To one of our Message-IDs, the history quoted below.

Reports for each wave:
- accepted/s: messages answered 250 (each committed raw before the answer);
- filed/s: from the wave's first message sent until every message is processed (parsed,
  analysed, on its case), i.e. the rate the desk keeps up with;
- the server process's CPU milliseconds per message (user + system, from /proc).

`--cpu` instead stores and files the same two waves in this process and prints the CPU
time per message (`time.process_time`, which load on a shared machine distorts far less
than wall-clock time): storing (batches of 20 per commit), and filing, one message per
transaction (`--batch 1`, `process_mail`) or `--batch N` per transaction (`file_batch`,
what the SMTP server's worker does with mail waiting).
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
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa

from frontliner.channels.email.addresses import case_message_id, reply_address
from frontliner.channels.email.processing import process_mail
from frontliner.config import get_settings
from frontliner.desk.model import Case, Channel, Role
from frontliner.desk.users import create_user
from frontliner.store.engine import make_engine
from frontliner.store.mail import Incoming, store_raw_batch
from frontliner.store.mail_tables import MailStatus, inbound_mail
from frontliner.store.migrate import upgrade
from frontliner.store.tables import cases, users
from frontliner.store.uow import SqlUnitOfWork, uow_factory

FRONTLINER = Path(sys.executable).with_name("frontliner")
# Both sides of the bench (this process and the server) sign and check reply tokens with
# it; set before anything reads the settings.
os.environ.setdefault("FRONTLINER_SECRET_KEY", "smtp-bench-secret-key-smtp-bench-secret")
DESK = "support@frontliner.localhost"
COMPLAINTS = [
    "My order {n} arrived broken and nobody answers the phone. This is ridiculous.",
    "I was charged twice for order {n}. Please refund the second charge.",
    "Order {n} is three weeks late. Where is it?",
    "Great, another week without my parcel {n}. Never mind, I'll buy elsewhere.",
    "The app keeps logging me out when I try to pay for order {n}.",
]
REPLIES = [
    "Thank you, but the replacement for order {n} has not arrived either.",
    "Yes, please go ahead with the refund.",
    "It still does not work after the update. What now?",
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


def reply(n: int, case: Case, rng: random.Random) -> bytes:
    """A customer's answer to our mail about `case`, as their mail client writes it."""
    s = get_settings()
    msg = EmailMessage()
    msg["From"] = f"{case.contact_name} <{case.contact_value}>"
    msg["To"] = reply_address(case, s)
    msg["Subject"] = f"Re: {case.nature} [{case.ref}]"
    msg["Message-ID"] = f"<bench.reply.{n}.{time.time_ns()}@example.com>"
    msg["In-Reply-To"] = case_message_id(case.id or 0, 0, s)
    msg["References"] = case_message_id(case.id or 0, 0, s)
    body = rng.choice(REPLIES).format(n=n)
    quoted = "\n".join(f"> {line}" for line in (
        f"Your case reference is {case.ref}.", "We are sorry for the trouble.", "",
        "Kind regards,", "The support team"))
    msg.set_content(f"{body}\n\nOn Monday, Support <{DESK}> wrote:\n{quoted}\n")
    return msg.as_bytes(policy=policy.SMTP)


def replies_to_cases(url: str, count: int, rng: random.Random) -> list[bytes]:
    """One reply for each of the first `count` cases (cycling when there are fewer)."""
    engine = make_engine(url)
    c = cases.c
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(c.id, c.ref, c.nature, c.contact_name, c.contact_value).order_by(c.id)
        ).all()
    engine.dispose()
    found = [
        Case(id=r.id, ref=r.ref, nature=r.nature, contact_name=r.contact_name,
             contact_value=r.contact_value, customer_id=0, channel=Channel.EMAIL,
             opened_at=datetime.now(UTC))
        for r in rows
    ]
    return [reply(n, found[n % len(found)], rng) for n in range(count)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(url: str) -> None:
    """Two agents who can sign in, available and seen now, so automatic assignment gives
    every new case an owner (the idle timeout, 15 minutes, is longer than a run)."""
    engine = make_engine(url)
    upgrade(engine)
    with uow_factory(engine)() as uow:
        for name in ("Sam", "Kim"):
            create_user(uow, None, name=name, email=f"{name.lower()}@desk.test",
                        role=Role.AGENT, password="a long enough bench password")
        uow.commit()
    with engine.begin() as connection:
        connection.execute(
            sa.update(users).where(users.c.role == Role.AGENT.value)
            .values(presence="available", last_seen_at=datetime.now(UTC)))
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def cpu_per_message(url: str, count: int, batch: int) -> None:
    """CPU milliseconds per message to store (batches of 20) and to file (`batch` per
    transaction), one thread, for a wave of new cases and a wave of replies."""
    prepare(url)
    engine = make_engine(url)
    factory = uow_factory(engine)
    rng = random.Random(1)
    for wave in ("new cases", "replies"):
        raws = (
            [message(n, rng) for n in range(count)]
            if wave == "new cases"
            else replies_to_cases(url, count, rng)
        )
        started = time.process_time()
        ids: list[int] = []
        for i in range(0, count, 20):
            items = [Incoming(r, "bench@example.com", [DESK], "smtp") for r in raws[i : i + 20]]
            ids += [kept.mail_id for kept in store_raw_batch(engine, items)]
        stored = time.process_time()
        for i in range(0, count, batch):
            chunk = ids[i : i + batch]
            alone = chunk if batch == 1 else filed_together(factory, chunk)
            for mail_id in alone:
                process_mail(factory, mail_id)
        done = time.process_time()
        print(
            f"{wave}: CPU per message: store {(stored - started) / count * 1000:.2f} ms, "
            f"file {(done - stored) / count * 1000:.2f} ms ({batch} per transaction)"
        )
    with engine.connect() as connection:
        c = inbound_mail.c
        query = sa.select(c.status, sa.func.count()).group_by(c.status)
        counts = {str(status): int(n) for status, n in connection.execute(query).all()}
    print(f"outcome: {counts}; cases with an owner: {owned_cases(url)}")
    engine.dispose()


def filed_together(factory: Callable[[], SqlUnitOfWork], mail_ids: list[int]) -> list[int]:
    """File `mail_ids` in one transaction; the ids left to file one by one. (Imported
    here, so that `--batch 1` also runs on code from before batches existed.)"""
    from frontliner.channels.email.batches import file_batch

    return file_batch(factory, mail_ids).alone


def owned_cases(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        owned = connection.scalar(sa.select(sa.func.count()).where(cases.c.owner_id.is_not(None)))
    engine.dispose()
    return int(owned or 0)


def wave(url: str, port: int, server: subprocess.Popen[bytes], messages: list[bytes],
         connections: int, done_before: int) -> tuple[float, float, float, dict[str, int]]:
    """(accepted/s, filed/s, server CPU ms per message, outcome counts) of one wave."""
    cpu_before = cpu_seconds(server.pid)
    started = time.perf_counter()
    send_all(port, messages, connections)
    accepted = time.perf_counter() - started
    counts = wait_processed(url, done_before + len(messages))
    filed = time.perf_counter() - started
    cpu = (cpu_seconds(server.pid) - cpu_before) / len(messages) * 1000
    return len(messages) / accepted, len(messages) / filed, cpu, counts


def end_to_end(given: str | None, count: int, connections: int) -> None:
    rng = random.Random(7)
    messages = [message(n, rng) for n in range(count)]
    with tempfile.TemporaryDirectory() as tmp:
        url, schema = fresh_database(given, Path(tmp))
        try:
            prepare(url)
            port = free_port()
            server = start_server(url, port, Path(tmp) / "smtp.log")
            try:
                first = wave(url, port, server, messages, connections, 0)
                replies = replies_to_cases(url, count, rng)
                second = wave(url, port, server, replies, connections, count)
                owned = owned_cases(url)
            finally:
                server.terminate()
                server.wait(timeout=120)
        finally:
            if schema is not None and given is not None:
                drop_schema(given, schema)
    kind = "PostgreSQL" if given else "SQLite"
    print(f"{kind}: {count} messages per wave, {connections} connections")
    for name, (accepted, filed, cpu, _counts) in (("new cases", first), ("replies", second)):
        print(f"  {name}: accepted (250 after commit) {accepted:6.0f}/s, "
              f"filed (parsed, analysed, on its case) {filed:6.0f}/s, "
              f"server CPU {cpu:5.2f} ms per message")
    print(f"  outcome: {second[3]}; cases with an owner: {owned}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--cpu", action="store_true", help="CPU time per message only")
    parser.add_argument("--batch", type=int, default=20,
                        help="with --cpu: messages filed per transaction (1: one by one)")
    args = parser.parse_args()
    if args.cpu:
        with tempfile.TemporaryDirectory() as tmp:
            url, schema = fresh_database(args.database_url, Path(tmp))
            try:
                cpu_per_message(url, min(args.messages, 600), max(1, args.batch))
            finally:
                if schema is not None and args.database_url is not None:
                    drop_schema(args.database_url, schema)
        return
    end_to_end(args.database_url, args.messages, args.connections)


if __name__ == "__main__":
    main()
