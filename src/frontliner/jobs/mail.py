"""Mail jobs: send each outbox row, and look for mail owed (replies, acknowledgements,
follow-up reminders) every few seconds.

The jobs know nothing about e-mail itself: the e-mail channel implements `Outbox` and
the command that starts the worker plugs it in (the channels and the jobs are siblings
and never import each other). A send that did not go through raises, so huey retries it
with exponential backoff (`retry_delay`, doubled each time, `max_attempts` in all); the
outbox itself guarantees that a retry never sends a message already sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from huey import Huey, crontab

log = logging.getLogger("frontliner.jobs")


class Outbox(Protocol):
    def collect(self) -> list[int]:
        """Queue the mail owed now; ids of the rows to send."""

    def send(self, row_id: int) -> str:
        """Send one row: 'sent', 'skipped', 'retry' or 'failed'."""


class SendAgain(Exception):
    """The relay did not take the message this time; huey schedules the next try."""


@dataclass
class MailJobs:
    """The registered tasks; `dispatch()` queues a send job for every row owed."""

    huey: Huey
    outbox: Outbox
    send_mail: Any = None  # huey TaskWrapper: calling it enqueues a send
    dispatch_mail: Any = None  # huey periodic TaskWrapper

    def dispatch(self) -> int:
        """Collect the mail owed and enqueue one send job per row; how many."""
        row_ids = self.outbox.collect()
        for row_id in row_ids:
            self.send_mail(row_id)
        return len(row_ids)


def install(huey: Huey, outbox: Outbox, max_attempts: int, retry_delay: float) -> MailJobs:
    """Register the mail tasks on `huey` (once per huey instance)."""
    jobs = MailJobs(huey=huey, outbox=outbox)

    def send_mail(row_id: int) -> str:
        outcome = outbox.send(row_id)
        log.info("outbound mail %s: %s", row_id, outcome)
        if outcome == "retry":
            raise SendAgain(f"outbound mail {row_id} not taken by the relay")
        return outcome

    def dispatch_mail() -> int:
        return jobs.dispatch()

    jobs.send_mail = huey.task(retries=max(0, max_attempts - 1), retry_delay=retry_delay,
                               retry_backoff=2, name="send_mail")(send_mail)
    # The worker's own loop looks every few seconds; this once a minute is the safety net
    # for a worker started with that loop off.
    jobs.dispatch_mail = huey.periodic_task(crontab(minute="*"), name="dispatch_mail")(
        dispatch_mail)
    return jobs
