"""Webhook subscriptions and their delivery log."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from frontliner.desk.webhooks import DeliveryStatus
from frontliner.web.schemas.common import In, Out


class WebhookIn(In):
    url: str = Field(max_length=2_000, description="https:// (or http://) URL to POST to")
    events: list[str] = Field(min_length=1, max_length=50,
                              description="event types to send (GET /webhooks/events)")
    description: str = Field(default="", max_length=200)


class WebhookChangeIn(In):
    url: str | None = Field(default=None, max_length=2_000)
    events: list[str] | None = Field(default=None, min_length=1, max_length=50)
    description: str | None = Field(default=None, max_length=200)
    enabled: bool | None = Field(default=None, description="true also re-enables a webhook "
                                 "disabled for failing")


class WebhookOut(Out):
    id: int
    url: str
    events: list[str]
    description: str
    enabled: bool
    created_at: datetime
    created_by_id: int | None
    disabled_at: datetime | None
    disabled_reason: str | None = Field(description="set when the worker disabled it for "
                                        "failing; null when an admin switched it off")


class NewWebhookOut(WebhookOut):
    secret: str = Field(description="The signing secret. Shown once: store it now.")


class DeliveryOut(Out):
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


class EventTypesOut(Out):
    events: list[str]
