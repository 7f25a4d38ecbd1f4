"""Insights benchmark: each figure's API request at one million cases on PostgreSQL.

    python bench/insights_bench.py --database-url URL [--cases 1000000] [--reuse]
                                   [--seconds 10] [--clients 1] [--workers 1]

The desk is seeded by `seed_million.py` (COPY; give a scratch database: its tables are
dropped), rollups included; a sample of 500 cases is then worked out again by the
rollup itself and must match (--rebuild also rebuilds them all, timed). --reuse keeps a
database that already holds --cases cases and its rollups. Then `frontliner
serve` runs as in production and every figure is asked for, in turn, under several
filters: the last 30 days of the whole desk, one team, one channel, one category, the
last 90 and 365 days, filters combined, and an agent's own figures. Each row gives p50
and p99 latency over every figure, and the server's CPU per request (steadier on a
shared machine).

--per-figure N skips the server: each figure is worked out N times in this process under
each filter, and each gets its own p50/p99 and CPU (the time waiting on the database is
the rest); --explain also prints EXPLAIN (ANALYZE, BUFFERS) of the slowest statement of
the slowest figure of each filter.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import free_port, report, start_server
from frontliner.desk.errors import Invalid
from frontliner.store import insight_rollup
from frontliner.store.engine import make_engine
from frontliner.store.insight_figures import FIGURES, figure
from frontliner.store.insight_tables import insight_buckets, insight_case_facts
from frontliner.store.tables import cases, users
from frontliner.store.uow import uow_factory
from frontliner.web.insight_params import insight_query
from frontliner.web.tokens import issue_token
from loadgen import LoadResult, load_average, run_load
from seed_million import reset, seed

console = Console()


def check_sample(engine: sa.Engine, size: int = 500, seed_value: int = 3) -> int:
    """Work out a random sample of cases again with the rollup's own reading of the
    tables; how many differ from what the seeder stored (0: the seeded rollups are what
    `frontliner insights rebuild` would have made)."""
    import random

    with Session(engine) as session:  # the generated cases (copies keep no facts)
        top = session.scalar(sa.select(sa.func.max(insight_case_facts.c.case_id))) or 0
        sample = sorted(random.Random(seed_value).sample(range(1, top + 1), min(size, top)))
        delta: dict[Any, list[int]] = {}
        insight_rollup.roll_cases(session, sample, datetime.now(UTC), delta)
        session.rollback()  # a check: nothing is kept
    return sum(1 for n, total in delta.values() if n or total)


def rebuild_rollups(engine: sa.Engine, total: int) -> float:
    began = time.perf_counter()
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Session(engine) as session, Progress(*columns, console=console) as progress:
        task = progress.add_task("Rolling up cases", total=total)
        for done in insight_rollup.rebuild(session):
            session.commit()
            progress.update(task, completed=done)
        session.commit()
    with engine.begin() as connection:
        connection.execute(sa.text("ANALYZE"))
    return time.perf_counter() - began


def desk(args: argparse.Namespace) -> sa.Engine:
    engine = make_engine(args.database_url)
    try:
        with engine.connect() as connection:
            have = connection.scalar(sa.select(sa.func.count()).select_from(cases)) or 0
            rolled = connection.scalar(sa.select(sa.func.count()).select_from(insight_buckets))
    except sa.exc.DBAPIError:
        have, rolled = 0, 0
    if args.reuse and have >= args.cases and rolled:
        console.print(f"Reusing {have:,} cases and {rolled:,} rollup rows.")
        return engine
    engine.dispose()
    engine = reset(args.database_url)
    began = time.perf_counter()
    seed(engine, args.cases)
    with engine.connect() as connection:
        rolled = connection.scalar(sa.select(sa.func.count()).select_from(insight_buckets))
    console.print(f"Seeded {args.cases:,} cases and {rolled:,} rollup rows in "
                  f"{time.perf_counter() - began:.0f} s.")
    if args.rebuild:
        console.print(f"Rebuilt the rollups in {rebuild_rollups(engine, args.cases):.0f} s.")
    differing = check_sample(engine)
    console.print(f"A sample of 500 cases worked out again from the tables: {differing} "
                  "rollup rows differ from the seeded ones.")
    with engine.connect() as connection:
        total = connection.scalar(sa.select(sa.func.count()).select_from(cases))
        opened = connection.scalar(sa.select(sa.func.sum(insight_buckets.c.n)).where(
            insight_buckets.c.metric == "opened", insight_buckets.c.agent_id == 0,
            insight_buckets.c.team_id == -1))
    console.print(f"Cases: {total:,}; cases opened in the rollups: {opened:,}.")
    if differing or total != opened:
        raise SystemExit("the seeded rollups are not what the rollup makes")
    return engine


def people(engine: sa.Engine) -> tuple[int, int, int]:
    """A lead's id, the first agent's id, and their team's id."""
    with engine.connect() as connection:
        lead_id = connection.scalar(sa.select(users.c.id).where(users.c.role == "lead"))
        agent_id, team_id = connection.execute(
            sa.select(users.c.id, users.c.team_id).where(users.c.role == "agent")
            .order_by(users.c.id)).first() or (0, 0)
    return int(lead_id or 0), int(agent_id), int(team_id or 0)


def tokens(engine: sa.Engine) -> tuple[str, str, int]:
    """A lead's token, an agent's token, and a team id."""
    lead_id, agent_id, team_id = people(engine)
    with uow_factory(engine)() as uow:
        lead = issue_token(uow, None, lead_id, "bench").secret
        agent = issue_token(uow, None, int(agent_id), "bench").secret
        uow.commit()
    return lead, agent, int(team_id or 0)


