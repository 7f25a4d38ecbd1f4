"""`frontliner worker`: the background worker that sends mail and reminders.

It runs huey's consumer on the configured queue (FRONTLINER_QUEUE_URL) and, every
FRONTLINER_OUTBOX_POLL_SECONDS, looks for mail the desk owes (agents' e-mail replies,
acknowledgements of new e-mailed cases, follow-up reminders due) and queues it.
"""

from __future__ import annotations

import logging
import threading
from typing import Annotated

import typer

from frontliner.channels.email.outbox import SqlOutbox
from frontliner.config import Settings, get_settings
from frontliner.jobs.mail import MailJobs, install
from frontliner.jobs.queue import make_huey
from frontliner.store.engine import make_engine
from frontliner.store.migrate import upgrade
from frontliner.store.uow import uow_factory

log = logging.getLogger("frontliner.worker")


def build_mail_jobs(settings: Settings) -> MailJobs:
    """The queue with the mail tasks registered, sending through the e-mail channel."""
    engine = make_engine(settings.database_url)
    if settings.upgrade_on_start:
        upgrade(engine)
    outbox = SqlOutbox(uow_factory(engine), settings)
    return install(make_huey(settings), outbox, settings.outbound_max_attempts,
                   settings.outbound_retry_delay)


def _poll_outbox(jobs: MailJobs, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            jobs.dispatch()
        except Exception:  # the database may be away for a moment: try again next round
            log.exception("could not look for mail to send; trying again shortly")


def worker(
    workers: Annotated[int, typer.Option(min=1, max=32, help="Threads sending mail")] = 2,
    poll: Annotated[bool, typer.Option(help="Look for mail owed every few seconds")] = True,
) -> None:
    """Run the background worker: outbound mail, acknowledgements, follow-up reminders."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    jobs = build_mail_jobs(settings)
    stop = threading.Event()
    if poll:
        threading.Thread(target=_poll_outbox, args=(jobs, settings.outbox_poll_seconds, stop),
                         name="outbox-poll", daemon=True).start()
    typer.echo(f"Frontliner worker: {workers} thread(s), queue "
               f"{type(jobs.huey).__name__}, relay {settings.smtp_host}:{settings.smtp_port}")
    try:
        jobs.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
    finally:
        stop.set()
