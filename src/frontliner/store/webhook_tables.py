"""Tables of the webhooks: the events the desk wrote, the subscriptions, the deliveries.

`desk_events` is written in the same transaction as the change it announces
(`desk/events.py`). The worker fans each new event out into one `webhook_deliveries` row
per subscription that wants it (`dedupe_key` "<subscription>:<event>" is unique, so two
workers racing cannot queue a delivery twice), then marks the event dispatched.
"""

from __future__ import annotations

import sqlalchemy as sa

from frontliner.desk.events import DeskEvent
from frontliner.desk.webhooks import DeliveryStatus, WebhookDelivery, WebhookSubscription
from frontliner.store.tables import TABLES, _at, _fk, _id, metadata
from frontliner.store.types import enum_of, json_dict, json_list

desk_events = sa.Table(
    "desk_events",
    metadata,
    _id(),
    sa.Column("public_id", sa.String(40), nullable=False, unique=True),
    sa.Column("type", sa.String(50), nullable=False),
    _at("at"),
    sa.Column("data", json_dict(), nullable=False),
    _fk("case_id", "cases.id", cascade=True),
    _at("dispatched_at", nullable=True),
    # the worker's "what is new": events not dispatched yet, oldest first
    sa.Index(None, "dispatched_at", "id"),
    sa.Index(None, "case_id"),
)

webhook_subscriptions = sa.Table(
    "webhook_subscriptions",
    metadata,
    _id(),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("events", json_list(), nullable=False),
    sa.Column("secret_salt", sa.String(64), nullable=False),
    _at("created_at"),
    _fk("created_by_id", "users.id"),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    _at("disabled_at", nullable=True),
    sa.Column("disabled_reason", sa.String(300), nullable=True),
    _at("removed_at", nullable=True),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    _id(),
    _fk("subscription_id", "webhook_subscriptions.id", nullable=False, cascade=True),
    _fk("event_id", "desk_events.id", nullable=False, cascade=True),
    sa.Column("dedupe_key", sa.String(100), nullable=False, unique=True),
    _at("created_at"),
    sa.Column("status", enum_of(DeliveryStatus, "delivery_status"), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    _at("next_attempt_at", nullable=True),
    _at("claimed_at", nullable=True),
    sa.Column("claimed_by", sa.String(80), nullable=True),  # store/worker_tables.py
    _at("last_attempt_at", nullable=True),
    _at("delivered_at", nullable=True),
    sa.Column("response_code", sa.Integer, nullable=True),
    sa.Column("last_error", sa.String(300), nullable=True),
    _fk("replay_of_id", "webhook_deliveries.id"),
    # a subscription's delivery log, newest first
    sa.Index(None, "subscription_id", "id"),
    # what is due: pending with its time come, or a claim gone stale
    sa.Index(None, "status", "next_attempt_at"),
    sa.Index(None, "event_id"),
)

WEBHOOK_TABLES: dict[type, sa.Table] = {
    DeskEvent: desk_events,
    WebhookSubscription: webhook_subscriptions,
    WebhookDelivery: webhook_deliveries,
}
# Mapped and found (`uow.find`) like the desk's own entities.
TABLES.update(WEBHOOK_TABLES)
