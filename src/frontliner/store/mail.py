"""Storing inbound mail durably, and the queries over the mail tables.

`store_raw` is the acknowledgement point of every mail receiver: when it returns, the
message is committed. Everything else here reads or updates rows the processing step
owns. Plain SQLAlchemy Core: the mail rows are channel records, not desk entities.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from frontliner.desk.model import HeldStatus
from frontliner.store.mail_tables import MailStatus, inbound_mail, mail_attachments
from frontliner.store.tables import held_messages

MAX_ADDRESS = 998


@dataclass(frozen=True)
class Stored:
    """The row a message is kept in; `created` is False when it was already there."""

    mail_id: int
    created: bool


@dataclass(frozen=True)
class MailSummary:
    id: int
    received_at: datetime
    source: str
    envelope_from: str
    size: int
    status: MailStatus
    reason: str | None
    attempts: int
    subject: str | None
    case_id: int | None


@dataclass(frozen=True)
class Attachment:
    name: str
    filename: str
    content_type: str
    size: int
    case_id: int | None
    data: bytes


@dataclass(frozen=True)
class Incoming:
    """One message as a receiver got it, before it is stored."""

    raw: bytes
    envelope_from: str
    envelope_to: Sequence[str]
    source: str
    source_key: str | None = None


def store_raw(
    engine: Engine,
    raw: bytes,
    *,
    envelope_from: str,
    envelope_to: Sequence[str],
    source: str,
    source_key: str | None = None,
    now: datetime | None = None,
) -> Stored:
    """Keep `raw` exactly as received, committed before this returns.

    The same bytes (or the same `source_key`) stored again give back the first row, so a
    sender retrying after a lost acknowledgement never makes a second copy.
    """
    item = Incoming(raw, envelope_from, envelope_to, source, source_key)
    try:
        with engine.begin() as connection:
            return _insert(connection, item, now or datetime.now(UTC))
    except IntegrityError:
        digest = hashlib.sha256(raw).hexdigest()
        existing = _existing(engine, digest, source_key)
        if existing is None:
            raise
        return Stored(mail_id=existing, created=False)


def store_raw_batch(engine: Engine, items: Sequence[Incoming]) -> list[Stored]:
    """Keep several messages in ONE transaction (one commit, one disk sync for all), which
    is how a busy receiver keeps up on SQLite. If any is already stored, falls back to
    one transaction each, so each still comes back exactly once."""
    at = datetime.now(UTC)
    try:
        with engine.begin() as connection:
            return [_insert(connection, item, at) for item in items]
    except IntegrityError:
        return [
            store_raw(
                engine,
                item.raw,
                envelope_from=item.envelope_from,
                envelope_to=item.envelope_to,
                source=item.source,
                source_key=item.source_key,
                now=at,
            )
            for item in items
        ]


def _insert(connection: Connection, item: Incoming, at: datetime) -> Stored:
    row = {
        "received_at": at,
        "source": item.source,
        "source_key": item.source_key,
        "digest": hashlib.sha256(item.raw).hexdigest(),
        "envelope_from": item.envelope_from[:MAX_ADDRESS],
        "envelope_to": [a[:MAX_ADDRESS] for a in item.envelope_to],
        "size": len(item.raw),
        "raw": item.raw,
        "status": MailStatus.RECEIVED,
        "attempts": 0,
    }
    key = connection.execute(sa.insert(inbound_mail).values(**row)).inserted_primary_key
    assert key is not None
    return Stored(mail_id=int(key[0]), created=True)


def _existing(engine: Engine, digest: str, source_key: str | None) -> int | None:
    match = inbound_mail.c.digest == digest
    if source_key is not None:
        match = sa.or_(match, inbound_mail.c.source_key == source_key)
    with engine.connect() as connection:
        found = connection.scalar(sa.select(inbound_mail.c.id).where(match).limit(1))
    return None if found is None else int(found)


def load_raw(engine: Engine, mail_id: int) -> bytes | None:
    with engine.connect() as connection:
        found = connection.scalar(sa.select(inbound_mail.c.raw).where(inbound_mail.c.id == mail_id))
    return None if found is None else bytes(found)


@dataclass(frozen=True)
class RawMail:
    raw: bytes
    status: MailStatus
    envelope_from: str
    envelope_to: list[str]
    attempts: int


def lock_for_processing(connection: Connection, mail_id: int) -> RawMail | None:
    """The stored message, its row held (PostgreSQL) so two workers never process it at once."""
    return lock_many_for_processing(connection, [mail_id]).get(mail_id)


def lock_many_for_processing(connection: Connection, mail_ids: Sequence[int]) -> dict[int, RawMail]:
    """The stored messages by id (missing ids left out), their rows held on PostgreSQL,
    locked in id order so two workers taking overlapping batches cannot deadlock."""
    c = inbound_mail.c
    query = (
        sa.select(c.id, c.raw, c.status, c.envelope_from, c.envelope_to, c.attempts)
        .where(c.id.in_(list(mail_ids)))
        .order_by(c.id)
    )
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    return {
        int(row.id): RawMail(
            raw=bytes(row.raw),
            status=MailStatus(row.status),
            envelope_from=row.envelope_from,
            envelope_to=list(row.envelope_to),
            attempts=row.attempts,
        )
        for row in connection.execute(query)
    }


def update_mail(connection: Connection, mail_id: int, **values: Any) -> None:
    connection.execute(sa.update(inbound_mail).where(inbound_mail.c.id == mail_id).values(**values))


def bump_attempts(connection: Connection, mail_id: int) -> None:
    connection.execute(
        sa.update(inbound_mail)
        .where(inbound_mail.c.id == mail_id)
        .values(attempts=inbound_mail.c.attempts + 1)
    )


def first_with_dedupe_key(connection: Connection, dedupe_key: str) -> tuple[int, int | None] | None:
    """(id, case_id) of the mail already processed under this key (Message-ID + sender)."""
    row = connection.execute(
        sa.select(inbound_mail.c.id, inbound_mail.c.case_id)
        .where(inbound_mail.c.dedupe_key == dedupe_key)
        .limit(1)
    ).first()
    return None if row is None else (int(row.id), row.case_id)


def first_with_dedupe_keys(
    connection: Connection, dedupe_keys: Sequence[str]
) -> dict[str, tuple[int, int | None]]:
    """`first_with_dedupe_key` for many keys in one query: {key: (id, case_id)} of those
    already taken."""
    if not dedupe_keys:
        return {}
    c = inbound_mail.c
    rows = connection.execute(
        sa.select(c.dedupe_key, c.id, c.case_id).where(c.dedupe_key.in_(list(dedupe_keys)))
    )
    return {str(row.dedupe_key): (int(row.id), row.case_id) for row in rows}


def case_of_message_ids(connection: Connection, message_ids: Sequence[str]) -> int | None:
    """The case an earlier inbound mail with one of these Message-IDs went to (newest first)."""
    if not message_ids:
        return None
    found = connection.scalar(
        sa.select(inbound_mail.c.case_id)
        .where(
            inbound_mail.c.message_id.in_(list(message_ids)[:50]),
            inbound_mail.c.case_id.is_not(None),
            inbound_mail.c.status != MailStatus.HELD,  # a held message is not the thread
        )
        .order_by(inbound_mail.c.id.desc())
        .limit(1)
    )
    return None if found is None else int(found)


def add_attachment(connection: Connection, **values: Any) -> None:
    connection.execute(sa.insert(mail_attachments).values(**values))


def waiting_ids(
    engine: Engine, status: MailStatus = MailStatus.RECEIVED, limit: int = 100
) -> list[int]:
    """Oldest first: mail in `status` (received = accepted but not processed yet)."""
    with engine.connect() as connection:
        rows = connection.scalars(
            sa.select(inbound_mail.c.id)
            .where(inbound_mail.c.status == status)
            .order_by(inbound_mail.c.id)
            .limit(limit)
        )
        return [int(r) for r in rows]


def summaries(
    engine: Engine, status: MailStatus | None, limit: int = 50, after_id: int = 0
) -> list[MailSummary]:
    c = inbound_mail.c
    query = sa.select(
        c.id,
        c.received_at,
        c.source,
        c.envelope_from,
        c.size,
        c.status,
        c.reason,
        c.attempts,
        c.subject,
        c.case_id,
    ).where(c.id > after_id)
    if status is not None:
        query = query.where(c.status == status)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(c.id).limit(limit)).all()
    return [
        MailSummary(
            id=r.id,
            received_at=r.received_at,
            source=r.source,
            envelope_from=r.envelope_from,
            size=r.size,
            status=MailStatus(r.status),
            reason=r.reason,
            attempts=r.attempts,
            subject=r.subject,
            case_id=r.case_id,
        )
        for r in rows
    ]


def summary(engine: Engine, mail_id: int) -> MailSummary | None:
    found = [s for s in summaries(engine, None, limit=1, after_id=mail_id - 1) if s.id == mail_id]
    return found[0] if found else None


def attachment_by_name(connection: Connection, name: str) -> Attachment | None:
    """One attachment with its bytes, by its generated name."""
    a = mail_attachments.c
    row = connection.execute(
        sa.select(a.name, a.filename, a.content_type, a.size, a.case_id, a.data).where(
            a.name == name, _not_held()
        )
    ).first()
    if row is None:
        return None
    return Attachment(
        name=row.name,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        case_id=row.case_id,
        data=bytes(row.data),
    )


def attachments_of_case(connection: Connection, case_id: int, limit: int = 200) -> list[Attachment]:
    """A case's attachments without their bytes (data is empty), oldest first."""
    a = mail_attachments.c
    rows = connection.execute(
        sa.select(a.name, a.filename, a.content_type, a.size, a.case_id)
        .where(a.case_id == case_id, _not_held())
        .order_by(a.id)
        .limit(limit)
    ).all()
    return [
        Attachment(
            name=r.name,
            filename=r.filename,
            content_type=r.content_type,
            size=r.size,
            case_id=r.case_id,
            data=b"",
        )
        for r in rows
    ]


def _not_held() -> sa.ColumnElement[bool]:
    """Files of a held message stay out of sight until staff accept the message."""
    return ~sa.exists().where(held_messages.c.mail_id == mail_attachments.c.mail_id,
                              held_messages.c.status != HeldStatus.ACCEPTED)
