"""Webhooks over the API (admin only): subscribe a URL to events, change, remove, read
the delivery log and replay a delivery. Every change is in the account audit trail; the
secret is in the answer to the POST that creates the webhook and nowhere else.
See docs/webhooks.md."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from frontliner.desk import webhooks
from frontliner.desk.events import EVENT_TYPES
from frontliner.store import webhook_queries
from frontliner.web import webhook_setup
from frontliner.web.deps import AdminUser, PageDep, SettingsDep, UowDep
from frontliner.web.lookup import render, render_page, session_of
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.common import ERRORS, PageOut
from frontliner.web.schemas.webhooks import (
    DeliveryOut,
    EventTypesOut,
    NewWebhookOut,
    WebhookChangeIn,
    WebhookIn,
    WebhookOut,
)

router = APIRouter(tags=["webhooks"], responses=ERRORS)


@router.get("/webhooks/events", response_model=EventTypesOut,
            summary="The event types a webhook can be sent (admin)")
def event_types(user: AdminUser) -> Any:
    return EventTypesOut(events=list(EVENT_TYPES))


@router.get("/webhooks", response_model=PageOut[WebhookOut], summary="Webhooks (admin)")
def list_webhooks(user: AdminUser, uow: UowDep, page: PageDep) -> Any:
    found = webhook_queries.list_subscriptions(session_of(uow), page.cursor, page.limit)
    return render_page(found, WebhookOut)


@router.post("/webhooks", response_model=NewWebhookOut, status_code=201,
             summary="Subscribe a URL to events (admin; the secret is shown once)")
def create_webhook(body: WebhookIn, user: AdminUser, uow: UowDep,
                   settings: SettingsDep) -> Any:
    subscription, secret = webhook_setup.create(uow, user, settings, body.url, body.events,
                                                body.description)
    uow.commit()
    return NewWebhookOut(**render(WebhookOut, subscription).model_dump(), secret=secret)


@router.get("/webhooks/{webhook_id}", response_model=WebhookOut, summary="A webhook (admin)")
def get_webhook(webhook_id: Id, user: AdminUser, uow: UowDep) -> Any:
    return render(WebhookOut, webhooks.load_subscription(uow, webhook_id))


@router.patch("/webhooks/{webhook_id}", response_model=WebhookOut,
              summary="Change a webhook's URL, events or description; disable or enable it "
                      "(admin)")
def change_webhook(webhook_id: Id, body: WebhookChangeIn, user: AdminUser, uow: UowDep,
                   settings: SettingsDep) -> Any:
    subscription = webhook_setup.change(uow, user, settings, webhook_id, url=body.url,
                                        events=body.events, description=body.description,
                                        enabled=body.enabled)
    uow.commit()
    return render(WebhookOut, subscription)


@router.delete("/webhooks/{webhook_id}", status_code=204, summary="Remove a webhook (admin)")
def remove_webhook(webhook_id: Id, user: AdminUser, uow: UowDep) -> None:
    webhooks.remove_subscription(uow, user, webhook_id)
    uow.commit()


@router.get("/webhooks/{webhook_id}/deliveries", response_model=PageOut[DeliveryOut],
            summary="A webhook's delivery log, newest first (admin)")
def deliveries(webhook_id: Id, user: AdminUser, uow: UowDep, page: PageDep) -> Any:
    webhooks.load_subscription(uow, webhook_id)
    found = webhook_queries.delivery_log(session_of(uow), webhook_id, page.cursor, page.limit)
    return render_page(found, DeliveryOut)


@router.post("/webhooks/{webhook_id}/deliveries/{delivery_id}/replay",
             response_model=DeliveryOut, status_code=202,
             summary="Send a logged delivery's event again, as a new delivery (admin)")
def replay(webhook_id: Id, delivery_id: Id, user: AdminUser, uow: UowDep) -> Any:
    replayed = webhooks.replay_delivery(uow, user, webhook_id, delivery_id)
    uow.commit()
    assert replayed.id is not None
    return render(DeliveryOut, webhook_queries.logged_delivery(session_of(uow), replayed.id))
