"""The "is it solved?" mail: asked on the case's own channel when a case starts waiting
for the customer's confirmation, through the real outbox, huey job and SMTP server
(aiosmtpd in this process), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tests.channels.mail_sink import Sink, sink_fixture  # noqa: F401 - sink_fixture by name
from tests.channels.test_outbound_mail import mail_jobs, mail_settings, outbox_rows, run_queue
from tests.conftest import Seeded

from frontliner.channels.confirm_links import ConfirmLinks, LinkPass
from frontliner.channels.email.addresses import ids_from_message_id, reply_address
from frontliner.channels.email.outbox import CHAT_GRACE, collect
from frontliner.coach import check
from frontliner.coach.model import Severity
from frontliner.config import Settings
from frontliner.desk import closing, customer_answers, intake, ownership
from frontliner.desk.model import Case, Channel, User
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]
PUBLIC = "https://help.shop.test"


def _settings(sink: Sink) -> Settings:
    return mail_settings(sink.port, public_url=PUBLIC + "/")  # type: ignore[attr-defined]


def _ask(uow_factory: UowFactory, agent_id: int, case_id: int) -> None:
    with uow_factory() as uow:
        agent = uow.get(User, agent_id)
        case = uow.get(Case, case_id)
        assert case is not None
        if case.status.value == "new":
            ownership.acknowledge(uow, agent, case_id)
        closing.request_confirmation(uow, agent, case_id)
        uow.commit()


def _open(uow_factory: UowFactory, agent_id: int, channel: Channel, contact: str) -> int:
    with uow_factory() as uow:
        agent = uow.get(User, agent_id)
        case = intake.open_case(uow, agent, nature="the blender jug is cracked",
                                customer_name="Bo Park", contact=contact, channel=channel,
                                message="It arrived cracked.")
        uow.commit()
        assert case.id is not None
        return case.id


def _send_all(jobs: object) -> None:
    for _ in range(2):  # a second look finds nothing more
        jobs.dispatch()  # type: ignore[attr-defined]
        run_queue(jobs)  # type: ignore[arg-type]


def _links(body: str) -> tuple[str, str]:
    yes = re.search(r"Yes, it's solved:\s+(\S+)", body)
    not_yet = re.search(r"Not yet:\s+(\S+)", body)
    assert yes and not_yet, body
    return yes.group(1), not_yet.group(1)


def test_an_emailed_case_awaiting_confirmation_mails_the_question_with_two_signed_links(
    uow_factory: UowFactory, seeded: Seeded, sink: Sink,
) -> None:
    settings = _settings(sink)
    jobs = mail_jobs(uow_factory, settings)
    _ask(uow_factory, seeded.agent_id, seeded.case_id)
    _send_all(jobs)

    (mail,) = sink.received
    assert mail["To"] == "ann@example.com"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Subject"].strip().startswith("Is it solved?")
    assert seeded.case_ref in mail["Subject"]
    with uow_factory() as uow:
        case = uow.get(Case, seeded.case_id)
        assert case is not None
        assert mail["Reply-To"] == reply_address(case, settings)
    found = ids_from_message_id(mail["Message-ID"], settings)
    assert found is not None and found.case_id == seeded.case_id
    body = mail.get_content()
    yes, not_yet = _links(body)
    token = yes.removeprefix(f"{PUBLIC}/confirm/")
    assert not_yet == f"{yes}/not-yet"
    assert ConfirmLinks.from_settings(settings).read(token) == LinkPass(seeded.case_id,
                                                                        seeded.customer_id)
    errors = [f.rule for f in check(body, "I was charged twice for one order.").findings
              if f.severity == Severity.ERROR]
    assert errors == []
    rows = outbox_rows(uow_factory)
    assert [(r["kind"], r["status"]) for r in rows] == [("confirmation_request", "sent")]
    assert "/confirm/" not in str(rows[0]["body"])  # no stored row holds a working link


def test_a_second_request_after_a_reopen_asks_again(
    uow_factory: UowFactory, seeded: Seeded, sink: Sink,
) -> None:
    jobs = mail_jobs(uow_factory, _settings(sink))
    _ask(uow_factory, seeded.agent_id, seeded.case_id)
    _send_all(jobs)
    with uow_factory() as uow:
        customer_answers.customer_not_fixed(uow, seeded.case_id, seeded.customer_id,
                                            "Still charged twice.", "email_link")
        uow.commit()
    _send_all(jobs)
    assert len(sink.received) == 1  # "not yet" is not a new question
    _ask(uow_factory, seeded.agent_id, seeded.case_id)
    _send_all(jobs)
    assert len(sink.received) == 2
    assert sink.received[0]["Message-ID"] != sink.received[1]["Message-ID"]


def test_a_case_answered_before_the_worker_looked_is_not_asked_by_mail(
    uow_factory: UowFactory, seeded: Seeded, sink: Sink,
) -> None:
    jobs = mail_jobs(uow_factory, _settings(sink))
    _ask(uow_factory, seeded.agent_id, seeded.case_id)
    with uow_factory() as uow:
        customer_answers.customer_confirms(uow, seeded.case_id, seeded.customer_id, "chat")
        uow.commit()
    _send_all(jobs)
    assert sink.received == [] and outbox_rows(uow_factory) == []


def test_web_and_phone_customers_are_asked_by_mail_only_when_they_have_an_address(
    uow_factory: UowFactory, seeded: Seeded, sink: Sink,
) -> None:
    jobs = mail_jobs(uow_factory, _settings(sink))
    web = _open(uow_factory, seeded.agent_id, Channel.WEB, "bo@example.org")
    phone = _open(uow_factory, seeded.agent_id, Channel.PHONE, "+44 20 7946 0999")
    for case_id in (web, phone):
        _ask(uow_factory, seeded.agent_id, case_id)
    _send_all(jobs)
    confirmations = [m for m in sink.received
                     if m["Subject"].strip().startswith("Is it solved?")]
    assert [m["To"] for m in confirmations] == ["bo@example.org"]
    assert [r["case_id"] for r in outbox_rows(uow_factory)
            if r["kind"] == "confirmation_request"] == [web]


def test_a_chat_customer_is_mailed_only_when_the_chat_question_went_unanswered(
    uow_factory: UowFactory, seeded: Seeded, sink: Sink,
) -> None:
    settings = _settings(sink)
    answered = _open(uow_factory, seeded.agent_id, Channel.CHAT, "cy@example.org")
    silent = _open(uow_factory, seeded.agent_id, Channel.CHAT, "di@example.org")
    for case_id in (answered, silent):
        _ask(uow_factory, seeded.agent_id, case_id)
    assert collect(uow_factory, settings) == []  # asked in the chat first
    with uow_factory() as uow:
        case = uow.get(Case, answered)
        assert case is not None
        customer_answers.customer_confirms(uow, answered, case.customer_id, "chat")
        uow.commit()
    later = datetime.now(UTC) + CHAT_GRACE + timedelta(minutes=1)
    queued = collect(uow_factory, settings, now=later)
    rows = outbox_rows(uow_factory)
    assert [(r["case_id"], r["to_address"]) for r in rows] == [(silent, "di@example.org")]
    assert [r["id"] for r in rows] == queued
