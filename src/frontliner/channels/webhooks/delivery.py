"""Fan events out into deliveries and send them, for the worker (`jobs/webhooks.py`).

`collect` turns every event not yet dispatched into one delivery per subscription that
wants it (committed with the event's `dispatched_at`, so each event is fanned out once),
and returns the deliveries due now. `send` claims one delivery (committed), POSTs it
outside any transaction, and records the answer. A failure is tried again after
`webhook_retry_delay` seconds, doubled each time; when the next try would fall after
`webhook_retry_window` (a day by default) the delivery is given up and its webhook
disabled (the admins get a mail from the outbox and a notice on the admin page).

A worker that dies mid-send leaves its claim, which names it; once that worker stops
beating (`store/worker_tables.py`, seconds) another worker sends the delivery again (the
receiver can tell by the event id). A claim naming no worker waits for `CLAIM_LEASE`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from frontliner.channels.webhooks import signing
from frontliner.channels.webhooks.targets import TargetRefused, resolve
from frontliner.config import Settings
from frontliner.desk import webhooks
from frontliner.desk.clock import resolve_now
from frontliner.desk.events import DeskEvent
from frontliner.desk.webhooks import DeliveryStatus, WebhookDelivery, WebhookSubscription
from frontliner.store import worker_tables
from frontliner.store.uow import SqlUnitOfWork
from frontliner.store.webhook_tables import desk_events, webhook_deliveries

BATCH = 200  # events fanned out, and deliveries returned, per collect
CLAIM_LEASE = timedelta(minutes=5)  # far longer than one attempt may take
DEFAULT_BEAT = timedelta(seconds=5)  # settings.worker_heartbeat_seconds' default
KEEP_EVENTS = timedelta(days=30)  # events and their delivery log are kept this long
USER_AGENT = "Frontliner-Webhooks/1"

UowFactory = Callable[[], SqlUnitOfWork]


@dataclass(frozen=True)
class Answer:
    """How one attempt went: the receiver's status code, or why there was none."""

    code: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


def event_body(event: DeskEvent) -> bytes:
    """The JSON a subscriber receives: the same bytes on every attempt and replay."""
    payload = {"id": event.public_id, "type": event.type, "created_at": event.at.isoformat(),
               "data": event.data}
    return json.dumps(payload, separators=(",", ":"), sort_keys=True,
                      ensure_ascii=False).encode()


def collect(uow_factory: UowFactory, now: datetime | None = None,
            beat: timedelta = DEFAULT_BEAT) -> list[int]:
    """Fan out new events, forget old ones, and return the ids of deliveries due now
    (`beat`: how often workers say they are alive)."""
    at = resolve_now(now)
    with uow_factory() as uow:
        _fan_out(uow, at)
        _forget_old(uow.session, at)
        uow.commit()
        return _due(uow.session, at, beat)


def send(uow_factory: UowFactory, settings: Settings, delivery_id: int,
         now: datetime | None = None, worker_id: str | None = None) -> str:
    """One attempt: 'delivered', 'retry', 'failed' or 'skipped' (not due, or taken);
    the claim names `worker_id`."""
    at = resolve_now(now)
    beat = timedelta(seconds=settings.worker_heartbeat_seconds)
    with uow_factory() as uow:
        if not _claim(uow, delivery_id, at, beat, worker_id):
            return "skipped"
        delivery = uow.get(WebhookDelivery, delivery_id)
        assert delivery is not None
        subscription = uow.get(WebhookSubscription, delivery.subscription_id)
        event = uow.get(DeskEvent, delivery.event_id)
        assert subscription is not None and event is not None
        if not subscription.enabled:
            _record(delivery, Answer(error="the webhook is disabled"), at, final=True)
            uow.commit()
            return "failed"
        url, secret, body = subscription.url, signing.secret_for(
            settings, subscription.secret_salt), event_body(event)
        uow.commit()  # no transaction stays open while the receiver answers
        answer = post(url, secret, body, event, delivery_id, settings)
        return _settle(uow, delivery_id, answer, settings, at)


def post(url: str, secret: str, body: bytes, event: DeskEvent, delivery_id: int,
         settings: Settings) -> Answer:
    """POST the body to the checked address of `url`; never follows a redirect."""
    try:
        target = resolve(url, settings.webhook_allow_private_targets)
    except TargetRefused as refused:
        return Answer(error=refused.reason)
    timestamp = int(resolve_now(None).timestamp())
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "Host": httpx.URL(url).netloc.decode("ascii"),
               "Frontliner-Event": event.type, "Frontliner-Event-Id": event.public_id,
               "Frontliner-Delivery": str(delivery_id),
               signing.HEADER: signing.signature_header(secret, timestamp, body)}
    pinned = httpx.URL(url).copy_with(host=target.address)
    try:
        with httpx.Client(timeout=settings.webhook_timeout, follow_redirects=False,
                          trust_env=False) as client, client.stream(
                "POST", pinned, content=body, headers=headers,
                extensions={"sni_hostname": target.host}) as response:
            code = response.status_code
    except httpx.TimeoutException:
        return Answer(error=f"no answer within {settings.webhook_timeout:g} s")
    except httpx.HTTPError as error:
        return Answer(error=f"could not connect: {type(error).__name__}")
    if 300 <= code < 400:
        return Answer(code, f"HTTP {code}: redirects are not followed")
    return Answer(code, None if 200 <= code < 300 else f"HTTP {code}")


