"""The read side of the live view: what changed on the desk since a given audit entry.

The audit table is append-only and every change to a case writes an entry with a
growing id, whichever process made it (the app, `frontliner smtp`, `imap`, `worker`).
Reading "entries after id N" is one range scan of the primary key, however large the
table; each entry comes with the few facts of its case (and the name of who acted) that
the live view needs to route and word it, in the same query.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.model import Interaction
from frontliner.store.mapping import map_entities
from frontliner.store.tables import audit_entries, cases, interactions, users

MAX_BATCH = 500  # entries read at once; a bigger backlog is read over several ticks


@dataclass(frozen=True)
class LiveRow:
    """One audit entry and the facts of its case as they are now."""

    id: int
    case_id: int
    action: str
    actor_id: int | None
    actor_name: str | None
    detail: dict[str, Any]
    at: datetime
    case_ref: str
    nature: str
    channel: str
    status: str
    owner_id: int | None
    handler_id: int | None
    contact_name: str


@dataclass(frozen=True)
class HandBack:
    """The last time a case was handed back to its owner, and whether the owner has done
    anything on the case since (until then the note is shown prominently)."""

    note: str
    by_id: int | None
    by_name: str | None
    at: datetime
    pending: bool


_COLUMNS = (
    audit_entries.c.id, audit_entries.c.case_id, audit_entries.c.action,
    audit_entries.c.actor_id, users.c.name.label("actor_name"), audit_entries.c.detail,
    audit_entries.c.at, cases.c.ref.label("case_ref"), cases.c.nature, cases.c.channel,
    cases.c.status, cases.c.owner_id, cases.c.handler_id, cases.c.contact_name,
)


def head(session: Session) -> int:
    """The newest audit entry's id (0 on an empty desk): the primary key's last leaf."""
    found = session.execute(sa.select(sa.func.max(audit_entries.c.id))).scalar()
    return int(found or 0)


def entries_after(
    session: Session, after: int, also: Collection[int] = (), limit: int = MAX_BATCH
) -> list[LiveRow]:
    """Entries with an id above `after` (at most `limit`), plus those among the ids in
    `also` that now exist (gaps below `after` that a transaction committing late may
    fill), oldest first. Each is a primary-key range or lookup; the gaps are a second
    statement only while there are any (SQLite would scan the table for an OR of both)."""
    newer = _select(audit_entries.c.id > after).limit(min(limit, MAX_BATCH))
    rows = [_row(r._mapping) for r in session.execute(newer)]
    if also:
        filled = _select(audit_entries.c.id.in_(sorted(also)))
        rows = sorted([*(_row(r._mapping) for r in session.execute(filled)), *rows],
                      key=lambda row: row.id)
    return rows


def _select(where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    return (sa.select(*_COLUMNS)
            .join(cases, cases.c.id == audit_entries.c.case_id)
            .outerjoin(users, users.c.id == audit_entries.c.actor_id)
            .where(where).order_by(audit_entries.c.id))


def _row(found: Any) -> LiveRow:
    return LiveRow(
        id=found["id"], case_id=found["case_id"], action=found["action"],
        actor_id=found["actor_id"], actor_name=found["actor_name"],
        detail=dict(found["detail"] or {}), at=found["at"], case_ref=found["case_ref"],
        nature=found["nature"], channel=str(getattr(found["channel"], "value",
                                                     found["channel"])),
        status=str(getattr(found["status"], "value", found["status"])),
        owner_id=found["owner_id"], handler_id=found["handler_id"],
        contact_name=found["contact_name"],
    )


def messages_by_id(session: Session, ids: Collection[int]) -> dict[int, Interaction]:
    """The messages the entries name, by id (primary key lookups)."""
    if not ids:
        return {}
    map_entities()
    query = sa.select(Interaction).where(interactions.c.id.in_(sorted(ids)))
    return {m.id: m for m in session.scalars(query) if m.id is not None}


def last_hand_back(session: Session, case_id: int, owner_id: int | None) -> HandBack | None:
    """The case's newest hand-back (its entries, newest first, through the case's audit
    index) and whether the owner has acted on the case since."""
    query = (sa.select(audit_entries.c.id, audit_entries.c.actor_id, audit_entries.c.detail,
                       audit_entries.c.at, users.c.name)
             .outerjoin(users, users.c.id == audit_entries.c.actor_id)
             .where(audit_entries.c.case_id == case_id,
                    audit_entries.c.action == "handed_back")
             .order_by(audit_entries.c.at.desc(), audit_entries.c.id.desc()).limit(1))
    found = session.execute(query).first()
    if found is None:
        return None
    acted = owner_id is not None and session.execute(
        sa.select(audit_entries.c.id)
        .where(audit_entries.c.case_id == case_id, audit_entries.c.id > found.id,
               audit_entries.c.actor_id == owner_id).limit(1)).first() is not None
    detail = dict(found.detail or {})
    return HandBack(note=str(detail.get("note", "")), by_id=found.actor_id, by_name=found.name,
                    at=found.at, pending=not acted)
