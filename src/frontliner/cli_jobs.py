"""`frontliner worker`: the background worker that sends mail, reminders and webhooks,
and keeps the insights up to date.

It runs huey's consumer on the configured queue (FRONTLINER_QUEUE_URL, or Redis at
FRONTLINER_REDIS_URL) and looks for mail the desk owes (agents' e-mail replies,
acknowledgements of new e-mailed cases, follow-up reminders due) and for webhook
deliveries due (new events, retries), and queues them. On PostgreSQL it looks as soon as
a write that may owe something commits (store/wake.py) and every
FRONTLINER_OUTBOX_SAFETY_POLL_SECONDS besides; on SQLite every
FRONTLINER_OUTBOX_POLL_SECONDS. Every FRONTLINER_INSIGHTS_POLL_SECONDS it rolls up the
cases that changed (jobs/insights.py). It beats in `worker_beats` so that, if it is
killed mid-send, another worker takes its claims over (store/worker_tables.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from sqlalchemy.engine import Engine

from frontliner.channels.email.outbox import SqlOutbox
from frontliner.channels.webhooks.delivery import SqlWebhooks
from frontliner.config import Settings, get_settings
from frontliner.jobs import insights
from frontliner.jobs.mail import MailJobs, install
from frontliner.jobs.queue import make_huey
from frontliner.jobs.webhooks import WebhookJobs
from frontliner.jobs.webhooks import install as install_webhooks
from frontliner.store import worker_tables
from frontliner.store.engine import make_engine
from frontliner.store.migrate import upgrade
from frontliner.store.uow import uow_factory
from frontliner.store.wake import CommitWake

log = logging.getLogger("frontliner.worker")

MIN_ROUND_SECONDS = 0.2  # a burst of commits costs at most five looks a second


def build_jobs(settings: Settings, worker_id: str | None = None
               ) -> tuple[MailJobs, WebhookJobs]:
    """The queue with the mail tasks (sending through the e-mail channel) and the
    webhook tasks (through the webhooks channel) registered."""
    engine = make_engine(settings.database_url)
    if settings.upgrade_on_start:
        upgrade(engine)
    factory = uow_factory(engine)
    mail = install(make_huey(settings), SqlOutbox(factory, settings, worker_id),
                   settings.outbound_max_attempts, settings.outbound_retry_delay)
    return mail, install_webhooks(mail.huey, SqlWebhooks(factory, settings, worker_id))


def _look_for_work(jobs: list[MailJobs | WebhookJobs], every: float, wake: threading.Event,
                   stop: threading.Event) -> None:
    """Queue what is owed now, then again when woken or after `every` seconds. Wakes
    that come while a round runs fold into one more round, at most one per MIN_ROUND."""
    while not stop.is_set():
        wake.clear()
        for job in jobs:
            try:
                job.dispatch()
            except Exception:  # the database may be away for a moment: try again soon
                log.exception("could not look for work to queue; trying again shortly")
        stop.wait(MIN_ROUND_SECONDS)
        wake.wait(every)


def _keep_beating(engine: Engine, worker_id: str, every: float, stop: threading.Event) -> None:
    """Say this worker is alive until it stops; then leave, freeing its claims."""
    try:
        worker_tables.forget_dead(engine, datetime.now(UTC), timedelta(seconds=every))
    except Exception:  # only housekeeping
        log.warning("could not forget long-dead workers", exc_info=True)
    while True:
        try:
            worker_tables.beat(engine, worker_id, datetime.now(UTC))
        except Exception:  # the database is away: the next beat tries again
            log.warning("could not record this worker's heartbeat", exc_info=True)
        if stop.wait(every):
            break
    try:
        worker_tables.leave(engine, worker_id)
    except Exception:  # then its claims are taken over once its beats are old
        log.warning("could not remove this worker's heartbeat", exc_info=True)


def _poll_insights(jobs: insights.InsightJobs, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            jobs.refresh()
        except Exception:  # the figures wait a round; the desk itself is not affected
            log.exception("could not bring the insights up to date; trying again shortly")


def worker(
    workers: Annotated[int, typer.Option(min=1, max=32, help="Threads sending")] = 2,
    poll: Annotated[bool, typer.Option(
        help="Look for mail and webhooks owed (on commit, and every few seconds)")] = True,
) -> None:
    """Run the background worker: outbound mail, acknowledgements, follow-up reminders,
    webhook deliveries, insights."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    worker_id = worker_tables.new_worker_id()
    jobs, hooks = build_jobs(settings, worker_id)
    engine = make_engine(settings.database_url)
    insight_jobs = insights.install(jobs.huey, engine)
    stop, wake = threading.Event(), threading.Event()
    _start(_keep_beating, engine, worker_id, settings.worker_heartbeat_seconds, stop)
    commit_wake = CommitWake(engine)
    if poll:
        every = settings.outbox_poll_seconds
        if commit_wake.available:
            _start(commit_wake.listen, wake, stop)
            every = settings.outbox_safety_poll_seconds
        _start(_look_for_work, [jobs, hooks], every, wake, stop)
        _start(_poll_insights, insight_jobs, settings.insights_poll_seconds, stop)
    woken = "on commit" if poll and commit_wake.available else "by polling"
    typer.echo(f"Frontliner worker {worker_id}: {workers} thread(s), queue "
               f"{type(jobs.huey).__name__}, looks for work {woken}, relay "
               f"{settings.smtp_host}:{settings.smtp_port}")
    try:
        jobs.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
    finally:
        stop.set()


def _start(target: Callable[..., None], *args: object) -> None:
    threading.Thread(target=target, args=args, name=target.__name__.strip("_"),
                     daemon=True).start()
