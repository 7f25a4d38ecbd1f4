"""Inbound e-mail from stored bytes to an owned case, on SQLite and PostgreSQL: threading,
identity, duplicates, automatic mail, bounces, loops, hostile content and the quarantine."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from tests.channels.inbound_support import SETTINGS, deliver, eml, huge_header, nested
from tests.conftest import Seeded

from frontliner.channels.email.addresses import case_message_id, reply_address
from frontliner.channels.email.intake import accept
from frontliner.channels.email.processing import process_mail
from frontliner.desk.interactions import record_outbound
from frontliner.desk.model import AuditEntry, Case, Customer, Direction, Interaction
from frontliner.store.mail import attachment_by_name, attachments_of_case, load_raw, summary
from frontliner.store.mail_tables import MailStatus, inbound_mail
from frontliner.store.tables import cases
from frontliner.store.uow import SqlUnitOfWork

Factory = Callable[[], SqlUnitOfWork]


def _count(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


def _messages(uow_factory: Factory, case_id: int) -> list[Interaction]:
    with uow_factory() as uow:
        return uow.find(Interaction, case_id=case_id)


def _case(uow_factory: Factory, case_id: int) -> Case:
    with uow_factory() as uow:
        case = uow.get(Case, case_id)
        assert case is not None
        return case


def _answered_case(engine: Engine, uow_factory: Factory, seeded: Seeded) -> tuple[Case, str]:
    """Ann's complaint by mail, answered by its owner: the case and our reply's Message-ID."""
    opened = deliver(engine, uow_factory, eml("complaint.eml"))
    assert opened.case_id is not None
    with uow_factory() as uow:
        case = uow.get(Case, opened.case_id)
        assert case is not None and case.owner_id is not None
        from frontliner.desk.model import User

        owner = uow.get(User, case.owner_id)
        reply = record_outbound(uow, owner, case.id or 0, "We are sorry. A new kettle on Friday?")
        uow.commit()
    return case, case_message_id(case.id or 0, reply.id or 0, SETTINGS)


def test_complaint_by_mail_opens_an_owned_case_with_the_coachs_reading(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    outcome = deliver(engine, uow_factory, eml("complaint.eml"))

    assert outcome.status == MailStatus.PROCESSED and outcome.opened_case
    assert outcome.auto_answer  # a person wrote it: the desk may acknowledge it
    case = _case(uow_factory, outcome.case_id or 0)
    assert case.owner_id == seeded.agent_id
    assert case.nature == "Kettle arrived broken"
    (message,) = _messages(uow_factory, case.id or 0)
    assert message.body == (
        "My kettle arrived broken and nobody answers the phone. This is ridiculous."
    )  # signature split off
    assert message.analysis is not None and message.analysis["complaint"] is True
    with uow_factory() as uow:
        customer = uow.get(Customer, case.customer_id)
        assert customer is not None and customer.id == seeded.customer_id  # ann@example.com


def test_reply_threads_by_reply_token_and_keeps_only_the_new_text(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    case, our_id = _answered_case(engine, uow_factory, seeded)
    raw = eml(
        "reply_quoted.eml", REPLY_ADDRESS=reply_address(case, SETTINGS), OUR_MESSAGE_ID=our_id
    )

    outcome = deliver(engine, uow_factory, raw, envelope_to=(reply_address(case, SETTINGS),))

    assert outcome.case_id == case.id and not outcome.opened_case
    inbound = [m for m in _messages(uow_factory, case.id or 0) if m.direction == Direction.INBOUND]
    assert [m.body for m in inbound][-1] == "Thanks, a replacement on Friday works for me."
    assert _count(engine, cases) == 2  # the seeded case and this one: nothing new opened


@pytest.mark.parametrize("clue", ["in-reply-to", "references"])
def test_customer_reply_threads_by_our_signed_message_id(
    engine: Engine, uow_factory: Factory, seeded: Seeded, clue: str
) -> None:
    case, our_id = _answered_case(engine, uow_factory, seeded)
    header = "In-Reply-To" if clue == "in-reply-to" else "References"
    headers = f"{header}: {our_id}\r\n"
    subject = f"Re: [{case.ref}] kettle"
    raw = (
        f"From: ann@example.com\r\nTo: support@frontliner.localhost\r\nSubject: {subject}\r\n"
        f"Message-ID: <clue.{clue}@example.com>\r\n{headers}\r\nStill waiting for it.\r\n"
    ).encode()

    assert deliver(engine, uow_factory, raw).case_id == case.id


def test_stranger_quoting_a_case_reference_gets_a_case_of_their_own(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    case, our_id = _answered_case(engine, uow_factory, seeded)
    raw = eml("stranger_subject_ref.eml", CASE_REF=case.ref, OUR_MESSAGE_ID=our_id)

    outcome = deliver(engine, uow_factory, raw, envelope_from="mallory@evil.example")

    assert outcome.opened_case and outcome.case_id != case.id
    assert _case(uow_factory, outcome.case_id or 0).customer_id != case.customer_id
    assert len(_messages(uow_factory, case.id or 0)) == 2  # Ann's case untouched


def test_identity_comes_from_the_from_header_never_reply_to(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    outcome = deliver(engine, uow_factory, eml("reply_to_spoof.eml"), "mallory@evil.example")

    case = _case(uow_factory, outcome.case_id or 0)
    assert case.customer_id != seeded.customer_id
    assert case.contact_value == "mallory@evil.example"


def test_same_message_delivered_twice_is_kept_once(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    raw = eml("complaint.eml")
    first = deliver(engine, uow_factory, raw)
    again = accept(engine, raw, envelope_from="ann@example.com", envelope_to=["x@y.z"])
    relayed = deliver(engine, uow_factory, b"Received: from mx2.example.com\r\n" + raw)

    assert again.created is False and again.mail_id == first.mail_id  # same bytes: same row
    assert relayed.status == MailStatus.DUPLICATE and relayed.case_id == first.case_id
    assert len(_messages(uow_factory, first.case_id or 0)) == 1
    assert _count(engine, cases) == 2


def test_out_of_office_reply_is_noted_and_never_answered(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    case, our_id = _answered_case(engine, uow_factory, seeded)
    raw = eml("auto_reply.eml", REPLY_ADDRESS=reply_address(case, SETTINGS), OUR_MESSAGE_ID=our_id)

    outcome = deliver(engine, uow_factory, raw)

    assert outcome.case_id == case.id and outcome.auto_answer is False
    last = _messages(uow_factory, case.id or 0)[-1]
    assert last.direction == Direction.NOTE and "out of the office" in last.body
    with engine.connect() as connection:
        facts = connection.scalar(
            sa.select(inbound_mail.c.facts).where(inbound_mail.c.id == outcome.mail_id)
        )
    assert facts["analysis"]["complaint"] is False  # read by the coach like any inbound mail


def test_list_mail_is_kept_but_never_answered(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    outcome = deliver(engine, uow_factory, eml("list_mail.eml"), "bounces@lists.example")

    assert outcome.status == MailStatus.PROCESSED and outcome.auto_answer is False


def test_bounce_is_noted_on_the_case_whose_mail_bounced(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    case, our_id = _answered_case(engine, uow_factory, seeded)

    outcome = deliver(engine, uow_factory, eml("dsn_bounce.eml", OUR_MESSAGE_ID=our_id), "")

    assert outcome.status == MailStatus.BOUNCE and outcome.case_id == case.id
    note = _messages(uow_factory, case.id or 0)[-1]
    assert note.direction == Direction.NOTE
    assert "ann@example.com" in note.body and "5.1.1" in note.body
    assert _count(engine, cases) == 2 and not outcome.auto_answer


def test_our_own_mail_coming_back_is_not_filed_or_answered(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    outcome = deliver(engine, uow_factory, eml("loop.eml"), "support@frontliner.localhost")

    assert outcome.status == MailStatus.LOOP and outcome.case_id is None
    assert not outcome.auto_answer and _count(engine, cases) == 1


def test_hostile_html_is_sanitised_and_no_remote_image_is_kept(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    outcome = deliver(engine, uow_factory, eml("hostile_html.eml"))

    with engine.connect() as connection:
        html = connection.scalar(
            sa.select(inbound_mail.c.html_safe).where(inbound_mail.c.id == outcome.mail_id)
        )
    assert html is not None and "never arrived" in html
    for bad in ("<script", "<iframe", "onerror", "onload", "javascript:", "tracker.example"):
        assert bad not in html
    assert 'src="cid:logo@example.com"' in html and "https://shop.example/order/7" in html
    (message,) = _messages(uow_factory, outcome.case_id or 0)
    assert "never arrived" in message.body and "owned" not in message.body


def test_attachment_is_kept_under_a_generated_name(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    outcome = deliver(engine, uow_factory, eml("attachment.eml"))

    with engine.connect() as connection:
        (listed,) = attachments_of_case(connection, outcome.case_id or 0)
        stored = attachment_by_name(connection, listed.name)
    assert "/" not in listed.filename and listed.filename.endswith("passwd.html")
    assert listed.name != listed.filename and len(listed.name) >= 32
    assert stored is not None and stored.data == b"<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (eml("broken_mime.eml"), "broken MIME structure"),
        (nested(200), "nested deeper than"),
        (huge_header(1024 * 1024), "headers larger than"),
    ],
    ids=["broken-mime", "200-deep", "1MB-header"],
)
def test_unreadable_mail_is_quarantined_with_its_raw_bytes(
    engine: Engine, uow_factory: Factory, seeded: Seeded, raw: bytes, reason: str
) -> None:
    outcome = deliver(engine, uow_factory, raw)

    assert outcome.status == MailStatus.QUARANTINED and reason in (outcome.reason or "")
    assert load_raw(engine, outcome.mail_id) == raw  # byte for byte
    assert _count(engine, cases) == 1


def test_quarantined_mail_is_recovered_leniently(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    quarantined = deliver(engine, uow_factory, eml("broken_mime.eml"))

    retried = process_mail(uow_factory, quarantined.mail_id, settings=SETTINGS, lenient=True)

    assert retried.status == MailStatus.PROCESSED and retried.case_id is not None
    (message,) = _messages(uow_factory, retried.case_id)
    assert "Broken MIME" in message.body  # readable now, on a case of its own
    found = summary(engine, quarantined.mail_id)
    assert found is not None and found.attempts == 1


def test_quarantine_cli_lists_shows_and_retries(
    database_url: str, engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    bad = deliver(engine, uow_factory, eml("broken_mime.eml"))
    env = {**os.environ, "FRONTLINER_DATABASE_URL": database_url, "COLUMNS": "200"}
    cli = [str(Path(sys.executable).with_name("frontliner")), "mail", "quarantine"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*cli, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    listed = run("list")
    shown = run("show", str(bad.mail_id), "--raw")
    strict = run("retry", str(bad.mail_id))
    lenient = run("retry", "--lenient", str(bad.mail_id))

    assert listed.returncode == 0 and "broken MIME structure" in listed.stdout
    assert "never-used" in shown.stdout
    assert strict.returncode == 1 and "quarantined" in strict.stdout
    assert lenient.returncode == 0 and "processed" in lenient.stdout
    assert run("list").stdout.strip() == "No mail in quarantine."


def test_mail_that_no_one_can_take_yet_opens_a_case_that_waits_in_unassigned(
    engine: Engine, uow_factory: Factory
) -> None:
    waiting = deliver(engine, uow_factory, eml("complaint.eml"))  # a desk with no agents

    assert waiting.status == MailStatus.PROCESSED and waiting.case_id is not None
    case = _case(uow_factory, waiting.case_id)
    assert case.owner_id is None  # nobody to give it to: it waits, nothing is lost
    with uow_factory() as uow:
        trail = [e.action for e in uow.find(AuditEntry, case_id=case.id)]
    assert "left_unassigned" in trail
