"""The read side of a customer's export (data portability): every case of theirs with its
messages, one case at a time so a long history streams in bounded memory.

Two views of the same cases: the customer's own (what the portal shows them: their
messages and our replies, no internal notes, no staff names, no internal readings) and
the staff's (everything, notes and the coach's reading of each message included).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.model import (
    Case,
    Contact,
    Customer,
    Direction,
    Interaction,
    SatisfactionRating,
)
from frontliner.store.mail_tables import mail_attachments
from frontliner.store.tables import cases, contacts, interactions, satisfaction_ratings, users

FORMAT = "frontliner.customer-export/1"
CASE_BATCH = 100
MESSAGE_BATCH = 500
MAX_CONTACTS = 50
MAX_ATTACHMENTS = 200  # listed per case (name, type, size); the files are downloaded apart


def customer_part(session: Session, customer: Customer, staff: bool) -> dict[str, Any]:
    found = session.scalars(sa.select(Contact).where(contacts.c.customer_id == customer.id)
                            .order_by(contacts.c.id).limit(MAX_CONTACTS))
    part: dict[str, Any] = {
        "name": customer.name, "created_at": _iso(customer.created_at),
        "contacts": [{"kind": c.kind.value, "value": c.value, "primary": c.is_primary}
                     for c in found],
    }
    return {"id": customer.id, **part} if staff else part


def case_parts(session: Session, customer_id: int, staff: bool) -> Iterator[dict[str, Any]]:
    """Each case of the customer, oldest first, with its messages, rating, attachments."""
    last_id = 0
    while True:
        batch = list(session.scalars(
            sa.select(Case).where(cases.c.customer_id == customer_id, cases.c.id > last_id)
            .order_by(cases.c.id).limit(CASE_BATCH)))
        for case in batch:
            yield _case(session, case, staff)
        if len(batch) < CASE_BATCH:
            return
        assert batch[-1].id is not None
        last_id = batch[-1].id
        session.expunge_all()  # what was written out need not stay in memory


def _case(session: Session, case: Case, staff: bool) -> dict[str, Any]:
    part: dict[str, Any] = {
        "ref": case.ref, "subject": case.nature, "status": case.status.value,
        "channel": case.channel.value, "opened_at": _iso(case.opened_at),
        "problem_at": _iso(case.problem_at), "resolved_at": _iso(case.resolved_at),
        "closed_at": _iso(case.closed_at), "confirmed_by_you": case.confirmed_by_customer,
    }
    if staff:
        part.update({"id": case.id, "size": case.size.value, "owner_id": case.owner_id,
                     "handler_id": case.handler_id, "category": case.category,
                     "exception_reason": case.exception_reason, "lesson": case.lesson})
        part["confirmed_by_customer"] = part.pop("confirmed_by_you")
    part["messages"] = list(_messages(session, case, staff))
    part["ratings"] = [{"score": r.score, "comment": r.comment, "at": _iso(r.at)}
                       for r in session.scalars(
                           sa.select(SatisfactionRating)
                           .where(satisfaction_ratings.c.case_id == case.id)
                           .order_by(satisfaction_ratings.c.id).limit(20))]
    part["attachments"] = [
        {"filename": row.filename, "content_type": row.content_type, "size": row.size}
        for row in session.execute(
            sa.select(mail_attachments.c.filename, mail_attachments.c.content_type,
                      mail_attachments.c.size)
            .where(mail_attachments.c.case_id == case.id)
            .order_by(mail_attachments.c.id).limit(MAX_ATTACHMENTS))]
    return part


def _messages(session: Session, case: Case, staff: bool) -> Iterator[dict[str, Any]]:
    query = (sa.select(Interaction, users.c.name)
             .outerjoin(users, users.c.id == interactions.c.author_id)
             .where(interactions.c.case_id == case.id)
             .order_by(interactions.c.at, interactions.c.id)
             .execution_options(yield_per=MESSAGE_BATCH))
    if not staff:
        query = query.where(interactions.c.direction != Direction.NOTE)
    for message, author in session.execute(query):
        part: dict[str, Any] = {"at": _iso(message.at), "channel": message.channel.value,
                                "from": _who(message.direction), "body": message.body}
        if staff:
            part.update({"id": message.id, "direction": message.direction.value,
                         "author_id": message.author_id, "author": author,
                         "reading": message.analysis})
        yield part


def _who(direction: Direction) -> str:
    return {Direction.INBOUND: "customer", Direction.OUTBOUND: "support",
            Direction.NOTE: "internal note"}[direction]


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()
