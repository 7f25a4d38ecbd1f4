"""Writing imported tickets in bulk (SQLAlchemy Core, one executemany per table).

`write_batch` brings one batch in inside the caller's transaction. Every record it adds
gets its (source, kind, source id) in `import_keys` in the same transaction, and every
record whose key is already there is skipped: a batch written twice adds nothing, so a
run killed at any point continues with nothing imported twice. `plan_batch` counts what
`write_batch` would add, reading only (the dry run).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from frontliner.desk.imports import (
    Attachment,
    Message,
    Person,
    Ticket,
    case_state,
    nature_of,
    waiting_since,
)
from frontliner.desk.model import ContactKind, Direction, Presence, Role, Size
from frontliner.desk.refs import new_case_ref
from frontliner.store.bulk import any_of, insert_rows
from frontliner.store.import_tables import case_tags, import_keys, imported_attachments, tags
from frontliner.store.tables import audit_entries, cases, contacts, customers, interactions, users


@dataclass
class Added:
    """What a batch added (or, in a dry run, would add)."""

    users: int = 0
    customers: int = 0
    cases: int = 0
    messages: int = 0
    notes: int = 0
    attachments: int = 0
    tags: int = 0

    def add(self, other: Added) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Seen:
    """What earlier batches of a dry run would have added (nothing was written)."""

    keys: set[tuple[str, str]] = field(default_factory=set)  # (kind, source id)
    contacts: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)


def hold_write_lock(conn: Connection) -> None:
    """On SQLite, take the database's write lock now, before anything is read: the ids
    `_insert_ids` hands out after max(id) are then ours until commit. (PostgreSQL draws
    them from the table's sequence instead.)"""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("UPDATE import_keys SET id = id WHERE 0")


def _new_ids(conn: Connection, table: sa.Table, count: int) -> list[int]:
    if conn.dialect.name == "postgresql":
        query = sa.text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
                        "FROM generate_series(1, :n)")
        return list(conn.execute(query, {"n": count}).scalars())
    last = conn.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))) or 0
    return list(range(last + 1, last + 1 + count))


