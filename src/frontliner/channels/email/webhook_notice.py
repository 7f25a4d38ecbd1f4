"""The mail that tells the admins a webhook was disabled because it kept failing.

One outbox row per active admin each time a webhook is disabled (the dedupe key holds
the time it was disabled, so a webhook enabled again and disabled again is told again).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from frontliner.channels.email.access_mail import public_base
from frontliner.channels.email.messages import AUTOMATIC
from frontliner.config import Settings
from frontliner.desk.model import Role, User
from frontliner.desk.webhooks import WebhookSubscription
from frontliner.store.tables import users
from frontliner.store.uow import SqlUnitOfWork
from frontliner.store.webhook_tables import webhook_subscriptions

MAX_ADMINS = 20  # told per disabled webhook


def collect_notices(uow: SqlUnitOfWork, settings: Settings, since: datetime, _at: datetime,
                    ) -> list[dict[str, Any]]:
    """Outbox rows for webhooks the worker disabled since `since` (already queued rows
    are skipped by their dedupe key)."""
    disabled = sa.select(WebhookSubscription).where(
        webhook_subscriptions.c.disabled_reason.is_not(None),
        webhook_subscriptions.c.disabled_at >= since,
        webhook_subscriptions.c.removed_at.is_(None),
    ).order_by(webhook_subscriptions.c.id).limit(50)
    found = list(uow.session.scalars(disabled))
    if not found:
        return []
    admins = list(uow.session.scalars(
        sa.select(User).where(users.c.role == Role.ADMIN, users.c.active.is_(True))
        .order_by(users.c.id).limit(MAX_ADMINS)))
    return [_row(subscription, admin, settings) for subscription in found for admin in admins]


def _row(subscription: WebhookSubscription, admin: User, settings: Settings,
         ) -> dict[str, Any]:
    assert subscription.disabled_at is not None
    stamp = int(subscription.disabled_at.timestamp())
    link = f"{public_base(settings)}/admin/webhooks/{subscription.id}"
    body = (f"Hello {admin.name},\n\n"
            f"The webhook to {subscription.url} was disabled: {subscription.disabled_reason}.\n"
            "Nothing more is sent to it until an administrator enables it again. Its "
            f"delivery log shows each attempt, and failed deliveries can be replayed:\n\n"
            f"{link}\n\nFrontliner\n")
    return {"kind": "webhook_disabled",
            "dedupe_key": f"webhook-disabled:{subscription.id}:{stamp}:{admin.id}",
            "message_id": f"<fl.webhook.{subscription.id}.{secrets.token_hex(5)}"
                          f"@{settings.mail_domain}>",
            "case_id": None, "to_address": admin.email,
            "subject": "A webhook was disabled because it kept failing", "body": body,
            "headers": dict(AUTOMATIC), "automatic": True, "status": "queued",
            "attempts": 0, "last_error": None}
