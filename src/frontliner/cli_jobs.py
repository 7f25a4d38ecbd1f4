"""`frontliner worker`: the background worker that sends mail, reminders and webhooks,
and keeps the insights up to date.

It runs huey's consumer on the configured queue (FRONTLINER_QUEUE_URL) and, every
FRONTLINER_OUTBOX_POLL_SECONDS, looks for mail the desk owes (agents' e-mail replies,
acknowledgements of new e-mailed cases, follow-up reminders due) and for webhook
deliveries due (new events, retries), and queues them; every
FRONTLINER_INSIGHTS_POLL_SECONDS it rolls up the cases that changed (jobs/insights.py).
"""

from __future__ import annotations

import logging
import threading
from typing import Annotated

import typer

from frontliner.channels.email.outbox import SqlOutbox
from frontliner.channels.webhooks.delivery import SqlWebhooks
from frontliner.config import Settings, get_settings
from frontliner.jobs import insights
from frontliner.jobs.mail import MailJobs, install
from frontliner.jobs.queue import make_huey
from frontliner.jobs.webhooks import WebhookJobs
from frontliner.jobs.webhooks import install as install_webhooks
from frontliner.store.engine import make_engine
from frontliner.store.migrate import upgrade
from frontliner.store.uow import uow_factory

log = logging.getLogger("frontliner.worker")


def build_jobs(settings: Settings) -> tuple[MailJobs, WebhookJobs]:
    """The queue with the mail tasks (sending through the e-mail channel) and the
    webhook tasks (through the webhooks channel) registered."""
    engine = make_engine(settings.database_url)
    if settings.upgrade_on_start:
        upgrade(engine)
    factory = uow_factory(engine)
    mail = install(make_huey(settings), SqlOutbox(factory, settings),
                   settings.outbound_max_attempts, settings.outbound_retry_delay)
    return mail, install_webhooks(mail.huey, SqlWebhooks(factory, settings))


def _poll_outbox(jobs: list[MailJobs | WebhookJobs], every: float,
                 stop: threading.Event) -> None:
    while not stop.wait(every):
        for job in jobs:
            try:
                job.dispatch()
            except Exception:  # the database may be away for a moment: try again soon
                log.exception("could not look for work to queue; trying again shortly")


def _poll_insights(jobs: insights.InsightJobs, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            jobs.refresh()
        except Exception:  # the figures wait a round; the desk itself is not affected
            log.exception("could not bring the insights up to date; trying again shortly")


def worker(
    workers: Annotated[int, typer.Option(min=1, max=32, help="Threads sending")] = 2,
    poll: Annotated[bool, typer.Option(
        help="Look for mail and webhooks owed every few seconds")] = True,
) -> None:
    """Run the background worker: outbound mail, acknowledgements, follow-up reminders,
    webhook deliveries, insights."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    jobs, hooks = build_jobs(settings)
    insight_jobs = insights.install(jobs.huey, make_engine(settings.database_url))
    stop = threading.Event()
    if poll:
        threading.Thread(target=_poll_outbox,
                         args=([jobs, hooks], settings.outbox_poll_seconds, stop),
                         name="outbox-poll", daemon=True).start()
        threading.Thread(target=_poll_insights,
                         args=(insight_jobs, settings.insights_poll_seconds, stop),
                         name="insights-poll", daemon=True).start()
    typer.echo(f"Frontliner worker: {workers} thread(s), queue "
               f"{type(jobs.huey).__name__}, relay {settings.smtp_host}:{settings.smtp_port}")
    try:
        jobs.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
    finally:
        stop.set()
