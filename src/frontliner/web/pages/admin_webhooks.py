"""The admin pages of webhooks (`/admin/webhooks`, role admin): add one (its secret is
shown once, on the page the form answers), change, disable, enable, remove, and each
webhook's delivery log with a replay button per delivery.

Every change is one operation of `desk/webhooks.py` through `web/webhook_setup.py` (the
API uses the same), audited in the account audit trail; the webhooks' part of that
trail is listed here. See docs/webhooks.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from frontliner.desk import webhooks
from frontliner.desk.errors import Conflict, DeskError, Invalid
from frontliner.desk.events import EVENT_TYPES
from frontliner.desk.ports import UnitOfWork
from frontliner.store import account_queries, webhook_queries
from frontliner.web import webhook_setup
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.admin import AdminPageUser
from frontliner.web.pages.lead import done, flash
from frontliner.web.pages.templating import render

router = APIRouter(prefix="/admin/webhooks")
PAGE_SIZE = 50
LOG_SIZE = 50
Url = Annotated[str, Form(max_length=2000)]
Description = Annotated[str, Form(max_length=200)]
Events = Annotated[list[str], Form(max_length=50)]


@router.get("")
def webhooks_page(request: Request, user: AdminPageUser, uow: UowDep) -> Response:
    return _list_page(request, uow)


def _list_page(request: Request, uow: UnitOfWork, form: dict[str, Any] | None = None,
               error: str = "", secret: str = "", created: int | None = None,
               status_code: int = 200) -> Response:
    session = session_of(uow)
    found = webhook_queries.list_subscriptions(session, None, PAGE_SIZE)
    trail = webhook_queries.webhook_trail(session)
    context = {"section": "webhooks", "rows": found.items,
               "more": found.next_cursor is not None, "event_types": EVENT_TYPES,
               "form": form or {"url": "", "description": "", "events": list(EVENT_TYPES)},
               "trail": trail, "secret": secret, "created": created,
               "names": account_queries.user_names(session, [e.actor_id for e in trail]),
               "webhook_notices": webhook_queries.disabled_for_failing(session),
               "error": error, "done": flash(request)}
    return render(request, "admin/webhooks.html", context, status_code=status_code)


@router.post("")
def add_webhook(request: Request, user: AdminPageUser, uow: UowDep, url: Url = "",
                description: Description = "", events: Events = []) -> Response:  # noqa: B006
    form = {"url": url, "description": description, "events": events}
    try:
        subscription, secret = webhook_setup.create(uow, user, request.app.state.settings,
                                                    url, events, description)
        uow.commit()
    except (Invalid, Conflict) as bad:
        uow.rollback()
        return _list_page(request, uow, form, bad.message,
                          status_code=409 if isinstance(bad, Conflict) else 422)
    # Rendered, not redirected: the secret must not travel in the session or an address.
    return _list_page(request, uow, secret=secret, created=subscription.id, status_code=201)


@router.get("/{webhook_id}")
def webhook_page(request: Request, user: AdminPageUser, uow: UowDep, webhook_id: int,
                 cursor: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    return _webhook_page(request, uow, webhook_id, cursor=cursor)


def _webhook_page(request: Request, uow: UnitOfWork, webhook_id: int, error: str = "",
                  status_code: int = 200, cursor: str | None = None) -> Response:
    shown = webhooks.load_subscription(uow, webhook_id)
    log = webhook_queries.delivery_log(session_of(uow), webhook_id, cursor, LOG_SIZE)
    context = {"section": "webhooks", "shown": shown, "log": log.items,
               "log_next": log.next_cursor, "event_types": EVENT_TYPES, "error": error,
               "done": flash(request)}
    return render(request, "admin/webhook.html", context, status_code=status_code)


def _change(request: Request, uow: UnitOfWork, webhook_id: int, action: Callable[[], Any],
            message: str) -> Response:
    """One desk operation for the webhook's page; a refusal re-renders it with why."""
    try:
        action()
        uow.commit()
    except (Invalid, Conflict) as refused:
        uow.rollback()
        status = 409 if isinstance(refused, Conflict) else 422
        return _webhook_page(request, uow, webhook_id, refused.message, status)
    return done(request, f"/admin/webhooks/{webhook_id}", message)


@router.post("/{webhook_id}")
def change_webhook(request: Request, user: AdminPageUser, uow: UowDep, webhook_id: int,
                   url: Url = "", description: Description = "",
                   events: Events = []) -> Response:  # noqa: B006
    settings = request.app.state.settings
    return _change(request, uow, webhook_id, lambda: webhook_setup.change(
        uow, user, settings, webhook_id, url=url, events=events, description=description),
        "Saved.")


@router.post("/{webhook_id}/enable")
def enable(request: Request, user: AdminPageUser, uow: UowDep, webhook_id: int) -> Response:
    return _change(request, uow, webhook_id, lambda: webhooks.change_subscription(
        uow, user, webhook_id, enabled=True), "Enabled: new events will be sent to it.")


@router.post("/{webhook_id}/disable")
def disable(request: Request, user: AdminPageUser, uow: UowDep, webhook_id: int) -> Response:
    return _change(request, uow, webhook_id, lambda: webhooks.change_subscription(
        uow, user, webhook_id, enabled=False), "Disabled: nothing is sent to it now.")


@router.post("/{webhook_id}/remove")
def remove(request: Request, user: AdminPageUser, uow: UowDep, webhook_id: int) -> Response:
    removed = webhooks.remove_subscription(uow, user, webhook_id)
    uow.commit()
    return done(request, "/admin/webhooks", f"The webhook to {removed.url} was removed.")


@router.post("/{webhook_id}/deliveries/{delivery_id}/replay")
def replay(request: Request, user: AdminPageUser, uow: UowDep, webhook_id: int,
           delivery_id: int) -> Response:
    try:
        replayed = webhooks.replay_delivery(uow, user, webhook_id, delivery_id)
        uow.commit()
    except DeskError as refused:
        uow.rollback()
        if not isinstance(refused, Conflict):
            raise
        return _webhook_page(request, uow, webhook_id, refused.message, 409)
    return done(request, f"/admin/webhooks/{webhook_id}",
                f"Delivery {delivery_id} will be sent again (as delivery {replayed.id}).")
