"""What opening one case costs the desk: statements and CPU, by who opens it.

    python bench/create_cost.py [--database-url URL] [--cases 100000] [--reuse]
                                [--creates 300] [--show]

On the desk `api_bench.py` builds (the demo desk grown to --cases by bulk copies; reuse
one with --reuse), opens --creates cases through `desk.intake.open_case` and commits
each, in this process, for each kind of intake:

- agent: an agent takes the case in (owns it; no assignment);
- intake: nobody on the desk takes it in (e-mail, web form, chat, an admin's token):
  automatic assignment picks the owner among the present agents.

For each it prints the statements per case (counted on the engine) and the CPU
milliseconds per case (`time.process_time`, which load on a shared machine distorts far
less than wall-clock time). The HTTP side (the framework, authentication, JSON) is
measured by `api_bench.py`; this is the desk operation and its storage. `--show` prints
the statements of one case of each kind. Every present-agent check needs agents seen
lately: the demo's agents with a password are marked available and seen now.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import add_desk_arguments, desk_of
from frontliner.desk import intake
from frontliner.desk.model import Channel, Role, User
from frontliner.store.tables import users
from frontliner.store.uow import uow_factory


def agents_on_duty(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.update(users)
            .where(users.c.role == Role.AGENT.value, users.c.password_hash.is_not(None),
                   users.c.active.is_(True))
            .values(presence="available", last_seen_at=datetime.now(UTC), capacity=None))


def run(engine: sa.Engine, actor: User | None, creates: int, show: bool) -> dict[str, Any]:
    factory = uow_factory(engine)
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", note)
    counts, cpu = [], []
    run_id = secrets.token_hex(4)
    for n in range(creates):
        before, started = len(seen), time.process_time()
        with factory() as uow:
            intake.open_case(
                uow, actor, nature="Parcel arrived damaged", customer_name=f"Cost {n}",
                contact=f"cost-{run_id}-{n}@example.com", channel=Channel.EMAIL,
                message=f"The box for order {n} was crushed and the lamp inside is broken.")
            uow.commit()
        cpu.append(time.process_time() - started)
        counts.append(len(seen) - before)
        if show and n == creates - 1:
            for statement in seen[before:]:
                print("   ", " ".join(statement.split())[:150])
    sa.event.remove(engine, "before_cursor_execute", note)
    steady = cpu[len(cpu) // 5:]  # the first fifth warms caches and the coach
    return {"statements": statistics.median(counts),
            "cpu_ms": statistics.mean(steady) * 1000,
            "cpu_p50_ms": statistics.median(steady) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_desk_arguments(parser)
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--show", action="store_true", help="print one case's statements")
    args = parser.parse_args()
    _url, engine = desk_of(args, random.Random(1))
    agents_on_duty(engine)
    with uow_factory(engine)() as uow:
        agent = uow.find(User, limit=1, email="alex@demo.frontliner.test")[0]
    for label, actor in (("agent", agent), ("intake", None)):
        if args.show:
            print(f"{label}:")
        result = run(engine, actor, args.creates, args.show)
        print(f"{engine.dialect.name} {args.cases:,} cases, {label:6}: "
              f"{result['statements']:.0f} statements, {result['cpu_ms']:.2f} ms CPU per case "
              f"(median {result['cpu_p50_ms']:.2f})")


if __name__ == "__main__":
    main()
