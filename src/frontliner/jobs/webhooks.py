"""Webhook jobs: send each delivery due, and look for new events every few seconds.

Like the mail jobs, these know nothing about HTTP: the webhooks channel implements
`Webhooks` and `frontliner worker` plugs it in. Retries are not huey's: a failed
delivery records when it is due again (doubling delays, see
`channels/webhooks/delivery.py`), so the schedule survives a restart and shows in the
delivery log; the next look after that time queues it again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from huey import Huey, crontab

log = logging.getLogger("frontliner.jobs")


class Webhooks(Protocol):
    def collect(self) -> list[int]:
        """Fan out new events; ids of the deliveries due now."""

    def send(self, delivery_id: int) -> str:
        """One attempt: 'delivered', 'retry', 'failed' or 'skipped'."""


@dataclass
class WebhookJobs:
    huey: Huey
    webhooks: Webhooks
    send_webhook: Any = None  # huey TaskWrapper: calling it enqueues one attempt
    dispatch_webhooks: Any = None  # huey periodic TaskWrapper (the safety net)

    def dispatch(self) -> int:
        """Queue one send job per delivery due; how many."""
        delivery_ids = self.webhooks.collect()
        for delivery_id in delivery_ids:
            self.send_webhook(delivery_id)
        return len(delivery_ids)


def install(huey: Huey, webhooks: Webhooks) -> WebhookJobs:
    """Register the webhook tasks on `huey` (once per huey instance)."""
    jobs = WebhookJobs(huey=huey, webhooks=webhooks)

    def send_webhook(delivery_id: int) -> str:
        outcome = webhooks.send(delivery_id)
        log.info("webhook delivery %s: %s", delivery_id, outcome)
        return outcome

    def dispatch_webhooks() -> int:
        return jobs.dispatch()

    jobs.send_webhook = huey.task(name="send_webhook")(send_webhook)
    jobs.dispatch_webhooks = huey.periodic_task(crontab(minute="*"),
                                                name="dispatch_webhooks")(dispatch_webhooks)
    return jobs
