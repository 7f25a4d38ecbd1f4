"""What the admin page and the API share when setting up a webhook: the target is
checked where it really points (after DNS) before the desk stores it, and a new
webhook's secret is derived to be shown once."""

from __future__ import annotations

from collections.abc import Sequence

from frontliner.channels.webhooks import signing
from frontliner.channels.webhooks.targets import TargetRefused, resolve
from frontliner.config import Settings
from frontliner.desk import webhooks
from frontliner.desk.errors import Invalid
from frontliner.desk.model import User
from frontliner.desk.ports import UnitOfWork
from frontliner.desk.webhooks import WebhookSubscription


def check_target(url: str, settings: Settings) -> None:
    """422 for a URL that is malformed or points somewhere deliveries may not go."""
    try:
        resolve(webhooks.check_url(url), settings.webhook_allow_private_targets)
    except TargetRefused as refused:
        raise Invalid(f"Deliveries cannot go to this URL: {refused.reason}.",
                      {"url": "refused target"}) from None


def create(uow: UnitOfWork, actor: User, settings: Settings, url: str,
           events: Sequence[str], description: str = "") -> tuple[WebhookSubscription, str]:
    """The new webhook and its signing secret (to show once)."""
    webhooks.check_url(url)  # malformed -> the desk's own error, before any DNS
    webhooks.check_events(events)
    check_target(url, settings)
    subscription = webhooks.add_subscription(uow, actor, url, events, description)
    return subscription, signing.secret_for(settings, subscription.secret_salt)


def change(uow: UnitOfWork, actor: User, settings: Settings, subscription_id: int, *,
           url: str | None = None, events: Sequence[str] | None = None,
           description: str | None = None, enabled: bool | None = None,
           ) -> WebhookSubscription:
    if url is not None:
        webhooks.check_url(url)
        check_target(url, settings)
    return webhooks.change_subscription(uow, actor, subscription_id, url=url, events=events,
                                        description=description, enabled=enabled)
