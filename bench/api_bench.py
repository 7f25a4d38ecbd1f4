"""API benchmark: create a case (1 and 8 clients), get one, list a page, at 100k cases.

    python bench/api_bench.py [--database-url URL] [--cases 100000] [--seconds 10]
                              [--workers 1] [--reuse] [--only create,get,list]
                              [--clients 1,8]

The server runs as in production: `frontliner serve` in its own process (uvicorn, no
reload), on SQLite by default or on the PostgreSQL given by --database-url (its tables
are dropped and rebuilt by the migrations: give it a scratch database). The desk is
first filled through the demo generator (real operations), then grown to --cases by
bulk-copying those cases with fresh references and dates, so lists and indexes work on
a realistic spread of owners, statuses and customers. `--reuse` keeps a database that
already holds --cases cases (give a fixed --database-url) and skips the seeding.

Besides requests per second and latency, each row gives the server's CPU milliseconds
per request (its process and workers, from /proc) and the load average when the row
started: on a shared machine the CPU figure is the steadier one.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from frontliner.demo_data import seed_demo
from frontliner.desk.model import User
from frontliner.store.engine import make_engine
from frontliner.store.migrate import upgrade
from frontliner.store.tables import cases, interactions, metadata, users
from frontliner.store.uow import uow_factory
from frontliner.web.tokens import issue_token
from loadgen import LoadResult, process_tree_rss, run_load

console = Console()
CHUNK = 5_000
DEMO_AGENT = "alex@demo.frontliner.test"


def reset(url: str) -> sa.Engine:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        existing = sa.MetaData()
        existing.reflect(engine)
        with engine.begin() as connection:
            for table in reversed(existing.sorted_tables):
                connection.execute(sa.text(f'DROP TABLE IF EXISTS "{table.name}" CASCADE'))
    upgrade(engine)
    return engine


def grow(engine: sa.Engine, total: int, rng: random.Random) -> None:
    """Copy the demo's cases (and their first message) until there are `total`."""
    with engine.connect() as connection:
        templates = [dict(row._mapping) for row in connection.execute(sa.select(cases))]
        firsts = {row.case_id: dict(row._mapping) for row in connection.execute(
            sa.select(interactions).order_by(interactions.c.id))}
        next_id = max(t["id"] for t in templates) + 1
    now = datetime.now(UTC)
    missing = total - len(templates)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"Growing the desk to {total:,} cases", total=missing)
        while missing > 0:
            batch, messages = [], []
            for _ in range(min(CHUNK, missing)):
                template = rng.choice(templates)
                opened = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
                row = {**template, "id": next_id, "ref": secrets.token_urlsafe(12),
                       "opened_at": opened, "updated_at": opened + timedelta(hours=2)}
                batch.append(row)
                if template["id"] in firsts:
                    first = firsts[template["id"]]
                    messages.append({**first, "id": None, "case_id": next_id, "at": opened})
                next_id += 1
            with engine.begin() as connection:
                connection.execute(cases.insert(), batch)
                for message in messages:
                    message.pop("id")
                if messages:
                    connection.execute(interactions.insert(), messages)
            missing -= len(batch)
            progress.advance(task, len(batch))
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            # Only integer ids have a sequence (worker_beats is keyed by a name).
            for table in (t for t in metadata.sorted_tables
                          if "id" in t.c and isinstance(t.c.id.type, sa.Integer)):
                connection.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM \"{table.name}\"))"))
            connection.execute(sa.text("ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))


def seeded(engine: sa.Engine, total: int) -> bool:
    """Whether the database already holds the desk at (at least) `total` cases."""
    try:
        with engine.connect() as connection:
            have = connection.execute(sa.select(sa.func.count()).select_from(cases)).scalar_one()
    except sa.exc.DBAPIError:
        return False  # no tables yet
    return int(have) >= total


def add_desk_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every desk benchmark shares: where, how big, and whether to reuse it."""
    parser.add_argument("--database-url", help="scratch database (default: a temp SQLite)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database already holding --cases cases")


def desk_of(args: argparse.Namespace, rng: random.Random) -> tuple[str, sa.Engine]:
    """The database URL and an engine on a desk of `args.cases` cases: the demo desk grown
    to size, or the one already there with --reuse."""
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = make_engine(url)
    if not (args.reuse and seeded(engine, args.cases)):
        engine.dispose()
        engine = reset(url)
        console.print(f"[bold]Database:[/] {engine.dialect.name}; seeding the demo desk")
        seed_demo(uow_factory(engine), cases=300, customer_count=150, seed=5)
        grow(engine, args.cases, rng)
    return url, engine


def load_parser(description: str | None) -> argparse.ArgumentParser:
    """The command line every load benchmark shares: the desk, seconds, workers, clients."""
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_desk_arguments(parser)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--clients", default="1,8", help="comma-separated client counts")
    return parser


@contextmanager
def serving(url: str, workers: int) -> Iterator[tuple[str, int]]:
    """`frontliner serve` on a free port for the duration: (base URL, server pid). At the
    end, the resident memory of the server and of each worker process is printed."""
    port = free_port()
    server = start_server(url, port, workers)
    try:
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        memory = process_tree_rss(server.pid)
        console.print("RSS after the runs (MB): " + ", ".join(
            f"{'server' if pid == server.pid else 'process'} {pid}: {mb:.0f}"
            for pid, mb in sorted(memory.items())))
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FRONTLINER_DATABASE_URL": url, "FRONTLINER_ENVIRONMENT": "production",
           "FRONTLINER_SECRET_KEY": secrets.token_urlsafe(32),
           "FRONTLINER_UPGRADE_ON_START": "false"}
    command = [str(Path(sys.executable).with_name("frontliner")), "serve", "--port", str(port),
               "--workers", str(workers), "--no-access-log"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not come up: " + (server.stderr.read() or b"").decode()
                     if server.stderr else "")


def agent_email(engine: sa.Engine) -> str:
    """The demo's agent Alex, or on a desk seeded by seed_million.py its first agent."""
    with engine.connect() as connection:
        emails = connection.execute(sa.select(users.c.email).where(
            users.c.role == "agent", users.c.active).order_by(users.c.id)).scalars().all()
    return DEMO_AGENT if DEMO_AGENT in emails else emails[0]


def token_for_agent(engine: sa.Engine) -> str:
    make = uow_factory(engine)
    with make() as uow:
        agent = uow.find(User, limit=1, email=agent_email(engine))[0]
        assert agent.id is not None
        issued = issue_token(uow, None, agent.id, "bench")
        uow.commit()
    return issued.secret


def sample_refs(engine: sa.Engine, rng: random.Random, n: int = 2_000) -> list[str]:
    with engine.connect() as connection:
        top = connection.execute(sa.select(sa.func.max(cases.c.id))).scalar_one()
        ids = [rng.randrange(1, top + 1) for _ in range(n)]
        rows = connection.execute(sa.select(cases.c.ref).where(cases.c.id.in_(ids)))
        return [row.ref for row in rows]


def sample_customers(engine: sa.Engine, refs: list[str]) -> list[int]:
    """The customers of the sampled cases (their timelines are read)."""
    with engine.connect() as connection:
        return list(connection.execute(
            sa.select(cases.c.customer_id).where(cases.c.ref.in_(refs[:500]))).scalars())


def measure(
    base: str, token: str, refs: list[str], seconds: float, server_pid: int,
    only: set[str], client_counts: list[int], customer_ids: list[int] | None = None,
) -> list[LoadResult]:
    headers = {"Authorization": f"Bearer {token}"}
    run = secrets.token_hex(4)  # every intake is a new customer, on a reused database too

    def create(client: httpx.Client, n: int) -> httpx.Response:
        return client.post("/api/v1/cases", json={
            "nature": "Parcel arrived damaged", "customer_name": f"Bench Customer {n}",
            "contact": f"bench-{run}-{n}@example.com", "channel": "email",
            "message": "The box was crushed and the lamp inside is broken."})

    def get(client: httpx.Client, n: int) -> httpx.Response:
        return client.get(f"/api/v1/cases/{refs[n % len(refs)]}")

    def page(client: httpx.Client, n: int) -> httpx.Response:
        return client.get("/api/v1/cases", params={"limit": 50, "status": "open"})

    customers = customer_ids or [1]

    def timeline(client: httpx.Client, n: int) -> httpx.Response:
        return client.get(f"/api/v1/customers/{customers[n % len(customers)]}/timeline")

    # A production server is long-running: load the coach (first message read), fill
    # the statement caches and open the connections before anything is timed.
    # A new connection each round, so every worker process gets its share.
    for n in range(20):
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            for request in (create, get, page, timeline):
                request(client, 99_000_000 + n).raise_for_status()
    results = []
    scenarios = [("create", "create case", create), ("get", "get case", get),
                 ("list", "list 50 open cases", page),
                 ("timeline", "customer timeline", timeline)]
    for key, label, request in scenarios:
        if key not in only:
            continue
        for clients in client_counts:
            results.append(run_load(label, base, headers, request, clients, seconds,
                                    server_pid=server_pid))
            console.print(results[-1].row())
    return results


def report(results: list[LoadResult], title: str) -> None:
    table = Table(title=title)
    for column in results[0].row():
        table.add_column(column)
    for result in results:
        table.add_row(*result.row().values())
    console.print(table)
    print("| " + " | ".join(results[0].row()) + " |")
    print("|" + "---|" * len(results[0].row()))
    for result in results:
        print("| " + " | ".join(result.row().values()) + " |")


def main() -> None:
    parser = load_parser(__doc__)
    parser.add_argument("--only", default="create,get,list",
                        help="comma-separated scenarios: create, get, list, timeline")
    args = parser.parse_args()
    rng = random.Random(1)
    url, engine = desk_of(args, rng)
    token, refs = token_for_agent(engine), sample_refs(engine, rng)
    customer_ids = sample_customers(engine, refs)
    engine.dispose()
    with serving(url, args.workers) as (base, pid):
        results = measure(base, token, refs, args.seconds, pid,
                          set(args.only.split(",")), [int(c) for c in args.clients.split(",")],
                          customer_ids)
    report(results, f"API at {args.cases:,} cases on {engine.dialect.name}, "
                    f"{args.workers} worker(s)")


if __name__ == "__main__":
    main()
