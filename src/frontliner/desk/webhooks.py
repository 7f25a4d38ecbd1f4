"""Webhook subscriptions and their deliveries: what an admin sets up, and the log of what
was sent.

Only admins add, change, remove or replay; every one of those leaves an entry in the
account audit trail (`account_audit`). The worker (`channels/webhooks/`) creates the
deliveries and records how each attempt went; when a subscription kept failing for the
whole retry window it is disabled here (`disable_for_failures`) and the admins are told.

The signing secret is never stored: a subscription keeps a random salt, and the secret is
derived from it and the app's secret key (`channels/webhooks/signing.py`), shown once.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from frontliner.desk import access
from frontliner.desk.account_audit import record_account
from frontliner.desk.audit import actor_id
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Conflict, Invalid, NotFound
from frontliner.desk.events import EVENT_TYPES, DeskEvent
from frontliner.desk.model import Role, User
from frontliner.desk.ports import UnitOfWork

MAX_URL = 2000
MAX_DESCRIPTION = 200
MAX_SUBSCRIPTIONS = 100  # the worker reads every enabled one for each batch of events


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    SENDING = "sending"  # a worker has it now
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # given up after the retry window, or the target was refused


@dataclass(eq=False)
class WebhookSubscription:
    url: str
    events: list[str]
    secret_salt: str  # the secret is derived from this and the app's key, never stored
    created_at: datetime
    created_by_id: int | None = None
    description: str = ""
    enabled: bool = True
    disabled_at: datetime | None = None
    disabled_reason: str | None = None  # set when the worker disabled it for failing
    removed_at: datetime | None = None  # removed by an admin: kept for the audit trail
    id: int | None = None


@dataclass(eq=False)
class WebhookDelivery:
    subscription_id: int
    event_id: int
    dedupe_key: str  # "<subscription>:<event>" for the first send, unique; replays differ
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claimed_at: datetime | None = None
    claimed_by: str | None = None  # the worker sending it (a dead one's is taken over)
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    response_code: int | None = None
    last_error: str | None = None
    replay_of_id: int | None = None
    id: int | None = None


def check_url(url: str) -> str:
    """A URL a delivery can go to (http or https, a host, no credentials in it). Where it
    points (a private address?) is checked by the channel, which resolves names."""
    clean = url.strip()
    parts = urlsplit(clean)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise Invalid("The URL must start with https:// (or http://) and name a host.",
                      {"url": "not an http(s) URL"})
    if parts.username or parts.password:
        raise Invalid("Put no user name or password in the URL; deliveries are signed.",
                      {"url": "has credentials"})
    if len(clean) > MAX_URL:
        raise Invalid(f"The URL may be at most {MAX_URL} characters.", {"url": "too long"})
    return clean


def check_events(events: Sequence[str]) -> list[str]:
    chosen = [event for event in EVENT_TYPES if event in set(events)]
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise Invalid(f"Unknown event type(s): {', '.join(unknown)}; known: "
                      f"{', '.join(EVENT_TYPES)}.", {"events": "unknown event type"})
    if not chosen:
        raise Invalid.missing({"events": "at least one event to send"})
    return chosen


def add_subscription(uow: UnitOfWork, actor: User | None, url: str, events: Sequence[str],
                     description: str = "", now: datetime | None = None,
                     ) -> WebhookSubscription:
    at = resolve_now(now)
    access.require_role(actor, Role.ADMIN)
    if len(uow.find(WebhookSubscription, limit=MAX_SUBSCRIPTIONS + 1, removed_at=None)
           ) >= MAX_SUBSCRIPTIONS:
        raise Conflict(f"A desk may have at most {MAX_SUBSCRIPTIONS} webhooks.", {})
    subscription = WebhookSubscription(
        url=check_url(url), events=check_events(events), secret_salt=secrets.token_urlsafe(24),
        created_at=at, created_by_id=actor_id(actor), description=_description(description))
    uow.add(subscription)
    uow.flush()
    record_account(uow, "webhook_added", actor, now=at, webhook_id=subscription.id,
                   url=subscription.url, events=subscription.events)
    return subscription


def change_subscription(uow: UnitOfWork, actor: User | None, subscription_id: int, *,
                        url: str | None = None, events: Sequence[str] | None = None,
                        description: str | None = None, enabled: bool | None = None,
                        now: datetime | None = None) -> WebhookSubscription:
    """Change what was given; enabling again clears the "disabled for failing" mark."""
    at = resolve_now(now)
    access.require_role(actor, Role.ADMIN)
    subscription = load_subscription(uow, subscription_id)
    changed: dict[str, Any] = {}
    if url is not None and check_url(url) != subscription.url:
        subscription.url = changed["url"] = check_url(url)
    if events is not None and check_events(events) != subscription.events:
        subscription.events = check_events(events)
        changed["events"] = subscription.events
    if description is not None and _description(description) != subscription.description:
        subscription.description = changed["description"] = _description(description)
    if enabled is not None and enabled != subscription.enabled:
        subscription.enabled = changed["enabled"] = enabled
        subscription.disabled_at = None if enabled else at
        subscription.disabled_reason = None
    if changed:
        record_account(uow, "webhook_changed", actor, now=at, webhook_id=subscription.id,
                       **changed)
    return subscription


def remove_subscription(uow: UnitOfWork, actor: User | None, subscription_id: int,
                        now: datetime | None = None) -> WebhookSubscription:
    at = resolve_now(now)
    access.require_role(actor, Role.ADMIN)
    subscription = load_subscription(uow, subscription_id)
    subscription.removed_at, subscription.enabled = at, False
    record_account(uow, "webhook_removed", actor, now=at, webhook_id=subscription.id,
                   url=subscription.url)
    return subscription


def replay_delivery(uow: UnitOfWork, actor: User | None, subscription_id: int,
                    delivery_id: int, now: datetime | None = None) -> WebhookDelivery:
    """Send a logged delivery's event again, as a new delivery (same event id, so the
    receiver can tell it is a repeat), due at once."""
    at = resolve_now(now)
    access.require_role(actor, Role.ADMIN)
    subscription = load_subscription(uow, subscription_id)
    original = uow.get(WebhookDelivery, delivery_id)
    if original is None or original.subscription_id != subscription.id:
        raise NotFound(f"No delivery {delivery_id} for webhook {subscription_id}.",
                       {"delivery_id": delivery_id})
    if not subscription.enabled:
        raise Conflict("Enable the webhook before replaying to it.", {"enabled": False})
    replay = WebhookDelivery(subscription_id=original.subscription_id,
                             event_id=original.event_id, created_at=at, next_attempt_at=at,
                             dedupe_key=f"replay:{secrets.token_hex(8)}",
                             replay_of_id=original.id)
    uow.add(replay)
    uow.flush()
    record_account(uow, "webhook_replayed", actor, now=at, webhook_id=subscription.id,
                   delivery_id=original.id, replay_id=replay.id)
    return replay


def disable_for_failures(uow: UnitOfWork, subscription: WebhookSubscription, reason: str,
                         now: datetime | None = None) -> None:
    """The worker gives up on a subscription that kept failing (the admins are told by
    e-mail and on the admin page)."""
    at = resolve_now(now)
    if not subscription.enabled:
        return
    subscription.enabled, subscription.disabled_at = False, at
    subscription.disabled_reason = reason[:300]
    record_account(uow, "webhook_disabled", None, now=at, webhook_id=subscription.id,
                   url=subscription.url, reason=subscription.disabled_reason)


def load_subscription(uow: UnitOfWork, subscription_id: int) -> WebhookSubscription:
    subscription = uow.get(WebhookSubscription, subscription_id)
    if subscription is None or subscription.removed_at is not None:
        raise NotFound(f"No webhook with id {subscription_id}.",
                       {"webhook_id": subscription_id})
    return subscription


def wants(subscription: WebhookSubscription, event: DeskEvent) -> bool:
    """Enabled, subscribed to the type, and the event happened once it existed (a new
    webhook does not get the desk's past)."""
    return (subscription.enabled and event.type in subscription.events
            and event.at >= subscription.created_at)


def _description(text: str) -> str:
    clean = " ".join(text.split())
    if len(clean) > MAX_DESCRIPTION:
        raise Invalid(f"Describe it in at most {MAX_DESCRIPTION} characters.",
                      {"description": "too long"})
    return clean
