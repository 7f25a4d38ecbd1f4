"""Search benchmark: GET /api/v1/search at 100k cases (SQLite by default).

    python bench/search_bench.py [--database-url URL] [--cases 100000] [--seconds 10]
                                 [--workers 1] [--clients 1,8] [--reuse]

The desk is the one `api_bench.py` builds (the demo desk grown by bulk copies, so the
index is filled by the same triggers every write uses). Each request searches one of a
mix of queries a desk really gets: one or two words of the problems and messages, a
customer's name, part of a case reference, a word as it is being typed (prefix), and a
word no case holds; as an agent (the whole desk) and as a customer (their own cases).

    python bench/search_bench.py --database-url URL --reuse --cases N --explain "jug blender"

prints instead each statement one search runs (as an agent, then as the busiest
customer), its server time and, on PostgreSQL, its plan with EXPLAIN (ANALYZE, BUFFERS):
the before/after plans in docs/search.md come from it.
"""

from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import (
    desk_of,
    load_parser,
    report,
    serving,
    token_for_agent,
)
from frontliner.desk.model import Role, User
from frontliner.store import search as store_search
from frontliner.store.tables import cases, customers, interactions
from frontliner.store.uow import uow_factory
from frontliner.web.tokens import issue_token
from loadgen import run_load


def queries(engine: sa.Engine, rng: random.Random) -> list[str]:
    """Words of the desk's own text, names and reference parts, prefixes, and misses."""
    with engine.connect() as connection:
        texts = [r[0] for r in connection.execute(sa.select(cases.c.nature).limit(300))]
        texts += [r[0] for r in connection.execute(sa.select(interactions.c.body).limit(300))]
        names = [r[0] for r in connection.execute(sa.select(customers.c.name).limit(100))]
        refs = [r[0] for r in connection.execute(
            sa.select(cases.c.ref).order_by(cases.c.id.desc()).limit(100))]
    words = [w for t in texts for w in re.findall(r"[a-z]{4,}", t.lower())]
    mix: list[str] = []
    for _ in range(400):
        kind = rng.randrange(6)
        if kind == 0:
            mix.append(rng.choice(words))
        elif kind == 1:
            mix.append(f"{rng.choice(words)} {rng.choice(words)}")
        elif kind == 2:
            mix.append(rng.choice(names))
        elif kind == 3:
            ref = rng.choice(refs)
            mix.append(ref[2:8])
        elif kind == 4:
            mix.append(rng.choice(words)[:3])
        else:
            mix.append("zyxwvut")
    return mix


def customer_token(engine: sa.Engine) -> str:
    """A login for the customer with the most cases (their search has the most to do)."""
    with engine.connect() as connection:
        busiest = connection.execute(
            sa.select(cases.c.customer_id).group_by(cases.c.customer_id)
            .order_by(sa.func.count().desc()).limit(1)).scalar_one()
    make = uow_factory(engine)
    with make() as uow:
        found = uow.find(User, limit=1, email="bench.customer@example.com")  # --reuse
        login = found[0] if found else User(name="Bench Customer", role=Role.CUSTOMER,
                                            email="bench.customer@example.com",
                                            customer_id=busiest)
        uow.add(login)
        uow.flush()
        assert login.id is not None
        issued = issue_token(uow, None, login.id, "bench")
        uow.commit()
    return issued.secret


def busiest_customer(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(
            sa.select(cases.c.customer_id).group_by(cases.c.customer_id)
            .order_by(sa.func.count().desc()).limit(1)).scalar_one())


def explain(engine: sa.Engine, text: str) -> None:
    """Each statement of one search, timed, with its plan (EXPLAIN ANALYZE on PostgreSQL)."""
    statements: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    for who, filters in (("agent", store_search.SearchFilter()),
                         ("customer", store_search.SearchFilter(
                             customer_id=busiest_customer(engine)))):
        sa.event.listen(engine, "before_cursor_execute", keep)
        with Session(engine) as session:
            started = time.perf_counter()
            hits = store_search.search(session, text, filters)
            took = (time.perf_counter() - started) * 1000
        sa.event.remove(engine, "before_cursor_execute", keep)
        print(f"== {text!r} as {who}: {len(hits)} hits, {len(statements)} statements, "
              f"{took:.1f} ms")
        for statement, parameters in statements:
            print("\n" + statement.strip() + f"\n-- {parameters}")
            if engine.dialect.name == "postgresql":
                raw = engine.raw_connection()
                try:
                    cursor = raw.cursor()
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    print("\n".join(row[0] for row in cursor.fetchall()))
                finally:
                    raw.close()
        statements.clear()


def main() -> None:
    parser = load_parser(__doc__)
    parser.add_argument("--explain", metavar="QUERY", help="print the plans of one search")
    args = parser.parse_args()
    rng = random.Random(7)
    url, engine = desk_of(args, rng)
    if args.explain:
        explain(engine, args.explain)
        return
    mix = queries(engine, rng)
    tokens = {"agent": token_for_agent(engine), "customer": customer_token(engine)}
    engine.dispose()
    results = []

    def search(client: httpx.Client, n: int) -> httpx.Response:
        return client.get("/api/v1/search", params={"q": mix[n % len(mix)]})

    with serving(url, args.workers) as (base, pid):
        for who, token in tokens.items():
            headers = {"Authorization": f"Bearer {token}"}
            for clients in [int(c) for c in args.clients.split(",")]:
                results.append(run_load(f"search as {who}", base, headers, search, clients,
                                        args.seconds, server_pid=pid))
    report(results, f"Search at {args.cases:,} cases on {engine.dialect.name}, "
                    f"{args.workers} worker(s)")


if __name__ == "__main__":
    main()