def _settle(uow: SqlUnitOfWork, delivery_id: int, answer: Answer, settings: Settings,
            at: datetime) -> str:
    delivery = uow.get(WebhookDelivery, delivery_id)
    assert delivery is not None
    if answer.ok:
        _record(delivery, answer, at, final=True)
        uow.commit()
        return "delivered"
    delay = timedelta(seconds=settings.webhook_retry_delay * 2 ** (delivery.attempts - 1))
    window = timedelta(seconds=settings.webhook_retry_window)
    if at + delay - delivery.created_at <= window:
        _record(delivery, answer, at, final=False, next_at=at + delay)
        uow.commit()
        return "retry"
    _record(delivery, answer, at, final=True)
    subscription = uow.get(WebhookSubscription, delivery.subscription_id)
    assert subscription is not None
    hours = settings.webhook_retry_window / 3600
    webhooks.disable_for_failures(
        uow, subscription, f"deliveries kept failing for {hours:g} h (last: {answer.error})", at)
    uow.commit()
    return "failed"


def _record(delivery: WebhookDelivery, answer: Answer, at: datetime, final: bool,
            next_at: datetime | None = None) -> None:
    delivery.last_attempt_at, delivery.response_code = at, answer.code
    delivery.last_error = None if answer.ok else (answer.error or "failed")[:300]
    delivery.claimed_at, delivery.next_attempt_at = None, next_at
    if answer.ok:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, at
    else:
        delivery.status = DeliveryStatus.FAILED if final else DeliveryStatus.PENDING


def _fan_out(uow: SqlUnitOfWork, at: datetime) -> None:
    new = (sa.select(DeskEvent).where(desk_events.c.dispatched_at.is_(None))
           .order_by(desk_events.c.id).limit(BATCH).with_for_update(skip_locked=True))
    events = list(uow.session.scalars(new))
    if not events:
        return
    subscriptions = uow.find(WebhookSubscription, limit=webhooks.MAX_SUBSCRIPTIONS,
                             enabled=True, removed_at=None)
    for event in events:
        for subscription in subscriptions:
            if webhooks.wants(subscription, event):
                _insert_delivery(uow.session, subscription, event, at)
        event.dispatched_at = at


def _insert_delivery(session: Session, subscription: WebhookSubscription, event: DeskEvent,
                     at: datetime) -> None:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else (
        sqlite.insert)
    session.execute(insert(webhook_deliveries).values(
        subscription_id=subscription.id, event_id=event.id, created_at=at,
        dedupe_key=f"{subscription.id}:{event.id}", status=DeliveryStatus.PENDING,
        attempts=0, next_attempt_at=at).on_conflict_do_nothing())


def _forget_old(session: Session, at: datetime) -> None:
    old = (sa.select(desk_events.c.id).where(desk_events.c.dispatched_at < at - KEEP_EVENTS)
           .order_by(desk_events.c.dispatched_at).limit(BATCH))
    session.execute(sa.delete(webhook_deliveries)
                    .where(webhook_deliveries.c.event_id.in_(old.scalar_subquery())))
    session.execute(sa.delete(desk_events).where(desk_events.c.id.in_(old.scalar_subquery())))


def _claimable(at: datetime, beat: timedelta) -> sa.ColumnElement[bool]:
    """Pending with its time come, or being sent by a worker that is gone."""
    return sa.or_(
        sa.and_(webhook_deliveries.c.status == DeliveryStatus.PENDING,
                webhook_deliveries.c.next_attempt_at <= at),
        sa.and_(webhook_deliveries.c.status == DeliveryStatus.SENDING, sa.or_(
            webhook_deliveries.c.claimed_at < at - CLAIM_LEASE,
            worker_tables.claimant_gone(webhook_deliveries.c.claimed_by, at, beat))),
    )


def _due(session: Session, at: datetime, beat: timedelta) -> list[int]:
    query = (sa.select(webhook_deliveries.c.id).where(_claimable(at, beat))
             .order_by(webhook_deliveries.c.next_attempt_at, webhook_deliveries.c.id)
             .limit(BATCH))
    return list(session.scalars(query))


def _claim(uow: SqlUnitOfWork, delivery_id: int, at: datetime, beat: timedelta,
           worker_id: str | None) -> bool:
    taken = uow.session.execute(
        sa.update(webhook_deliveries)
        .where(webhook_deliveries.c.id == delivery_id, _claimable(at, beat))
        .values(status=DeliveryStatus.SENDING, claimed_at=at, claimed_by=worker_id,
                attempts=webhook_deliveries.c.attempts + 1))
    if getattr(taken, "rowcount", 0) != 1:
        uow.rollback()
        return False
    uow.commit()
    return True


@dataclass(frozen=True)
class SqlWebhooks:
    """The webhooks as the job queue sees them (`frontliner.jobs.webhooks.Webhooks`)."""

    uow_factory: UowFactory
    settings: Settings
    worker_id: str | None = None  # the worker process sending (its claims name it)

    def collect(self) -> list[int]:
        return collect(self.uow_factory,
                       beat=timedelta(seconds=self.settings.worker_heartbeat_seconds))

    def send(self, delivery_id: int) -> str:
        return send(self.uow_factory, self.settings, delivery_id, worker_id=self.worker_id)
