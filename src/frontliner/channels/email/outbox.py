"""The outbox: which mail the desk owes, written as rows before anything is sent.

`collect(...)` finds what is owed and not yet queued (an agent's e-mail reply, the
acknowledgement of a new e-mailed case, a reminder for each follow-up that fell due, the
"is it solved?" question for each request of the customer's confirmation, a word to the
admins when a webhook was disabled for failing) and
inserts one `outbound_mail` row for each, in status `queued`. Because the rows come from
what is already committed, nothing an agent wrote can be lost between their commit and
the queue: the committed reply *is* the request to send it.

`send(...)` sends one row: claim it (`queued` -> `sending`, committed, naming the
worker), hand it to the relay, mark it `sent` (committed). A row already `sent` is never
sent again, so a duplicated or retried job is harmless. A worker killed mid-send leaves
its claim; as soon as that worker stops beating (`store/worker_tables.py`, seconds) the
row is collected again and another worker sends it (a claim naming no worker waits for
`CLAIM_LEASE`). One window cannot be closed: the relay has taken the message (DATA
answered 250) and the worker dies before `sent` is committed. That row is sent again,
with the very same Message-ID, so a receiving system can recognise and drop the repeat.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from frontliner.channels import claim_links
from frontliner.channels.confirm_links import NOT_YET_MARK, YES_MARK, with_links
from frontliner.channels.email import access_mail, messages, webhook_notice
from frontliner.channels.email.addresses import (
    case_message_id,
    message_id_for,
    purpose_message_id,
    reply_address,
)
from frontliner.channels.email.smtp_out import MailNotSent, compose, deliver
from frontliner.config import Settings
from frontliner.desk.clock import resolve_now
from frontliner.desk.model import (
    Case,
    CaseStatus,
    Channel,
    Contact,
    ContactKind,
    Direction,
    FollowUp,
    Interaction,
    User,
)
from frontliner.store import worker_tables
from frontliner.store.mail_tables import MailStatus, inbound_mail
from frontliner.store.outbound_tables import AUTOMATIC_TO_SENDERS, outbound_mail
from frontliner.store.tables import audit_entries, cases, contacts, follow_ups, interactions
from frontliner.store.uow import SqlUnitOfWork

# A claim older than this is taken to belong to a worker that died mid-send. Longer than
# the slowest SMTP conversation and than any single retry delay.
CLAIM_LEASE = timedelta(minutes=15)
BATCH = 200  # rows looked at per kind per collect: the next round takes the rest
# A chat customer is asked in the chat first; if the case still waits for their word this
# long after the question, they are most likely gone, and get the question by e-mail.
CHAT_GRACE = timedelta(minutes=15)

UowFactory = Callable[[], SqlUnitOfWork]


@dataclass(frozen=True)
class SendResult:
    """What one call of `send` did: sent, skipped (already sent / in flight elsewhere),
    retry (will be tried again) or failed (given up)."""

    outcome: str
    reason: str = ""


def collect(uow_factory: UowFactory, settings: Settings, now: datetime | None = None,
            ) -> list[int]:
    """Queue every message owed and return the ids of rows a worker should send now:
    the new ones and any left behind by a lost job or a dead worker."""
    at = resolve_now(now)
    since = at - timedelta(days=settings.outbox_window_days)
    with uow_factory() as uow:
        fresh = []
        for collector in (_replies, _acknowledgements, _reminders, access_mail.collect_links,
                          _confirmation_requests, _unreadable_notices,
                          webhook_notice.collect_notices, _claims):
            for row in collector(uow, settings, since, at):
                row_id = _insert(uow.session, {**row, "created_at": at})
                if row_id is not None and row["status"] == "queued":
                    fresh.append(row_id)
        uow.commit()
        behind = [row_id for row_id in _left_behind(uow.session, at, settings)
                  if row_id not in fresh]
        return fresh + behind


def send(uow_factory: UowFactory, settings: Settings, row_id: int,
         now: datetime | None = None, worker_id: str | None = None) -> SendResult:
    """Send one outbox row at most once (see the module docstring for the one window);
    `worker_id` names the claim, so another worker takes it up if this one dies."""
    at = resolve_now(now)
    with uow_factory() as uow:
        row = _claim(uow, row_id, at, settings, worker_id)
        if row is None:
            return SendResult("skipped")
        if row.get("access_link_id") is not None:
            row = access_mail.with_link(row, settings)  # the link is never stored
        try:
            if row["kind"] == "confirmation_request":
                row = _with_confirm_links(uow, row, settings)  # nor are these links
            elif row["kind"] == claim_links.KIND:
                row = claim_links.with_claim_link(uow, row, settings)  # nor this one
            message = compose(row, settings)
        except (ValueError, TypeError) as error:  # e.g. an address no header can hold
            reason = f"the message could not be built: {type(error).__name__}"
            _finish(uow, row_id, "failed", reason)
            return SendResult("failed", reason)
        try:
            deliver(message, settings)
        except MailNotSent as error:
            gave_up = error.permanent or row["attempts"] >= settings.outbound_max_attempts
            _finish(uow, row_id, "failed" if gave_up else "queued", error.reason)
            return SendResult("failed" if gave_up else "retry", error.reason)
        _finish(uow, row_id, "sent", None, sent_at=resolve_now(None))
        return SendResult("sent")


# --- what is owed ----------------------------------------------------------------------


def _replies(uow: SqlUnitOfWork, settings: Settings, since: datetime, _at: datetime,
             ) -> list[dict[str, Any]]:
    owed = sa.select(Interaction).where(
        interactions.c.direction == Direction.OUTBOUND,
        interactions.c.channel == Channel.EMAIL,
        interactions.c.at >= since,
        ~sa.exists().where(outbound_mail.c.interaction_id == interactions.c.id),
    ).order_by(interactions.c.id).limit(BATCH)
    rows = []
    for reply in uow.session.scalars(owed):
        case = uow.get(Case, reply.case_id)
        assert case is not None
        rows.append(_row("reply", f"reply:{reply.id}", message_id_for(reply, settings),
                         case, _customer_address(uow, case), messages.reply_subject(case),
                         reply.body, _threading(uow.session, case, settings),
                         automatic=False, interaction_id=reply.id))
    return rows


def _acknowledgements(uow: SqlUnitOfWork, settings: Settings, since: datetime, at: datetime,
                      ) -> list[dict[str, Any]]:
    acknowledged = sa.exists().where(outbound_mail.c.case_id == cases.c.id,
                                     outbound_mail.c.kind == "acknowledgement")
    # RFC 3834: mail that must not be answered automatically (auto-replies, lists, bulk)
    # was marked by the inbound side; a case it opened gets no automatic acknowledgement.
    # (A held message on the case says nothing about the mail that opened it.)
    unanswerable = sa.exists().where(inbound_mail.c.case_id == cases.c.id,
                                     inbound_mail.c.auto_answer.is_(False),
                                     inbound_mail.c.status != MailStatus.HELD)
    owed = sa.select(Case).where(
        cases.c.channel == Channel.EMAIL, cases.c.opened_at >= since,
        cases.c.status.notin_((CaseStatus.RESOLVED, CaseStatus.CLOSED)),
        ~acknowledged, ~unanswerable,
    ).order_by(cases.c.id).limit(BATCH)
    rows = []
    limit = _AutomaticLimit(uow.session, settings, at)
    for case in uow.session.scalars(owed):
        assert case.id is not None
        owner = uow.get(User, case.owner_id) if case.owner_id is not None else None
        headers = _threading(uow.session, case, settings) | messages.AUTOMATIC
        row = _row("acknowledgement", f"ack:{case.id}", case_message_id(case.id, 0, settings),
                   case, _customer_address(uow, case), messages.ack_subject(case),
                   messages.ack_body(case, owner), headers, automatic=True)
        rows.append(limit.applied(row))
    return rows


def _unreadable_notices(uow: SqlUnitOfWork, settings: Settings, since: datetime, at: datetime,
                        ) -> list[dict[str, Any]]:
    """"We could not read your message", once per quarantined message whose sender may be
    told (the inbound side decided who: see `parsing.reachable_sender`)."""
    told = sa.exists().where(outbound_mail.c.dedupe_key == sa.literal("unreadable:")
                             + sa.cast(inbound_mail.c.id, sa.String))
    owed = sa.select(inbound_mail.c.id, inbound_mail.c.from_address).where(
        inbound_mail.c.status == MailStatus.QUARANTINED, inbound_mail.c.auto_answer.is_(True),
        inbound_mail.c.from_address.is_not(None), inbound_mail.c.received_at >= since, ~told,
    ).order_by(inbound_mail.c.id).limit(BATCH)
    limit = _AutomaticLimit(uow.session, settings, at)
    rows = []
    for mail_id, to in uow.session.execute(owed).all():
        message_id = f"<fl.unreadable.{mail_id}.{secrets.token_hex(5)}@{settings.mail_domain}>"
        rows.append(limit.applied({
            "kind": "unreadable_notice", "dedupe_key": f"unreadable:{mail_id}",
            "message_id": message_id, "case_id": None, "to_address": to,
            "subject": messages.UNREADABLE_SUBJECT, "body": messages.unreadable_body(),
            "headers": dict(messages.AUTOMATIC), "automatic": True, "status": "queued",
            "attempts": 0, "last_error": None}))
    return rows


def _claims(uow: SqlUnitOfWork, settings: Settings, since: datetime, at: datetime,
            ) -> list[dict[str, Any]]:
    """"Is this message yours?", within the same per-address limit as acknowledgements:
    a stranger typing a victim's address into the form again and again gets them a few
    of these, then silence."""
    limit = _AutomaticLimit(uow.session, settings, at)
    return [limit.applied(row) for row in claim_links.collect_claims(uow, settings, since, at)]


class _AutomaticLimit:
    """At most `mail_auto_reply_limit` automatic mails (acknowledgements and "could not
    read it") to one address per window, counted from the outbox itself, so every worker
    process sees the same count: a robot, or someone forging a victim's address, writing
    again and again gets a few answers and then silence (RFC 3834's spirit)."""

    def __init__(self, session: Session, settings: Settings, at: datetime) -> None:
        self._session, self._max = session, settings.mail_auto_reply_limit
        self._since = at - timedelta(hours=settings.mail_auto_reply_window_hours)
        self._hours = settings.mail_auto_reply_window_hours
        self._counts: dict[str, int] = {}

    def applied(self, row: dict[str, Any]) -> dict[str, Any]:
        """`row`, or `row` marked suppressed when its address had its share."""
        to = str(row["to_address"]).lower()
        if row["status"] != "queued" or not to:
            return row
        if to not in self._counts:
            self._counts[to] = self._sent_to(to)
        if self._counts[to] >= self._max:
            return {**row, "status": "suppressed", "last_error": (
                f"not sent: {self._max} automatic mails to this address in "
                f"{self._hours:g} hours already")}
        self._counts[to] += 1
        return row

    def _sent_to(self, to: str) -> int:
        counted = sa.select(sa.func.count()).select_from(outbound_mail).where(
            outbound_mail.c.to_address == to, outbound_mail.c.kind.in_(AUTOMATIC_TO_SENDERS),
            outbound_mail.c.status.in_(("queued", "sending", "sent")),
            outbound_mail.c.created_at >= self._since)
        return int(self._session.scalar(counted) or 0)


def _reminders(uow: SqlUnitOfWork, settings: Settings, _since: datetime, at: datetime,
               ) -> list[dict[str, Any]]:
    reminded = sa.exists().where(outbound_mail.c.follow_up_id == follow_ups.c.id)
    owed = sa.select(FollowUp).where(
        follow_ups.c.done_at.is_(None), follow_ups.c.due_at <= at, ~reminded,
    ).order_by(follow_ups.c.due_at, follow_ups.c.id).limit(BATCH)
    rows = []
    for follow_up in uow.session.scalars(owed):
        case, owner = uow.get(Case, follow_up.case_id), uow.get(User, follow_up.owner_id)
        assert case is not None and owner is not None
        # Staff mail, not about the customer's thread: its own id, random but then fixed.
        message_id = f"<fl.reminder.{follow_up.id}.{secrets.token_hex(5)}@{settings.mail_domain}>"
        rows.append(_row("follow_up_reminder", f"reminder:{follow_up.id}", message_id, case,
                         owner.email, messages.reminder_subject(case),
                         messages.reminder_body(case, follow_up, owner), dict(messages.AUTOMATIC),
                         automatic=True, follow_up_id=follow_up.id))
    return rows


def _confirmation_requests(uow: SqlUnitOfWork, settings: Settings, since: datetime,
                           at: datetime) -> list[dict[str, Any]]:
    """The customer's "is it solved?" mail, once per request (a request after a reopen
    asks again), while the case still waits for them; only to customers with an e-mail
    address; chat customers only once CHAT_GRACE has passed without an answer."""
    request = audit_entries.alias("request")
    latest = (sa.select(audit_entries.c.id)
              .where(audit_entries.c.case_id == cases.c.id,
                     audit_entries.c.action == "confirmation_requested")
              .order_by(audit_entries.c.id.desc()).limit(1).scalar_subquery())
    asked = sa.exists().where(
        outbound_mail.c.dedupe_key == sa.literal("confirm:") + sa.cast(request.c.id, sa.String))
    has_address = sa.or_(cases.c.contact_value.contains("@"), sa.exists().where(
        contacts.c.customer_id == cases.c.customer_id, contacts.c.kind == ContactKind.EMAIL))
    owed = (sa.select(Case, request.c.id).join(request, request.c.id == latest).where(
        cases.c.status == CaseStatus.AWAITING_CONFIRMATION, cases.c.updated_at >= since,
        request.c.at >= since, ~asked, has_address,
        sa.or_(cases.c.channel != Channel.CHAT, request.c.at <= at - CHAT_GRACE),
    ).order_by(request.c.id).limit(BATCH))
    rows = []
    for case, request_id in uow.session.execute(owed).all():
        owner = uow.get(User, case.owner_id) if case.owner_id is not None else None
        body = messages.confirmation_body(case, owner, YES_MARK, NOT_YET_MARK,
                                          settings.confirm_link_days)
        headers = _threading(uow.session, case, settings) | messages.AUTOMATIC
        rows.append(_row("confirmation_request", f"confirm:{request_id}",
                         purpose_message_id(case.id, f"confirm-{request_id}", settings), case,
                         _customer_address(uow, case), messages.confirmation_subject(case),
                         body, headers, automatic=True))
    return rows


def _with_confirm_links(uow: SqlUnitOfWork, row: dict[str, Any], settings: Settings,
                        ) -> dict[str, Any]:
    case = uow.get(Case, row["case_id"]) if row["case_id"] is not None else None
    if case is None:
        raise ValueError("the case of a confirmation request is gone")  # -> failed
    return with_links(row, settings, case.customer_id)


def _row(kind: str, dedupe_key: str, message_id: str, case: Case, to: str | None, subject: str,
         body: str, headers: dict[str, str], automatic: bool, **links: Any) -> dict[str, Any]:
    # A case with no e-mail address still gets its row, marked failed with the reason,
    # so the gap is visible instead of being looked for again and again.
    return {"kind": kind, "dedupe_key": dedupe_key, "message_id": message_id,
            "case_id": case.id, "to_address": to or "", "subject": subject[:300],
            "body": body, "headers": headers, "automatic": automatic,
            "status": "queued" if to else "failed", "attempts": 0,
            "last_error": None if to else "no e-mail address for the recipient",
            **links}


def _customer_address(uow: SqlUnitOfWork, case: Case) -> str | None:
    if "@" in case.contact_value:
        return case.contact_value
    found = uow.find(Contact, limit=20, customer_id=case.customer_id, kind=ContactKind.EMAIL)
    primary = [c for c in found if c.is_primary] or found
    return primary[0].value if primary else None


def _threading(session: Session, case: Case, settings: Settings) -> dict[str, str]:
    """Reply-To carrying the case's token, and In-Reply-To/References naming the
    customer's latest mail, so their client threads our answer under their message."""
    headers = {"Reply-To": reply_address(case, settings)}
    latest = session.scalar(
        sa.select(inbound_mail.c.message_id)
        .where(inbound_mail.c.case_id == case.id, inbound_mail.c.message_id.is_not(None),
               inbound_mail.c.status != MailStatus.HELD)
        .order_by(inbound_mail.c.id.desc()).limit(1))
    if latest:
        headers["In-Reply-To"] = latest
        headers["References"] = latest
    return headers


# --- rows ------------------------------------------------------------------------------


def _insert(session: Session, row: dict[str, Any]) -> int | None:
    """Insert unless a row with the same dedupe key exists (a concurrent collector got
    there first); the new row's id, or None."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(outbound_mail).values(**row).on_conflict_do_nothing()
    inserted: int | None = session.scalar(statement.returning(outbound_mail.c.id))
    return inserted


def _abandoned(at: datetime, settings: Settings) -> sa.ColumnElement[bool]:
    """Being sent by a worker that is gone: it stopped beating (store/worker_tables.py),
    or the claim is older than the lease (a worker that never said who it was)."""
    beat = timedelta(seconds=settings.worker_heartbeat_seconds)
    return sa.and_(outbound_mail.c.status == "sending", sa.or_(
        outbound_mail.c.claimed_at < at - CLAIM_LEASE,
        worker_tables.claimant_gone(outbound_mail.c.claimed_by, at, beat)))


def _left_behind(session: Session, at: datetime, settings: Settings) -> list[int]:
    """Rows whose job was lost: queued and untouched for longer than the lease (the
    queue's storage was wiped, the app died between commit and enqueue), or claimed by a
    worker that died mid-send (huey does not give a dead worker's job back). Rows
    waiting for a retry are younger than the lease: their job is scheduled."""
    queued_long_ago = sa.and_(
        outbound_mail.c.status == "queued",
        sa.func.coalesce(outbound_mail.c.claimed_at, outbound_mail.c.created_at)
        < at - CLAIM_LEASE)
    query = (sa.select(outbound_mail.c.id)
             .where(sa.or_(queued_long_ago, _abandoned(at, settings)))
             .order_by(outbound_mail.c.id).limit(BATCH))
    return list(session.scalars(query))


def _claim(uow: SqlUnitOfWork, row_id: int, at: datetime, settings: Settings,
           worker_id: str | None) -> dict[str, Any] | None:
    """Take the row for this worker (committed), or None if it is sent, failed, or being
    sent by a live worker right now. The conditional UPDATE lets one claimant win."""
    claimable = sa.or_(outbound_mail.c.status == "queued", _abandoned(at, settings))
    taken = uow.session.execute(
        sa.update(outbound_mail)
        .where(outbound_mail.c.id == row_id, claimable)
        .values(status="sending", attempts=outbound_mail.c.attempts + 1, claimed_at=at,
                claimed_by=worker_id))
    if getattr(taken, "rowcount", 0) != 1:
        uow.rollback()
        return None
    uow.commit()
    row = uow.session.execute(sa.select(outbound_mail).where(outbound_mail.c.id == row_id))
    return dict(row.mappings().one())


def _finish(uow: SqlUnitOfWork, row_id: int, status: str, error: str | None,
            sent_at: datetime | None = None) -> None:
    values: dict[str, Any] = {"status": status, "last_error": error}
    if sent_at is not None:
        values["sent_at"] = sent_at
    uow.session.execute(sa.update(outbound_mail).where(outbound_mail.c.id == row_id)
                        .values(**values))
    uow.commit()


@dataclass(frozen=True)
class SqlOutbox:
    """The outbox as the job queue sees it (`frontliner.jobs.mail.Outbox`)."""

    uow_factory: UowFactory
    settings: Settings
    worker_id: str | None = None  # the worker process sending (its claims name it)

    def collect(self) -> list[int]:
        return collect(self.uow_factory, self.settings)

    def send(self, row_id: int) -> str:
        return send(self.uow_factory, self.settings, row_id, worker_id=self.worker_id).outcome
