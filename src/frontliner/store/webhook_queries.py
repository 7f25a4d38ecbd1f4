"""The read side of the webhooks: subscriptions, a subscription's delivery log, and the
webhooks disabled for failing (the admin page's notice). Every list is one keyset page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.desk.model import AccountAuditEntry
from frontliner.desk.webhooks import DeliveryStatus, WebhookDelivery, WebhookSubscription
from frontliner.store.pagination import Order, Page, first, page
from frontliner.store.tables import account_audit
from frontliner.store.webhook_tables import (
    desk_events,
    webhook_deliveries,
    webhook_subscriptions,
)

MAX_NOTICES = 20


@dataclass(frozen=True)
class LoggedDelivery:
    """One line of the delivery log: the delivery and the event it carried."""

    id: int
    event_type: str
    event_id: str
    status: DeliveryStatus
    attempts: int
    response_code: int | None
    last_error: str | None
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    replay_of_id: int | None


def list_subscriptions(session: Session, cursor: str | None = None,
                       limit: int | None = None) -> Page[WebhookSubscription]:
    """Webhooks not removed, newest first."""
    query = sa.select(WebhookSubscription).where(webhook_subscriptions.c.removed_at.is_(None))
    order = Order(webhook_subscriptions.c.id, webhook_subscriptions.c.id)
    return page(session, query, order, cursor, limit, first)


def _with_event() -> sa.Select[tuple[WebhookDelivery, str, str]]:
    return (sa.select(WebhookDelivery, desk_events.c.type, desk_events.c.public_id)
            .join(desk_events, desk_events.c.id == webhook_deliveries.c.event_id))


def delivery_log(session: Session, subscription_id: int, cursor: str | None = None,
                 limit: int | None = None) -> Page[LoggedDelivery]:
    """A webhook's deliveries, newest first, with their event's type and id."""
    query = _with_event().where(webhook_deliveries.c.subscription_id == subscription_id)
    order = Order(webhook_deliveries.c.id, webhook_deliveries.c.id)
    return page(session, query, order, cursor, limit, _logged)


def logged_delivery(session: Session, delivery_id: int) -> LoggedDelivery | None:
    row = session.execute(_with_event().where(webhook_deliveries.c.id == delivery_id)).first()
    return None if row is None else _logged(tuple(row))


def disabled_for_failing(session: Session) -> list[WebhookSubscription]:
    """Webhooks the worker disabled (not those an admin switched off), newest first."""
    query = (sa.select(WebhookSubscription)
             .where(webhook_subscriptions.c.disabled_reason.is_not(None),
                    webhook_subscriptions.c.enabled.is_(False),
                    webhook_subscriptions.c.removed_at.is_(None))
             .order_by(webhook_subscriptions.c.id.desc()).limit(MAX_NOTICES))
    return list(session.scalars(query))


def webhook_trail(session: Session, limit: int = 20) -> list[AccountAuditEntry]:
    """The webhooks' part of the account audit trail, newest first."""
    query = (sa.select(AccountAuditEntry).where(account_audit.c.action.like("webhook\\_%",
                                                                             escape="\\"))
             .order_by(account_audit.c.at.desc(), account_audit.c.id.desc()).limit(limit))
    return list(session.scalars(query))


def _logged(row: Sequence[object]) -> LoggedDelivery:
    delivery, event_type, public_id = row
    assert isinstance(delivery, WebhookDelivery) and delivery.id is not None
    return LoggedDelivery(
        id=delivery.id, event_type=str(event_type), event_id=str(public_id),
        status=delivery.status, attempts=delivery.attempts,
        response_code=delivery.response_code, last_error=delivery.last_error,
        created_at=delivery.created_at, last_attempt_at=delivery.last_attempt_at,
        next_attempt_at=delivery.next_attempt_at, delivered_at=delivery.delivered_at,
        replay_of_id=delivery.replay_of_id)
