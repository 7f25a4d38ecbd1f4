"""Outbound e-mail end to end: desk operation -> outbox row -> huey job -> a real SMTP
server (aiosmtpd in this process). Every test runs on SQLite and on PostgreSQL.

The queue is huey's in-memory storage driven step by step (`run_queue`) instead of a
consumer thread, so each test decides when jobs run and at what clock time: retries are
checked by the delays huey scheduled, never by waiting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from huey import MemoryHuey
from huey.api import Task
from sqlalchemy.engine import Engine
from tests.channels.mail_sink import Sink, running_sink, sink_fixture  # noqa: F401 - sink_fixture by name
from tests.conftest import Seeded

from frontliner.channels.email import intake as mail_intake
from frontliner.channels.email.addresses import message_id_for, reply_address
from frontliner.channels.email.outbox import CLAIM_LEASE, SqlOutbox, collect, send
from frontliner.channels.email.processing import process_mail
from frontliner.coach import check
from frontliner.coach.model import Severity
from frontliner.config import Settings
from frontliner.desk import intake, interactions
from frontliner.desk.model import Case, Channel, FollowUp, Interaction, User
from frontliner.jobs.mail import MailJobs, install
from frontliner.store import worker_tables
from frontliner.store.outbound_tables import outbound_mail
from frontliner.store.uow import SqlUnitOfWork
from frontliner.store.wake import CommitWake

UowFactory = Callable[[], SqlUnitOfWork]
PASSWORD = "relay-pw-7f3k"


def mail_settings(port: int, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "smtp_host": "127.0.0.1", "smtp_port": port, "mail_domain": "desk.test",
        "mail_local_part": "support", "secret_key": "test-secret-outbound",
        "queue_url": "memory://", "outbound_retry_delay": 5.0, "outbound_max_attempts": 4,
        "smtp_timeout": 10.0,
    }
    values.update(overrides)
    return Settings.model_validate(values)


def mail_jobs(uow_factory: UowFactory, settings: Settings) -> MailJobs:
    return install(MemoryHuey("test-mail", utc=True), SqlOutbox(uow_factory, settings),
                   settings.outbound_max_attempts, settings.outbound_retry_delay)


def run_queue(jobs: MailJobs, at: datetime | None = None) -> list[Task]:
    """Run every job that is ready (at `at`, huey's naive UTC clock); returns the tasks
    huey scheduled for later (retries)."""
    while (task := jobs.huey.dequeue()) is not None:
        jobs.huey.execute(task, timestamp=at)
    return list(jobs.huey.scheduled())


def agent_reply(uow_factory: UowFactory, seeded: Seeded, body: str,
                channel: Channel = Channel.EMAIL) -> Interaction:
    with uow_factory() as uow:
        agent = uow.get(User, seeded.agent_id)
        reply = interactions.record_outbound(uow, agent, seeded.case_id, body, channel=channel)
        uow.commit()
    return reply


def outbox_rows(uow_factory: UowFactory) -> list[dict[str, object]]:
    with uow_factory() as uow:
        found = uow.session.execute(sa.select(outbound_mail).order_by(outbound_mail.c.id))
        return [dict(row) for row in found.mappings()]


def test_agent_reply_on_an_emailed_case_reaches_the_customer_once_threaded_to_the_case(
    uow_factory: UowFactory, seeded: Seeded, sink: Sink
) -> None:
    settings = mail_settings(sink.port)  # type: ignore[attr-defined]
    jobs = mail_jobs(uow_factory, settings)
    reply = agent_reply(uow_factory, seeded, "Thank you, Ann. I have refunded the second charge.")
    agent_reply(uow_factory, seeded, "Chat answer, stays in the chat.", channel=Channel.CHAT)

    assert jobs.dispatch() == 1
    run_queue(jobs)
    assert jobs.dispatch() == 0  # already queued and sent: nothing owed any more
    run_queue(jobs)

    assert len(sink.received) == 1
    mail = sink.received[0]
    with uow_factory() as uow:
        case = uow.get(Case, seeded.case_id)
        assert case is not None
        assert mail["Reply-To"] == reply_address(case, settings)
    assert mail["To"] == "ann@example.com"
    assert mail["Message-ID"] == message_id_for(reply, settings)
    assert mail["Auto-Submitted"] is None  # an agent's personal reply is not automatic
    assert seeded.case_ref in mail["Subject"]
    assert "refunded the second charge" in mail.get_content()
    assert [row["status"] for row in outbox_rows(uow_factory)] == ["sent"]


def test_new_emailed_case_gets_one_automatic_acknowledgement_the_coach_accepts(
    uow_factory: UowFactory, seeded: Seeded, sink: Sink
) -> None:
    settings = mail_settings(sink.port)  # type: ignore[attr-defined]
    jobs = mail_jobs(uow_factory, settings)
    with uow_factory() as uow:
        case = intake.open_case(uow, None, nature="my parcel never arrived",
                                customer_name="Bo Park", contact="bo@example.com",
                                channel=Channel.EMAIL, message="Where is my parcel?")
        intake.open_case(uow, None, nature="web form question", customer_name="Cy",
                         contact="cy@example.com", channel=Channel.WEB, message="Hello?")
        uow.commit()

    for _ in range(2):  # a second look finds nothing new to send
        jobs.dispatch()
        run_queue(jobs)

    assert len(sink.received) == 1
    ack = sink.received[0]
    assert ack["To"] == "bo@example.com"
    assert ack["Auto-Submitted"] == "auto-generated"
    assert case.ref in ack["Subject"]
    errors = [f for f in check(ack.get_content(), "Where is my parcel? It never arrived.").findings
              if f.severity == Severity.ERROR]
    assert errors == []


def test_a_due_follow_up_mails_its_owner_exactly_once(
    uow_factory: UowFactory, seeded: Seeded, sink: Sink
) -> None:
    settings = mail_settings(sink.port)  # type: ignore[attr-defined]
    jobs = mail_jobs(uow_factory, settings)
    now = datetime.now(UTC)
    with uow_factory() as uow:
        uow.add(FollowUp(case_id=seeded.case_id, owner_id=seeded.agent_id,
                         due_at=now - timedelta(hours=1), note="check the refund landed"))
        uow.add(FollowUp(case_id=seeded.case_id, owner_id=seeded.agent_id,
                         due_at=now + timedelta(days=2), note="not yet"))
        uow.commit()

    for _ in range(3):
        jobs.dispatch()
        run_queue(jobs)

    assert len(sink.received) == 1
    reminder = sink.received[0]
    assert reminder["To"] == "sam@desk.test"
    assert reminder["Auto-Submitted"] == "auto-generated"
    assert seeded.case_ref in reminder["Subject"]
    assert "check the refund landed" in reminder.get_content()


def test_a_busy_relay_gets_retries_with_doubling_delays_and_the_reply_arrives_once(
    uow_factory: UowFactory, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy = Sink(refuse_first=2)
    with running_sink(busy) as port:
        settings = mail_settings(port)
        jobs = mail_jobs(uow_factory, settings)
        reply = agent_reply(uow_factory, seeded, "I have sent a replacement today.")
        jobs.dispatch()

        clock = datetime(2026, 3, 2, 10, 0)  # huey's clock (naive UTC), moved by hand
        monkeypatch.setattr(jobs.huey, "_get_timestamp", lambda: clock)
        delays = []
        for _ in range(2):  # refused twice with 451: each time a retry is scheduled
            (retry,) = run_queue(jobs, at=clock)
            delays.append(retry.eta - clock)
            clock = retry.eta
            for due in jobs.huey.read_schedule(clock):
                jobs.huey.enqueue(due)
        assert run_queue(jobs, at=clock) == []  # third attempt accepted, nothing scheduled

    assert delays == [timedelta(seconds=5), timedelta(seconds=10)]
    assert busy.refused == 2
    assert [m["Message-ID"] for m in busy.received] == [message_id_for(reply, settings)]
    (row,) = outbox_rows(uow_factory)
    assert (row["status"], row["attempts"]) == ("sent", 3)


def test_a_sent_row_is_never_sent_again_whatever_the_queue_replays(
    uow_factory: UowFactory, seeded: Seeded, sink: Sink
) -> None:
    settings = mail_settings(sink.port)  # type: ignore[attr-defined]
    agent_reply(uow_factory, seeded, "Your refund is on its way; I will confirm on Friday.")
    (row_id,) = collect(uow_factory, settings)

    outcomes = [send(uow_factory, settings, row_id).outcome for _ in range(3)]
    later = datetime.now(UTC) + CLAIM_LEASE * 2  # even long after, as a sweeper would
    outcomes.append(send(uow_factory, settings, row_id, now=later).outcome)
    assert collect(uow_factory, settings, now=later) == []

    assert outcomes == ["sent", "skipped", "skipped", "skipped"]
    assert len(sink.received) == 1


def test_a_worker_that_died_mid_send_is_replaced_after_the_lease_with_the_same_message_id(
    uow_factory: UowFactory, seeded: Seeded, sink: Sink
) -> None:
    settings = mail_settings(sink.port)  # type: ignore[attr-defined]
    reply = agent_reply(uow_factory, seeded, "I have booked the engineer for Tuesday.")
    (row_id,) = collect(uow_factory, settings)
    claimed_at = datetime.now(UTC)
    with uow_factory() as uow:  # as if a worker claimed the row and was killed
        uow.session.execute(sa.update(outbound_mail).values(
            status="sending", attempts=1, claimed_at=claimed_at))
        uow.commit()

    assert send(uow_factory, settings, row_id).outcome == "skipped"  # still leased
    later = claimed_at + CLAIM_LEASE + timedelta(seconds=1)
    assert collect(uow_factory, settings, now=later) == [row_id]
    assert send(uow_factory, settings, row_id, now=later).outcome == "sent"
    assert [m["Message-ID"] for m in sink.received] == [message_id_for(reply, settings)]


def claim_as(uow_factory: UowFactory, worker_id: str, at: datetime) -> None:
    """As if `worker_id` had claimed every row at `at` and was then killed mid-send."""
    with uow_factory() as uow:
        uow.session.execute(sa.update(outbound_mail).values(
            status="sending", attempts=1, claimed_at=at, claimed_by=worker_id))
        uow.commit()


def test_a_worker_killed_mid_send_is_taken_over_once_it_stops_beating_and_sent_once(
    engine: Engine, uow_factory: UowFactory, seeded: Seeded, sink: Sink
) -> None:
    settings = mail_settings(sink.port, worker_heartbeat_seconds=5)  # type: ignore[attr-defined]
    reply = agent_reply(uow_factory, seeded, "The engineer comes on Tuesday at nine.")
    (row_id,) = collect(uow_factory, settings)
    killed_at = datetime.now(UTC)
    worker_tables.beat(engine, "worker-a", killed_at)
    claim_as(uow_factory, "worker-a", killed_at)

    # While A still counts as alive, nobody else touches its row.
    assert collect(uow_factory, settings, now=killed_at) == []
    assert send(uow_factory, settings, row_id, now=killed_at,
                worker_id="worker-b").outcome == "skipped"
    # Four beats missed (20 s, not the 15-minute lease): B takes it over, once.
    later = killed_at + timedelta(seconds=21)
    assert collect(uow_factory, settings, now=later) == [row_id]
    outcomes = [send(uow_factory, settings, row_id, now=later, worker_id="worker-b").outcome
                for _ in range(2)]
    assert outcomes == ["sent", "skipped"]
    assert [m["Message-ID"] for m in sink.received] == [message_id_for(reply, settings)]


def test_a_worker_that_stops_cleanly_frees_its_claims_at_once(
    engine: Engine, uow_factory: UowFactory, seeded: Seeded, sink: Sink
) -> None:
    settings = mail_settings(sink.port)  # type: ignore[attr-defined]
    agent_reply(uow_factory, seeded, "The engineer comes on Tuesday at nine.")
    (row_id,) = collect(uow_factory, settings)
    now = datetime.now(UTC)
    worker_tables.beat(engine, "worker-a", now)
    claim_as(uow_factory, "worker-a", now)
    worker_tables.leave(engine, "worker-a")
    assert collect(uow_factory, settings, now=now) == [row_id]


def test_a_committed_reply_wakes_the_worker_on_postgresql_and_a_rolled_back_one_does_not(
    engine: Engine, uow_factory: UowFactory, seeded: Seeded
) -> None:
    source = CommitWake(engine)
    if engine.dialect.name != "postgresql":
        assert not source.available  # SQLite has no notifications: the worker polls
        return
    wake, stop = threading.Event(), threading.Event()
    listener = threading.Thread(target=source.listen, args=(wake, stop), daemon=True)
    listener.start()
    try:
        assert wake.wait(30), "the listener never connected"
        wake.clear()
        with uow_factory() as uow:
            agent = uow.get(User, seeded.agent_id)
            interactions.record_outbound(uow, agent, seeded.case_id, "Never sent.")
            uow.rollback()
        assert not wake.wait(1.0), "a rolled-back write woke the worker"
        agent_reply(uow_factory, seeded, "Your refund went out this morning.")
        assert wake.wait(30), "a committed reply did not wake the worker"
    finally:
        stop.set()
        listener.join(10)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_relay_login_works_and_the_password_never_reaches_the_log(
    uow_factory: UowFactory, seeded: Seeded, caplog: pytest.LogCaptureFixture
) -> None:
    guarded = Sink(password=PASSWORD)
    caplog.set_level(logging.DEBUG)
    with running_sink(guarded) as port:
        # aiosmtpd stalls smtplib's fallback to a second mechanism after a refused login:
        # a short timeout ends that attempt quickly.
        wrong = mail_settings(port, smtp_user="desk", smtp_password="wrong-pw",
                              outbound_max_attempts=1, smtp_timeout=1.0)
        right = mail_settings(port, smtp_user="desk", smtp_password=PASSWORD)
        agent_reply(uow_factory, seeded, "I have updated your address as you asked.")
        (row_id,) = collect(uow_factory, right)
        refused = send(uow_factory, wrong, row_id)
        with uow_factory() as uow:
            uow.session.execute(sa.update(outbound_mail).values(status="queued"))
            uow.commit()
        accepted = send(uow_factory, right, row_id)

    assert (refused.outcome, accepted.outcome) == ("failed", "sent")
    assert guarded.logins == ["desk"] and len(guarded.received) == 1
    stored = " ".join(str(r["last_error"]) for r in outbox_rows(uow_factory))
    assert PASSWORD not in caplog.text and PASSWORD not in stored
    assert "wrong-pw" not in caplog.text and "wrong-pw" not in stored
    assert PASSWORD not in repr(right)


def test_list_and_auto_submitted_mail_gets_no_acknowledgement_but_a_customer_does(
    engine: sa.engine.Engine, uow_factory: UowFactory, seeded: Seeded, sink: Sink
) -> None:
    settings = mail_settings(sink.port)  # type: ignore[attr-defined]
    jobs = mail_jobs(uow_factory, settings)
    incoming = {
        "news@lists.example": "List-Id: <offers.lists.example>\r\nPrecedence: list\r\n",
        "robot@shop.example": "Auto-Submitted: auto-generated\r\n",
        "kim@example.com": "",
    }
    for sender, extra in incoming.items():
        raw = (f"From: {sender}\r\nTo: support@desk.test\r\nSubject: My order is late\r\n"
               f"Message-ID: <{sender.split('@')[0]}.1@example.net>\r\n{extra}"
               "Content-Type: text/plain\r\n\r\nMy order never arrived, please help.\r\n").encode()
        stored = mail_intake.accept(engine, raw, envelope_from=sender,
                               envelope_to=["support@desk.test"])
        process_mail(uow_factory, stored.mail_id, settings=settings)

    jobs.dispatch()
    run_queue(jobs)

    assert [m["To"] for m in sink.received] == ["kim@example.com"]
    assert sink.received[0]["Auto-Submitted"] == "auto-generated"
    assert sink.received[0]["In-Reply-To"] == "<kim.1@example.net>"  # threads under theirs


def test_a_row_that_would_inject_a_header_is_failed_not_sent_and_not_retried(
    uow_factory: UowFactory, seeded: Seeded, sink: Sink
) -> None:
    settings = mail_settings(sink.port)  # type: ignore[attr-defined]
    agent_reply(uow_factory, seeded, "I have refunded the charge.")
    (row_id,) = collect(uow_factory, settings)
    with uow_factory() as uow:
        uow.session.execute(sa.update(outbound_mail).values(
            to_address="ann@example.com\r\nBcc: everyone@example.org"))
        uow.commit()

    outcome = send(uow_factory, settings, row_id)
    later = datetime.now(UTC) + CLAIM_LEASE * 2

    assert outcome.outcome == "failed"
    assert sink.received == []
    assert collect(uow_factory, settings, now=later) == []  # given up, not swept again
    assert outbox_rows(uow_factory)[0]["status"] == "failed"
