"""Seed a large desk fast: by default one million cases with their messages, audit
trail, escalations, follow-ups, approvals, ratings and fires, spread over a year.

    python bench/seed_million.py --database-url URL [--cases 1000000] [--days 365]
                                 [--seed 7] [--keep]

On PostgreSQL the rows go in with COPY (psycopg), on SQLite with batched Core inserts;
either way with a Rich progress bar. The schema is dropped and rebuilt by the migrations
first (give it a scratch database) unless --keep. The rows are synthetic but shaped like
a desk's: cases opened in time order, owned by agents in teams, on every channel and a
dozen categories; most answered within hours, most resolved (mostly confirmed by the
customer, some by a lead's exception, a few reopened), some escalated, some with a
remedy above the agent's limit, a fifth rated. Customers have names and e-mail addresses,
and the messages, replies and internal notes real words (`desk_texts.py`: products, order
numbers, carriers), so full-text search has a desk's vocabulary to work on. Nothing here
goes through the desk's operations (a million of them would take hours): the point is
size, for benchmarks.

Everyone can sign in with the demo password: the lead (lead@bench.test), the agents
(agent{team}-{n}@bench.test) and the first LOGINS customers (their e-mail address).

On PostgreSQL the tables' secondary indexes (the search's GIN indexes among them) are
dropped while the rows go in and built again at the end: one build is far cheaper than
a million index updates.

The insights' rollups are written too: each case's facts are worked out by the same
functions the rollup uses (`insight_rollup.stored_form` and `expand`) on the case as
generated, summed in memory, and copied in at the end, as `frontliner insights rebuild`
would have left them (insights_bench.py checks a sample against a real rebuild).

Other benchmarks reuse it: `seed(engine, cases=..., days=..., seed=...)` returns a
`SeededDesk` with the ids a benchmark needs (a lead, agents, teams).
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from desk_texts import DeskTexts
from frontliner.demo_data import DEMO_PASSWORD
from frontliner.desk import insight_facts as f
from frontliner.desk.passwords import hash_password
from frontliner.store import insight_rollup
from frontliner.store.engine import make_engine
from frontliner.store.insight_tables import insight_buckets, insight_case_facts, insight_progress
from frontliner.store.migrate import upgrade
from frontliner.store.tables import (
    approval_requests,
    audit_entries,
    cases,
    contacts,
    customers,
    escalations,
    fires,
    follow_ups,
    interactions,
    metadata,
    remedies,
    satisfaction_ratings,
    teams,
    users,
)

console = Console()
CHUNK = 20_000
TEAMS = ["Billing", "Delivery", "Returns", "Accounts", "Store", "Repairs", "Subscriptions",
         "Business"]
CATEGORIES = ["billing", "delivery", "returns", "account", "damaged", "refund", "login",
              "subscription", "warranty", "store", "invoice", "other"]
CHANNELS = ["email", "web", "chat", "phone"]
AGENTS_PER_TEAM = 6
CUSTOMERS = 50_000
LOGINS = 20  # customers who can sign in to the portal
NOTED = 0.15  # share of cases with an internal note
FIRES = 60
READINGS = [  # (share, analysis) of a customer's first message
    (0.55, {"complaint": True, "indirect": False, "abuse": False}),
    (0.10, {"complaint": True, "indirect": True, "abuse": False}),
    (0.01, {"complaint": True, "indirect": False, "abuse": True}),
    (0.34, {"complaint": False, "indirect": False, "abuse": False}),
]
COMMENTS = ["Quick and kind, thank you.", "Took too long.", "", "", "Solved at once.",
            "=still waiting", "Friendly and clear."]


@dataclass(frozen=True)
class SeededDesk:
    cases: int
    lead_id: int
    agent_ids: list[int]
    team_ids: list[int]
    first_day: datetime
    last_day: datetime
    template_cases: int  # cases 1..this were generated; the others are their copies


def reset(url: str) -> sa.Engine:
    """A migrated, empty schema (every table dropped first)."""
    engine = make_engine(url)
    existing = sa.MetaData()
    existing.reflect(engine)
    with engine.begin() as connection:
        for table in reversed(existing.sorted_tables):
            connection.execute(sa.text(f'DROP TABLE IF EXISTS "{table.name}"'
                                       + (" CASCADE" if engine.dialect.name == "postgresql"
                                          else "")))
    upgrade(engine)
    return engine


class Writer:
    """Appends rows to tables: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"

    def write(self, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        if self.postgres:
            return self._copy(table, columns, rows)
        count, batch = 0, []
        with self.engine.begin() as connection:
            for row in rows:
                batch.append(dict(zip(columns, row, strict=True)))
                if len(batch) >= CHUNK:
                    connection.execute(table.insert(), batch)
                    count, batch = count + len(batch), []
            if batch:
                connection.execute(table.insert(), batch)
                count += len(batch)
        return count

    def _copy(self, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            names = ", ".join(f'"{c}"' for c in columns)
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([json.dumps(v) if isinstance(v, dict | list) else v
                                    for v in row])
                    count += 1
            raw.commit()
        finally:
            raw.close()
        return count


SPAN_DAYS = 5  # on PostgreSQL, a template of this many days is generated, then copied


def seed(engine: sa.Engine, cases_wanted: int = 1_000_000, days: int = 365,
         seed_value: int = 7, end: datetime | None = None) -> SeededDesk:
    """Fill an empty, migrated schema with a desk of at least `cases_wanted` cases.

    On SQLite every case is generated here. On PostgreSQL the first SPAN_DAYS days are
    generated here (with their rollups) and copied forward SPAN_DAYS days at a time by
    INSERT ... SELECT inside the database (`_copy_forward`): a million cases in minutes
    on a busy machine instead of an hour, with the same spread and the same rollups
    (shifted by whole days, so every fact lands on its own day of the copy)."""
    rng = random.Random(seed_value)
    last = (end or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
    first = last - timedelta(days=days)
    copies = max(1, days // SPAN_DAYS) if engine.dialect.name == "postgresql" else 1
    span = days / copies
    template = -(-cases_wanted // copies)
    writer = Writer(engine)
    indexes = _drop_indexes(engine)
    people = _people(writer, first, DeskTexts(seed_value + 1))
    with Progress(*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task(f"Generating {template:,} cases", total=template)
        sink = _Sink(writer, last)
        for case_id in range(1, template + 1):
            opened = first + timedelta(seconds=int(span * 86400 * (case_id - 1) / template))
            _one_case(sink, rng, case_id, opened, people)
            if case_id % CHUNK == 0:
                sink.flush()
                progress.update(task, completed=case_id)
        sink.flush()
        progress.update(task, completed=template)
        task = progress.add_task("Writing the insights' rollups", total=len(sink.buckets))
        progress.update(task, completed=sink.write_buckets())
        if copies > 1:
            task = progress.add_task(f"Copying forward {copies - 1} times", total=copies - 1)
            _copy_forward(engine, copies, int(span), template, sink.ids["remedies"])
            progress.update(task, completed=copies - 1)
        if indexes:
            task = progress.add_task(f"Building {len(indexes)} indexes", total=len(indexes))
            _restore_indexes(engine, indexes, lambda: progress.advance(task))
    _finish(engine, last)
    return SeededDesk(cases=template * copies, lead_id=people.lead, agent_ids=people.agents,
                      team_ids=people.teams, first_day=first, last_day=last,
                      template_cases=template)


# Per table: the columns moved in time, and the id columns offset per copy
# ("case": by the template's case count, "remedy": by its remedy count).
_MOVED: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "cases": (("opened_at", "resolved_at", "updated_at"), {"id": "case"}),
    "interactions": (("at",), {"case_id": "case"}),
    "audit_entries": (("at",), {"case_id": "case"}),
    "escalations": (("at", "resolved_at"), {"case_id": "case"}),
    "follow_ups": (("due_at", "done_at"), {"case_id": "case"}),
    "remedies": (("requested_at", "applied_at"), {"id": "remedy", "case_id": "case"}),
    "approval_requests": (("created_at", "decided_at"), {"case_id": "case",
                                                         "remedy_id": "remedy"}),
    "satisfaction_ratings": (("at",), {"case_id": "case"}),
}


def _copy_forward(engine: sa.Engine, copies: int, span: int, cases_n: int,
                  remedies_n: int) -> None:
    """Copy the template's rows `copies - 1` times, each `span` days later, and its
    rollups with them (summed where copies meet on the same day). PostgreSQL only. The
    copies' `insight_case_facts` are not written: nothing changes them in a benchmark."""
    offsets = {"case": cases_n, "remedy": remedies_n}
    with engine.begin() as connection:
        _sequences(connection)  # the template's explicit ids are taken
        for table, (moved, ids) in _MOVED.items():
            columns = [c for c in _Sink.COLUMNS[table] if c != "id" or table in
                       ("cases", "remedies")]
            exprs = []
            for column in columns:
                if column in moved:
                    exprs.append(f'"{column}" + k.i * interval \'{span} days\'')
                elif column in ids:
                    exprs.append(f'"{column}" + k.i * {offsets[ids[column]]}')
                elif table == "cases" and column == "ref":
                    exprs.append("ref || '-' || k.i")
                else:
                    exprs.append(f'"{column}"')
            names = ", ".join(f'"{c}"' for c in columns)
            connection.execute(sa.text(
                f'INSERT INTO "{table}" ({names}) SELECT {", ".join(exprs)} FROM "{table}" '
                f"CROSS JOIN generate_series(1, {copies - 1}) AS k(i)"))
        key = ", ".join(insight_rollup.KEY)
        connection.execute(sa.text(
            "CREATE TEMP TABLE template_buckets ON COMMIT DROP AS SELECT * FROM insight_buckets"))
        connection.execute(sa.text("DELETE FROM insight_buckets"))
        # a bucket that holds a moment (seconds since the epoch) moves with the day
        moments = ", ".join(f"'{metric}'" for metric in (f.COMMENT, f.FOLLOW_UP_OPEN))
        moved_key = key.replace("day", f"day + k.i * {span}").replace(
            "bucket", f"bucket + CASE WHEN metric IN ({moments}) THEN k.i * {span * 86400} "
                      "ELSE 0 END")
        connection.execute(sa.text(
            f"INSERT INTO insight_buckets ({key}, n, total) "
            f"SELECT {moved_key}, sum(n), sum(total) FROM template_buckets "
            f"CROSS JOIN generate_series(0, {copies - 1}) AS k(i) GROUP BY {moved_key}"))


def _drop_indexes(engine: sa.Engine) -> list[str]:
    """PostgreSQL: drop the secondary indexes of the tables the seed fills (not primary
    keys or unique ones, which keep the data right); their definitions, to build again."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.begin() as connection:
        rows = connection.execute(sa.text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE NOT i.indisunique AND NOT i.indisprimary AND t.relname = ANY(:tables)"),
            {"tables": [*_Sink.COLUMNS, "customers", "contacts", "insight_buckets"]}).all()
        for name, _definition in rows:
            connection.execute(sa.text(f"DROP INDEX {name}"))
    return [definition for _name, definition in rows]


def _restore_indexes(engine: sa.Engine, definitions: list[str],
                     done: Callable[[], None]) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
        for definition in definitions:
            connection.execute(sa.text(definition))
            done()


@dataclass
class _People:
    teams: list[int]
    agents: list[int]
    lead: int
    customers: int
    team_of: dict[int, int]
    names: list[str]  # customer id - 1 -> name
    emails: list[str]
    texts: DeskTexts


def _people(writer: Writer, at: datetime, texts: DeskTexts) -> _People:
    password = hash_password(DEMO_PASSWORD)
    team_ids = list(range(1, len(TEAMS) + 1))
    writer.write(teams, ["id", "name"], [[i, name] for i, name in zip(team_ids, TEAMS,
                                                                        strict=True)])
    rows: list[list[Any]] = [[1, "Lee Lead", "lead@bench.test", "lead", 1, [], password, True,
                              None, at]]
    agent_ids: list[int] = []
    team_of: dict[int, int] = {}
    for team in team_ids:
        for n in range(AGENTS_PER_TEAM):
            user_id = len(rows) + 1
            agent_ids.append(user_id)
            team_of[user_id] = team
            rows.append([user_id, f"Agent {team}-{n}", f"agent{team}-{n}@bench.test", "agent",
                         team, [], password, True, None, at])
    count = CUSTOMERS
    names = [texts.name() for _ in range(count)]
    emails = [f"{name.lower().replace(' ', '.')}.{i}@example.com"
              for i, name in enumerate(names, start=1)]
    for customer in range(1, LOGINS + 1):
        rows.append([len(rows) + 1, names[customer - 1], emails[customer - 1], "customer",
                     None, [], password, True, customer, at])
    writer.write(customers, ["id", "name", "created_at"],
                 ([i, name, at] for i, name in enumerate(names, start=1)))
    writer.write(contacts, ["id", "customer_id", "kind", "value", "is_primary"],
                 ([i, i, "email", email, True] for i, email in enumerate(emails, start=1)))
    writer.write(users, ["id", "name", "email", "role", "team_id", "skills", "password_hash",
                         "active", "customer_id", "created_at"], rows)
    fire_rows = [[i, f"Recurring problem {i}", f"recurring problem {i}", at, i % 3 == 0,
                  agent_ids[i % len(agent_ids)] if i % 3 == 0 else None,
                  at + timedelta(days=i) if i % 3 == 0 else None,
                  "fixed at the source" if i % 3 == 0 else ""] for i in range(1, FIRES + 1)]
    writer.write(fires, ["id", "title", "key", "created_at", "fixed_for_good", "fixed_by_id",
                         "fixed_at", "fix"], fire_rows)
    return _People(team_ids, agent_ids, 1, count, team_of, names, emails, texts)


class _Sink:
    """Rows of many cases, written a chunk at a time, one table after another."""

    COLUMNS: ClassVar[dict[str, list[str]]] = {
        "cases": ["id", "ref", "customer_id", "nature", "channel", "opened_at", "status",
                  "owner_id", "category", "size", "size_reasons", "people_involved",
                  "contact_name", "contact_value", "plan_shared", "permission_asked",
                  "satisfaction_asked", "confirmed_by_customer", "exception_by_id",
                  "exception_reason", "fire_id", "resolved_at", "closed_at", "updated_at",
                  "version", "confirmed_via"],
        "interactions": ["case_id", "customer_id", "at", "channel", "direction", "body",
                         "author_id", "analysis"],
        "audit_entries": ["case_id", "at", "action", "actor_id", "detail"],
        "escalations": ["id", "case_id", "handler_id", "escalated_by_id", "at", "reason",
                        "facts", "resolved_at"],
        "follow_ups": ["case_id", "owner_id", "due_at", "note", "done_at"],
        "remedies": ["id", "case_id", "kind", "requested_by_id", "requested_at", "amount",
                     "days", "note", "status", "applied_at"],
        "approval_requests": ["case_id", "remedy_id", "requested_by_id", "created_at",
                              "reason", "status", "decided_by_id", "decided_at", "note"],
        "satisfaction_ratings": ["case_id", "customer_id", "score", "at", "comment"],
        "insight_case_facts": ["case_id", "facts", "rolled_at"],
    }
    TABLES: ClassVar[dict[str, sa.Table]] = {
        "cases": cases, "interactions": interactions, "audit_entries": audit_entries,
        "escalations": escalations, "follow_ups": follow_ups, "remedies": remedies,
        "approval_requests": approval_requests, "satisfaction_ratings": satisfaction_ratings,
        "insight_case_facts": insight_case_facts}

    def __init__(self, writer: Writer, now: datetime) -> None:
        self.writer = writer
        self.now = now
        self.rows: dict[str, list[list[Any]]] = {name: [] for name in self.COLUMNS}
        self.ids = {"escalations": 0, "remedies": 0}
        self.buckets: dict[tuple[Any, ...], list[int]] = {}

    def roll(self, case_id: int, record: f.CaseRecord, dims: tuple[int, str, str]) -> None:
        """What the rollups would add for this case (`store/insight_rollup.py`'s own
        functions, on the record in hand instead of one read back from the tables)."""
        stored = insight_rollup.stored_form(record, dims)
        self.add("insight_case_facts", [case_id, stored, self.now])
        for row, n, total in insight_rollup.expand(stored):
            slot = self.buckets.setdefault(row, [0, 0])
            slot[0] += n
            slot[1] += total

    def write_buckets(self) -> int:
        rows = ([*row, n, total] for row, (n, total) in self.buckets.items())
        return self.writer.write(insight_buckets, [*insight_rollup.KEY, "n", "total"], rows)

    def add(self, table: str, row: list[Any]) -> None:
        self.rows[table].append(row)

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def flush(self) -> None:
        for name, rows in self.rows.items():  # parents first: the dict keeps that order
            if rows:
                self.writer.write(self.TABLES[name], self.COLUMNS[name], rows)
                rows.clear()


def _pick(rng: random.Random, weighted: Sequence[tuple[float, Any]]) -> Any:
    roll, seen = rng.random(), 0.0
    for share, value in weighted:
        seen += share
        if roll < seen:
            return value
    return weighted[-1][1]


def _one_case(sink: _Sink, rng: random.Random, case_id: int, opened: datetime,
              people: _People) -> None:
    owner = rng.choice(people.agents)
    customer = rng.randrange(1, people.customers + 1)
    channel = rng.choice(CHANNELS)
    category = rng.choice(CATEGORIES)
    h = timedelta(hours=1)
    reading = _pick(rng, READINGS)
    record = f.CaseRecord(opened_at=opened, owner_id=owner)
    name = people.names[customer - 1]
    text = people.texts.case(case_id, category, name)
    sink.add("interactions", [case_id, customer, opened, channel, "inbound", text.first, None,
                              reading])
    record.inbound.append((opened, reading))
    sink.add("audit_entries", [case_id, opened, "opened", owner, {"owner_id": owner}])
    replied = opened + timedelta(minutes=rng.choice([3, 12, 25, 45, 90, 180, 400, 1300]))
    if rng.random() < 0.92:
        sink.add("interactions", [case_id, customer, replied, channel, "outbound",
                                  text.reply, owner, None])
        sink.add("audit_entries", [case_id, replied, "reply_sent", owner, {}])
        record.replies.append(f.Reply(at=replied, author_id=owner))
    escalated = rng.random() < 0.06
    if escalated:
        _escalation(sink, rng, case_id, owner, people.lead, replied + h, record)
    if rng.random() < 0.03:
        _approval(sink, rng, case_id, owner, people.lead, replied + 2 * h, record)
    if people.texts.rng.random() < NOTED:
        sink.add("interactions", [case_id, customer, replied + timedelta(minutes=1), channel,
                                  "note", text.note, owner, None])
    if rng.random() < 0.8:
        _resolution(sink, rng, case_id, customer, channel, replied, people.lead, record,
                    text.again)
    record.fire_id = rng.randrange(1, FIRES + 1) if rng.random() < 0.1 else None
    confirmed, resolved_at = record.confirmed_by_customer, record.resolved_at
    exception = people.lead if resolved_at and not confirmed else None
    sink.add("cases", [case_id, f"B{case_id:09d}{secrets.token_hex(3)}", customer,
                       text.problem, channel, opened,
                       "open" if resolved_at is None else "resolved", owner, category,
                       "big" if escalated else "small", [], [], name,
                       people.emails[customer - 1], True, True, True, confirmed, exception,
                       "customer left" if exception else None, record.fire_id, resolved_at,
                       None, resolved_at or replied, 1, "customer" if confirmed else None])
    sink.roll(case_id, record, (people.team_of[owner], channel, category))


def _resolution(sink: _Sink, rng: random.Random, case_id: int, customer: int, channel: str,
                replied: datetime, lead: int, record: f.CaseRecord, again_text: str) -> None:
    h = timedelta(hours=1)
    resolved_at = replied + timedelta(hours=rng.choice([1, 3, 8, 20, 30, 50, 120]))
    confirmed = rng.random() < 0.93
    action = "confirmed_by_customer" if confirmed else "exception_signed"
    sink.add("audit_entries", [case_id, resolved_at, action, None if confirmed else lead,
                               {"to": "resolved"}])
    record.resolutions.append((resolved_at, action))
    if rng.random() < 0.05:  # the customer wrote again: reopened, then solved again
        again = resolved_at + 5 * h
        sink.add("interactions", [case_id, customer, again, channel, "inbound",
                                  again_text, None, READINGS[0][1]])
        sink.add("audit_entries", [case_id, again, "reopened", None, {"to": "open"}])
        record.inbound.append((again, READINGS[0][1]))
        record.reopens.append(again)
        resolved_at = again + 20 * h
        sink.add("audit_entries", [case_id, resolved_at, "confirmed_by_customer", None,
                                   {"to": "resolved"}])
        record.resolutions.append((resolved_at, "confirmed_by_customer"))
        confirmed = True
    record.resolved_at, record.confirmed_by_customer = resolved_at, confirmed
    if rng.random() < 0.2:
        score = _pick(rng, [(0.05, 1), (0.07, 2), (0.13, 3), (0.3, 4), (0.45, 5)])
        comment = rng.choice(COMMENTS)
        sink.add("satisfaction_ratings", [case_id, customer, score, resolved_at + h, comment])
        record.ratings.append((resolved_at + h, score))
        if comment:
            record.commented.append(resolved_at + h)


def _escalation(sink: _Sink, rng: random.Random, case_id: int, owner: int, lead: int,
                at: datetime, record: f.CaseRecord) -> None:
    back = at + timedelta(hours=rng.choice([2, 6, 20, 48]))
    sink.add("escalations", [sink.next_id("escalations"), case_id, lead, owner, at,
                             "needs a lead", {}, back])
    due = at + timedelta(days=1)
    done = at + timedelta(hours=rng.choice([5, 20, 30, 60]))
    sink.add("follow_ups", [case_id, owner, due, "check with the handler", done])
    sink.add("audit_entries", [case_id, at, "escalated", owner, {"to": "escalated"}])
    record.escalations.append((at, back))
    record.follow_ups.append((due, done))


def _approval(sink: _Sink, rng: random.Random, case_id: int, owner: int, lead: int,
              at: datetime, record: f.CaseRecord) -> None:
    remedy_id = sink.next_id("remedies")
    granted = rng.random() < 0.7
    decided = at + timedelta(minutes=rng.choice([10, 40, 120, 600]))
    status = "approved" if granted else "declined"
    sink.add("remedies", [remedy_id, case_id, "refund", owner, at, 20_000, 0, "above limit",
                          "applied" if granted else "declined", decided if granted else None])
    sink.add("approval_requests", [case_id, remedy_id, owner, at, "above the limit",
                                   status, lead, decided, ""])
    sink.add("audit_entries", [case_id, at, "approval_requested", owner, {}])
    record.approvals.append(f.ApprovalFacts(at, owner, status, decided))


def _finish(engine: sa.Engine, now: datetime) -> None:
    """Sequences past the ids written, the rollups marked up to date with the audit
    trail, and fresh planner statistics."""
    with engine.begin() as connection:
        newest = connection.scalar(sa.select(sa.func.max(audit_entries.c.id))) or 0
        connection.execute(insight_progress.insert().values(
            name=insight_rollup.PROGRESS, last_audit_id=newest, updated_at=now))
        if engine.dialect.name == "postgresql":
            _sequences(connection)
        connection.execute(sa.text("ANALYZE"))


def _sequences(connection: sa.Connection) -> None:
    """Each id sequence past the ids written with explicit values (PostgreSQL)."""
    # Only integer ids have a sequence (worker_beats is keyed by a name).
    for table in (t for t in metadata.sorted_tables
                  if "id" in t.c and isinstance(t.c.id.type, sa.Integer)):
        connection.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM \"{table.name}\"))"))


def main(argv: list[str] | None = None, then: Callable[[sa.Engine], None] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a scratch database")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="do not drop the schema first")
    args = parser.parse_args(argv)
    engine = make_engine(args.database_url) if args.keep else reset(args.database_url)
    desk = seed(engine, args.cases, args.days, args.seed)
    console.print(f"Seeded {desk.cases:,} cases from {desk.first_day:%Y-%m-%d} to "
                  f"{desk.last_day:%Y-%m-%d}.")
    if then is not None:
        then(engine)


if __name__ == "__main__":
    main()
