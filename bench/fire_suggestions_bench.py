"""How long finding suggested fires takes on a big desk.

Fills a scratch database with --cases cases spread over a year (natures drawn from a
varied list, so some problems pile up and most do not), with the word pairs intake keeps
for each, then times `fire_suggestions.suggested_fires` (what /fires and every lead
console page run) for windows of 7 and 30 days.

    .venv/bin/python bench/fire_suggestions_bench.py [--cases 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from frontliner.desk import users
from frontliner.desk.fire_suggestions import set_thresholds, suggested_fires
from frontliner.desk.model import Role, User
from frontliner.desk.similarity import pair_keys, problem_words
from frontliner.store.engine import make_engine
from frontliner.store.migrate import upgrade
from frontliner.store.tables import cases, customers, similarity_keys
from frontliner.store.uow import uow_factory

PROBLEMS = [
    "the jug of my blender cracked", "Parcel marked delivered but never arrived",
    "Charged twice for the same order", "Cannot log in after password reset",
    "Refund promised two weeks ago not received", "Wrong size sent", "App crashes when paying",
    "Subscription renewed after cancelling", "Heater smells of burning plastic",
    "Coffee machine is leaking water", "My order is late", "Please close my account",
    "Delivery driver was rude", "Invoice shows the wrong company name",
]
EXTRA = ["", " again", " after a week", " and I am annoyed", " this morning", " twice now"]
CHUNK = 5_000


def fill(engine: sa.Engine, total: int, rng: random.Random, now: datetime) -> None:
    with engine.begin() as connection:
        customer = connection.execute(customers.insert().values(name="Bench", created_at=now)
                                      ).inserted_primary_key[0]
    rows, keys, next_id = [], [], 1
    for _ in range(total):
        nature = rng.choice(PROBLEMS) + rng.choice(EXTRA)
        opened = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
        rows.append({"id": next_id, "ref": f"B{next_id}", "customer_id": customer,
                     "nature": nature, "channel": "email", "opened_at": opened,
                     "status": "open", "size": "small", "size_reasons": [],
                     "people_involved": [], "contact_name": "B", "contact_value": "b@x.test",
                     "plan_shared": False, "permission_asked": False,
                     "satisfaction_asked": False, "confirmed_by_customer": False,
                     "updated_at": opened, "version": 1})
        keys += [{"case_id": next_id, "key": k, "opened_at": opened, "suggestible": True}
                 for k in pair_keys(problem_words(nature))]
        next_id += 1
        if len(rows) == CHUNK or next_id > total:
            with engine.begin() as connection:
                connection.execute(cases.insert(), rows)
                connection.execute(similarity_keys.insert(), keys)
            rows, keys = [], []
    with engine.begin() as connection:
        connection.execute(sa.text("ANALYZE"))


def timed(factory: object, lead_id: int, runs: int) -> tuple[float, int]:
    spent = []
    found = 0
    for _ in range(runs):
        with factory() as uow:  # type: ignore[operator]
            lead = uow.get(User, lead_id)
            start = time.perf_counter()
            found = len(suggested_fires(uow, lead))
            spent.append(time.perf_counter() - start)
    return statistics.median(spent) * 1000, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    upgrade(url)
    engine = make_engine(url)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with engine.connect() as connection:
        there = connection.scalar(sa.select(sa.func.count()).select_from(cases))
    if not there:
        fill(engine, args.cases, random.Random(9), now)
    print(f"{engine.dialect.name}: {args.cases:,} cases filled in "
          f"{time.perf_counter() - started:.0f} s")
    factory = uow_factory(engine)
    with factory() as uow:
        found = uow.find(User, limit=1, email="lee@bench.test")
        lead = found[0] if found else users.create_user(
            uow, None, name="Lee", email="lee@bench.test", role=Role.LEAD)
        uow.commit()
        lead_id = lead.id
    for days in (7, 30):
        with factory() as uow:
            set_thresholds(uow, uow.get(User, lead_id), 5, days)
            uow.commit()
        with engine.connect() as connection:
            since = now - timedelta(days=days)
            in_window = connection.scalar(sa.select(sa.func.count()).where(
                cases.c.opened_at >= since))
        ms, found = timed(factory, lead_id, args.runs)
        with factory() as uow:
            start = time.perf_counter()
            candidates, pairs = uow.suggestible_cases(now - timedelta(days=days), 5, 2_000)
            query_ms = (time.perf_counter() - start) * 1000
        print(f"  (the two queries alone: {query_ms:.0f} ms, {len(candidates):,} candidate "
              f"cases, {len(pairs)} frequent pairs)")
        print(f"  window {days:>2} days ({in_window:,} cases in it): {found} suggestions, "
              f"median {ms:.0f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