def scenarios(team_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    today = datetime.now(UTC).date()

    def last(days: int) -> dict[str, Any]:
        return {"from": (today - timedelta(days=days - 1)).isoformat(), "to": today.isoformat()}

    return [
        ("desk, last 30 days", "", last(30)),
        ("one team, last 30 days", "", {**last(30), "team": team_id}),
        ("chat, last 30 days", "", {**last(30), "channel": "chat"}),
        ("category billing, last 30 days", "", {**last(30), "category": "billing"}),
        ("desk, last 90 days", "", last(90)),
        ("desk, last 365 days", "", last(365)),
        ("team + channel, last 90 days", "", {**last(90), "team": team_id, "channel": "email"}),
        ("team + channel + category, last 365 days", "",
         {**last(365), "team": team_id, "channel": "chat", "category": "billing"}),
        ("an agent's own, last 30 days", "mine/", last(30)),
    ]


def measure(base: str, lead: str, agent: str, team_id: int, seconds: float, clients: int,
            server_pid: int) -> list[LoadResult]:
    keys = sorted(FIGURES)
    results = []
    for label, prefix, params in scenarios(team_id):
        token = agent if prefix else lead
        headers = {"Authorization": f"Bearer {token}"}

        def ask(client: httpx.Client, n: int, prefix: str = prefix,
                params: dict[str, Any] = params) -> httpx.Response:
            return client.get(f"/api/v1/insights/{prefix}{keys[n % len(keys)]}", params=params)

        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            for n in range(len(keys)):  # warm: statement caches, connections
                ask(client, n).raise_for_status()
        results.append(run_load(f"{label} (all {len(keys)} figures)", base, headers, ask,
                                clients, seconds, server_pid=server_pid))
        console.print(results[-1].row())
    return results


def per_figure(engine: sa.Engine, team_id: int, agent_id: int, repeat: int,
               explain: bool) -> None:
    """Each figure alone, in this process: wall p50/p99 and CPU per call."""
    table = Table(title=f"Each figure alone, {repeat} times (load {load_average():.2f})")
    for column in ("filters", "figure", "p50 ms", "p99 ms", "CPU ms", "waiting on the DB ms"):
        table.add_column(column)
    for label, prefix, params in scenarios(team_id):
        try:
            flt = insight_query(from_=params["from"], to=params["to"],
                                team=str(params["team"]) if "team" in params else None,
                                channel=params.get("channel"), category=params.get("category")
                                ).filters(agent_id if prefix else 0)
        except Invalid as refused:  # an older version's rules (filters one at a time)
            table.add_row(label, "(all)", f"refused: {refused}", "", "", "")
            continue
        slowest: tuple[float, str] = (0.0, "")
        for key in sorted(FIGURES):
            walls, cpus = [], []
            with Session(engine) as session:
                for _ in range(repeat + 1):
                    began, cpu = time.perf_counter(), time.process_time()
                    figure(session, key, flt)
                    walls.append((time.perf_counter() - began) * 1000)
                    cpus.append((time.process_time() - cpu) * 1000)
                    session.rollback()
            walls, cpus = sorted(walls[1:]), cpus[1:]  # the first warms the caches
            p99 = walls[min(len(walls) - 1, round(0.99 * len(walls)) - 1)]
            mean_cpu = sum(cpus) / len(cpus)
            table.add_row(label, key, f"{walls[len(walls) // 2]:.1f}", f"{p99:.1f}",
                          f"{mean_cpu:.1f}", f"{sum(walls) / len(walls) - mean_cpu:.1f}")
            slowest = max(slowest, (walls[len(walls) // 2], key))
        if explain:
            explain_slowest(engine, label, slowest[1], flt)
    console.print(table)


def explain_slowest(engine: sa.Engine, label: str, key: str, flt: Any) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest statement a figure runs."""
    statements: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
             executemany: bool) -> None:
        statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        with Session(engine) as session:
            figure(session, key, flt)
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    plans = []
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        for statement, parameters in statements:
            cursor = raw.cursor()  # type: ignore[union-attr]
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
            took = float(lines[-1].split(":")[1].split()[0])  # "Execution Time: x ms"
            plans.append((took, statement, lines))
    took, statement, lines = max(plans, key=lambda plan: plan[0])
    console.print(f"[bold]{label}: {key}[/bold], slowest of {len(plans)} statements "
                  f"({took:.1f} ms):\n{statement}\n" + "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a scratch PostgreSQL database")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--rebuild", action="store_true",
                        help="also rebuild the rollups from the tables (slow: ~1 ms a case)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--per-figure", type=int, default=0, metavar="N",
                        help="time each figure alone N times in this process (no server)")
    parser.add_argument("--explain", action="store_true",
                        help="with --per-figure: EXPLAIN the slowest figure's statements")
    args = parser.parse_args()
    engine = desk(args)
    if args.per_figure:
        _, agent_id, team_id = people(engine)
        per_figure(engine, team_id, agent_id, args.per_figure, args.explain)
        return
    lead, agent, team_id = tokens(engine)
    engine.dispose()
    port = free_port()
    server = start_server(args.database_url, port, args.workers)
    try:
        results = measure(f"http://127.0.0.1:{port}", lead, agent, team_id, args.seconds,
                          args.clients, server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    report(results, f"Insights API at {args.cases:,} cases on {engine.dialect.name}, "
                    f"{args.clients} client(s), {args.workers} worker(s)")


if __name__ == "__main__":
    main()