def _insert_ids(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows` in one executemany; their new ids in the same order. The ids are
    drawn first (RETURNING with the rows' order kept falls back to one statement per
    row on SQLite, ten times slower)."""
    if not rows:
        return []
    ids = _new_ids(conn, table, len(rows))
    insert_rows(conn, table, [dict(row, id=i) for row, i in zip(rows, ids, strict=True)])
    return ids


LOOKED_UP = (import_keys, users, customers, contacts, cases, tags, case_tags)


def refresh_statistics(conn: Connection) -> None:
    """On PostgreSQL, ANALYZE the tables the import looks keys up in. An import grows them
    faster than autovacuum's analyser follows (when it runs at all): with the statistics
    of a nearly empty table the planner reads `source_id = ANY(...)` as a filter over
    every key of the kind instead of an index condition, and each lookup grows with the
    table (0.7 s at 400,000 keys, against milliseconds)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE " + ", ".join(t.name for t in LOOKED_UP))


def known_keys(conn: Connection, source: str, kind: str, ids: Iterable[str]) -> dict[str, int]:
    """Source id -> id here, for the records of `kind` already imported from `source`."""
    k = import_keys.c
    query = sa.select(k.source_id, k.target_id).where(
        k.source == source, k.kind == kind, any_of(conn, k.source_id, set(ids)))
    return {row.source_id: row.target_id for row in conn.execute(query)}


def _remember(conn: Connection, source: str, kind: str, pairs: dict[str, int],
              at: datetime) -> None:
    if pairs:
        insert_rows(conn, import_keys, [
            {"source": source, "kind": kind, "source_id": sid, "target_id": target,
             "imported_at": at} for sid, target in pairs.items()])


def merged(tickets: Iterable[Ticket]) -> list[Ticket]:
    """One ticket per source id: the same ticket twice in a batch (a CSV's rows, an
    incremental export's updates) adds its messages and tags to the first."""
    by_id: dict[str, Ticket] = {}
    for ticket in tickets:
        first = by_id.get(ticket.source_id)
        if first is None:
            by_id[ticket.source_id] = ticket
            continue
        by_id[ticket.source_id] = Ticket(
            **{**first.__dict__, "messages": first.messages + ticket.messages,
               "tags": tuple(dict.fromkeys(first.tags + ticket.tags))})
    return list(by_id.values())


def staff_email(source: str, person: Person) -> str:
    """A member of staff with no address in the export still needs a unique one here."""
    return person.email or f"{source}-{person.source_id}@imported.invalid"


def _staff_of(tickets: Sequence[Ticket]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for ticket in tickets:
        if ticket.assignee is not None:
            found.setdefault(ticket.assignee.source_id, ticket.assignee)
        for message in ticket.messages:
            if message.author is not None:
                found.setdefault(message.author.source_id, message.author)
    return found


def _staff_ids(conn: Connection, source: str, staff: dict[str, Person],
               at: datetime, added: Added) -> dict[str, int]:
    """Each member of staff's user id: by key, else by e-mail address, else a new agent
    (no password: they set one with "forgot password"; an admin adjusts roles)."""
    ids = known_keys(conn, source, "user", staff)
    missing = {sid: staff_email(source, p) for sid, p in staff.items() if sid not in ids}
    rows = conn.execute(sa.select(users.c.email, users.c.id).where(
        any_of(conn, users.c.email, set(missing.values()))))
    by_email = {row.email: row.id for row in rows}
    new_emails = sorted(set(missing.values()) - set(by_email))
    names = {staff_email(source, p): p.name for p in staff.values()}
    new_rows: list[dict[str, Any]] = [
        {"name": names[e], "email": e, "role": Role.AGENT, "team_id": None, "skills": [],
             "password_hash": None, "active": True, "customer_id": None, "created_at": at,
             "presence": Presence.OFFLINE, "last_seen_at": None, "capacity": None}
            for e in new_emails]
    by_email.update(zip(new_emails, _insert_ids(conn, users, new_rows), strict=True))
    added.users += len(new_emails)
    fresh = {sid: by_email[email] for sid, email in missing.items()}
    _remember(conn, source, "user", fresh, at)
    return ids | fresh


def _contact_of(person: Person) -> tuple[ContactKind, str]:
    if person.email is not None:
        return ContactKind.EMAIL, person.email
    assert person.phone is not None, "check_ticket refuses a requester with no contact"
    return ContactKind.PHONE, person.phone


def _current(conn: Connection, ids: dict[str, int]) -> dict[str, int]:
    """Follow customers merged into others, so messages land on the record in use."""
    for _ in range(10):  # merges chain rarely; a loop of them must not hang the import
        query = sa.select(customers.c.id, customers.c.merged_into_id).where(
            any_of(conn, customers.c.id, set(ids.values())),
            customers.c.merged_into_id.is_not(None))
        merged_into = {row.id: row.merged_into_id for row in conn.execute(query)}
        if not merged_into:
            return ids
        ids = {value: merged_into.get(cid, cid) for value, cid in ids.items()}
    return ids


def _customer_ids(conn: Connection, source: str, people: dict[str, Person],
                  at: datetime, added: Added) -> dict[str, int]:
    """Each requester's customer id: by key, else by contact (e-mail addresses compare in
    lower case, so one address is one customer whatever the source wrote), else new."""
    ids = known_keys(conn, source, "customer", people)
    missing = {sid: _contact_of(p) for sid, p in people.items() if sid not in ids}
    by_contact: dict[tuple[ContactKind, str], int] = {}
    for kind in ContactKind:
        values = {v for k, v in missing.values() if k == kind}
        query = sa.select(contacts.c.value, contacts.c.customer_id).where(
            contacts.c.kind == kind, any_of(conn, contacts.c.value, values))
        by_contact.update(((kind, row.value), row.customer_id) for row in conn.execute(query))
    new = sorted(set(missing.values()) - set(by_contact))
    names = {_contact_of(p): p.name for p in people.values()}
    new_ids = _insert_ids(conn, customers, [
        {"name": names[c], "created_at": at, "merged_into_id": None} for c in new])
    if new:
        insert_rows(conn, contacts, [
            {"customer_id": cid, "kind": kind, "value": value, "is_primary": True}
            for (kind, value), cid in zip(new, new_ids, strict=True)])
    by_contact.update(zip(new, new_ids, strict=True))
    added.customers += len(new)
    fresh = {sid: by_contact[contact] for sid, contact in missing.items()}
    _remember(conn, source, "customer", fresh, at)
    return _current(conn, ids | fresh)


def _case_row(ticket: Ticket, label: str, customer_id: int, owner_id: int | None,
              signer_id: int | None) -> dict[str, Any]:
    state = case_state(ticket, label)
    contact = ticket.requester.email or ticket.requester.phone or ""
    return {
        "ref": new_case_ref(), "customer_id": customer_id, "nature": nature_of(ticket),
        "channel": ticket.channel, "opened_at": ticket.opened_at, "status": state.status,
        "owner_id": owner_id, "handler_id": None, "category": None, "size": Size.SMALL,
        "size_reasons": [], "required_skill": None, "people_involved": [],
        "contact_name": ticket.requester.name, "contact_value": contact,
        "plan_shared": False, "permission_asked": False, "satisfaction_asked": False,
        "confirmed_by_customer": False,
        "exception_by_id": signer_id if state.exception_reason else None,
        "exception_reason": state.exception_reason, "lesson": None, "fire_id": None,
        "resolved_at": state.resolved_at, "closed_at": state.closed_at,
        "updated_at": ticket.updated_at, "version": 1, "confirmed_via": None,
        "confirmation_recorded_by_id": None, "confirmation_interaction_id": None,
        "reopened_at": None, "problem_at": None,
        "waiting_since": waiting_since(ticket, state.status), "returned_from_id": None,
    }


@dataclass(frozen=True)
class Batch:
    """One batch to write, with the analyser's readings of its customers' messages
    (message source id -> reading), made before the write transaction began."""

    source: str  # the key's source: zendesk, freshdesk, csv
    label: str  # the source's name in words, for the closing exception's reason
    tickets: Sequence[Ticket]
    readings: dict[str, dict[str, Any]]
    signer_id: int | None  # the lead whose name the imported closing exceptions carry
    at: datetime  # when the import ran


def write_batch(conn: Connection, batch: Batch) -> Added:
    """Write what of `batch` is new; call inside one transaction (see module doc)."""
    added = Added()
    hold_write_lock(conn)
    tickets = merged(batch.tickets)
    source, at = batch.source, batch.at
    case_ids = known_keys(conn, source, "case", (t.source_id for t in tickets))
    staff = _staff_ids(conn, source, _staff_of(tickets), at, added)
    fresh = [t for t in tickets if t.source_id not in case_ids]
    people = {t.requester.source_id: t.requester for t in fresh}
    customer_of = _customer_ids(conn, source, people, at, added)
    new_ids = _new_cases(conn, batch, fresh, customer_of, staff)
    added.cases += len(new_ids)
    case_ids |= new_ids
    _remember(conn, source, "case", new_ids, at)
    customer_by_case = _customers_of_cases(conn, case_ids.values())
    _write_messages(conn, batch, tickets, case_ids, customer_by_case, staff, added)
    added.tags += _write_tags(conn, tickets, case_ids)
    return added


def _new_cases(conn: Connection, batch: Batch, fresh: list[Ticket],
               customer_of: dict[str, int], staff: dict[str, int]) -> dict[str, int]:
    rows = [_case_row(t, batch.label, customer_of[t.requester.source_id],
                      staff.get(t.assignee.source_id) if t.assignee else None, batch.signer_id)
            for t in fresh]
    ids = _insert_ids(conn, cases, rows)
    if ids:
        insert_rows(conn, audit_entries, [
            {"case_id": cid, "at": batch.at, "action": "imported", "actor_id": None,
             "detail": {"source": batch.source, "source_id": t.source_id,
                        "source_state": t.state.value, "status": row["status"].value,
                        "exception_reason": row["exception_reason"]}}
            for cid, t, row in zip(ids, fresh, rows, strict=True)])
    return {t.source_id: cid for t, cid in zip(fresh, ids, strict=True)}


def _customers_of_cases(conn: Connection, ids: Iterable[int]) -> dict[int, int]:
    query = sa.select(cases.c.id, cases.c.customer_id).where(any_of(conn, cases.c.id, set(ids)))
    return {row.id: row.customer_id for row in conn.execute(query)}


def _write_messages(conn: Connection, batch: Batch, tickets: Sequence[Ticket],
                    case_ids: dict[str, int], customer_by_case: dict[int, int],
                    staff: dict[str, int], added: Added) -> None:
    source = batch.source
    all_messages = [m.source_id for t in tickets for m in t.messages]
    done = known_keys(conn, source, "message", all_messages)
    todo: list[tuple[int, Message]] = []
    for ticket in tickets:
        for message in ticket.messages:
            if message.source_id not in done:
                done[message.source_id] = 0  # the same message twice in one batch: once
                todo.append((case_ids[ticket.source_id], message))
    rows = [{"case_id": cid, "customer_id": customer_by_case[cid], "at": m.at,
             "channel": m.channel, "direction": m.direction, "body": m.body,
             "author_id": staff.get(m.author.source_id) if m.author else None,
             "analysis": batch.readings.get(m.source_id)} for cid, m in todo]
    ids = _insert_ids(conn, interactions, rows)
    _remember(conn, source, "message",
              {m.source_id: iid for (_, m), iid in zip(todo, ids, strict=True)}, batch.at)
    added.messages += sum(m.direction != Direction.NOTE for _, m in todo)
    added.notes += sum(m.direction == Direction.NOTE for _, m in todo)
    _write_attachments(conn, batch, [(cid, iid, m) for (cid, m), iid in
                                     zip(todo, ids, strict=True)], added)


def _write_attachments(conn: Connection, batch: Batch,
                       placed: list[tuple[int, int, Message]], added: Added) -> None:
    pending = [(cid, iid, a) for cid, iid, m in placed for a in m.attachments]
    done = known_keys(conn, batch.source, "attachment", (a.source_id for _, _, a in pending))
    todo: list[tuple[int, int, Attachment]] = []
    for cid, iid, a in pending:
        if a.source_id not in done:
            done[a.source_id] = 0
            todo.append((cid, iid, a))
    ids = _insert_ids(conn, imported_attachments, [
        {"case_id": cid, "interaction_id": iid, "filename": a.filename[:255],
         "content_type": a.content_type[:127], "size": a.size, "data": a.data, "url": a.url,
         "created_at": batch.at} for cid, iid, a in todo])
    _remember(conn, batch.source, "attachment",
              {a.source_id: aid for (_, _, a), aid in zip(todo, ids, strict=True)}, batch.at)
    added.attachments += len(todo)


def tag_ids(conn: Connection, names: Iterable[str]) -> tuple[dict[str, int], int]:
    """Each tag's id, adding the tags not there yet; and how many were added."""
    wanted = sorted(set(names))
    rows = conn.execute(sa.select(tags.c.name, tags.c.id).where(any_of(conn, tags.c.name, wanted)))
    found = {row.name: row.id for row in rows}
    new = [n for n in wanted if n not in found]
    found.update(zip(new, _insert_ids(conn, tags, [{"name": n} for n in new]), strict=True))
    return found, len(new)


def _write_tags(conn: Connection, tickets: Sequence[Ticket], case_ids: dict[str, int]) -> int:
    ids, new_tags = tag_ids(conn, (tag for t in tickets for tag in t.tags))
    wanted = {(case_ids[t.source_id], ids[tag]) for t in tickets for tag in t.tags}
    query = sa.select(case_tags.c.case_id, case_tags.c.tag_id).where(
        any_of(conn, case_tags.c.case_id, {cid for cid, _ in wanted}))
    have = {(row.case_id, row.tag_id) for row in conn.execute(query)}
    missing = sorted(wanted - have)
    if missing:
        insert_rows(conn, case_tags, [{"case_id": c, "tag_id": t} for c, t in missing])
    return new_tags


def plan_batch(conn: Connection, source: str, tickets: Sequence[Ticket], seen: Seen) -> Added:
    """What `write_batch` would add, reading only; `seen` carries earlier batches."""
    tickets = merged(tickets)
    plan = Added()
    staff = _staff_of(tickets)
    plan.users += _count_new(conn, source, "user", staff, seen)
    new_cases = _unseen(conn, source, "case", [t.source_id for t in tickets], seen)
    fresh = [t for t in tickets if t.source_id in new_cases]
    plan.cases += len(fresh)
    people = {t.requester.source_id: t.requester for t in fresh}
    plan.customers += _count_new_contacts(conn, source, people, seen)
    messages = [m for t in tickets for m in t.messages]
    new_messages = _unseen(conn, source, "message", [m.source_id for m in messages], seen)
    for message in (m for m in messages if m.source_id in new_messages):
        if message.direction == Direction.NOTE:
            plan.notes += 1
        else:
            plan.messages += 1
        plan.attachments += len(message.attachments)
    names = {tag for t in tickets for tag in t.tags} - seen.tags
    plan.tags += len(names) - len(tag_names_known(conn, names))
    seen.tags |= names
    return plan


def tag_names_known(conn: Connection, names: Iterable[str]) -> set[str]:
    return set(conn.scalars(sa.select(tags.c.name).where(any_of(conn, tags.c.name, names))))


def _unseen(conn: Connection, source: str, kind: str, ids: list[str], seen: Seen) -> set[str]:
    """The ids of `kind` neither imported before nor met earlier in this dry run."""
    unseen = {sid for sid in ids if (kind, sid) not in seen.keys}
    seen.keys.update((kind, sid) for sid in unseen)
    return unseen - set(known_keys(conn, source, kind, unseen))


def _count_new(conn: Connection, source: str, kind: str, people: dict[str, Person],
               seen: Seen) -> int:
    ids = [sid for sid in people if (kind, sid) not in seen.keys]
    known = known_keys(conn, source, kind, ids)
    seen.keys.update((kind, sid) for sid in ids)
    emails = {staff_email(source, people[sid]) for sid in ids if sid not in known}
    emails -= seen.contacts
    have = set(conn.scalars(sa.select(users.c.email).where(any_of(conn, users.c.email, emails))))
    seen.contacts |= emails
    return len(emails - have)


def _count_new_contacts(conn: Connection, source: str, people: dict[str, Person],
                        seen: Seen) -> int:
    ids = [sid for sid in people if ("customer", sid) not in seen.keys]
    known = known_keys(conn, source, "customer", ids)
    seen.keys.update(("customer", sid) for sid in ids)
    wanted = {_contact_of(people[sid]) for sid in ids if sid not in known}
    wanted = {c for c in wanted if f"{c[0]}:{c[1]}" not in seen.contacts}
    have: set[tuple[ContactKind, str]] = set()
    for kind in ContactKind:
        values = [v for k, v in wanted if k == kind]
        query = sa.select(contacts.c.value).where(
            contacts.c.kind == kind, any_of(conn, contacts.c.value, values))
        have.update((kind, v) for v in conn.scalars(query))
    seen.contacts.update(f"{k}:{v}" for k, v in wanted)
    return len(wanted - have)


def signer_id(conn: Connection, email: str | None) -> int | None:
    """The lead or admin who signs the closing exceptions of tickets solved at the source:
    the one named, else the first active lead or admin; None when there is none."""
    u = users.c
    query = sa.select(u.id).where(u.role.in_([Role.LEAD, Role.ADMIN]), u.active.is_(True))
    if email:
        query = query.where(u.email == email.strip().lower())
    return conn.scalar(query.order_by(u.id).limit(1))
