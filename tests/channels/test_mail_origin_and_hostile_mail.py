"""Hostile and unusual mail through the real SMTP server (aiosmtpd), on SQLite and
PostgreSQL: forged senders are held off a customer's case, real customers' odd mail
(raw 8-bit names, IDN addresses, unknown charsets) becomes a readable case, only a true
repeat is a duplicate, automatic answers are limited per sender, and control and bidi
characters never reach what we store, show, serve or send."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from tests.channels.inbound_support import DESK, eml
from tests.channels.mail_sink import Sink, running_sink
from tests.integration.api_support import (  # noqa: F401 - fixtures, used by name
    API,
    PASSWORD,
    Desk,
    api_fixture,
    desk_fixture,
)

from frontliner.channels.email.intake import accept
from frontliner.channels.email.outbox import collect, send
from frontliner.channels.email.processing import Outcome, process_mail
from frontliner.channels.email.smtp import SmtpService
from frontliner.config import Settings
from frontliner.desk.model import Case, Customer, Direction, Interaction
from frontliner.store.mail_tables import MailStatus, inbound_mail, mail_attachments
from frontliner.store.outbound_tables import outbound_mail
from frontliner.store.uow import SqlUnitOfWork

Factory = Callable[[], SqlUnitOfWork]
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
MX = "mx.frontliner.test"  # the receiving host the desk trusts in these tests
SETTINGS = Settings(secret_key="inbound-mail-test-secret", mail_trusted_authserv_ids=[MX],
                    mail_auto_reply_limit=3)


@contextmanager
def _smtp(engine: Engine, uow_factory: Factory, settings: Settings = SETTINGS,
          ) -> Iterator[tuple[smtplib.SMTP, list[Outcome]]]:
    """The desk's SMTP server and a client talking to it; when the block ends the server
    has stopped and everything it accepted is filed (outcomes in order)."""
    outcomes: list[Outcome] = []
    service = SmtpService(engine, uow_factory, settings, host="127.0.0.1", port=0,
                          on_outcome=outcomes.append)
    service.start()
    try:
        with smtplib.SMTP("127.0.0.1", service.port) as client:
            yield client, outcomes
    finally:
        service.stop()


def _mail(sender: str, subject: str, body: str, *headers: str,
          message_id: str | None = None) -> bytes:
    lines = [f"From: {sender}", f"To: {DESK}", f"Subject: {subject}", *headers]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


def _deliver(engine: Engine, uow_factory: Factory, *raws: bytes, envelope: str = "ann@example.com",
             settings: Settings = SETTINGS) -> list[Outcome]:
    with _smtp(engine, uow_factory, settings) as (client, outcomes):
        for raw in raws:
            assert client.sendmail(envelope, [DESK], raw) == {}
    assert len(outcomes) == len(raws)
    return sorted(outcomes, key=lambda o: o.mail_id)


def _messages(uow_factory: Factory, case_id: int) -> list[Interaction]:
    with uow_factory() as uow:
        return uow.find(Interaction, case_id=case_id)


def _case(uow_factory: Factory, case_id: int | None) -> Case:
    with uow_factory() as uow:
        case = uow.get(Case, case_id or 0)
        assert case is not None
        return case


def _outbox(engine: Engine, kind: str) -> list[Any]:
    o = outbound_mail.c
    with engine.connect() as connection:
        return list(connection.execute(
            sa.select(o.to_address, o.status, o.subject, o.last_error, o.id)
            .where(o.kind == kind).order_by(o.id)).all())


def _anns_case(engine: Engine, uow_factory: Factory) -> Case:
    (opened,) = _deliver(engine, uow_factory, eml("complaint.eml"))
    assert opened.opened_case
    return _case(uow_factory, opened.case_id)


# --- 1. a forged sender naming a customer's case -------------------------------------------


def test_forged_sender_naming_a_case_is_held_unseen_by_the_customer_and_never_answered(
    api: TestClient, desk: Desk, engine: Engine, uow_factory: Factory
) -> None:
    case = _anns_case(engine, uow_factory)
    forged = _mail("Ann Lee <ann@example.com>", f"Re: [{case.ref}] buy cheap pills",
                   "Please send the refund to my new account 666.", message_id="<f1@evil.test>")
    second = _mail("Ann Lee <ann@example.com>", f"Re: {case.ref}", "It is really me.",
                   message_id="<f2@evil.test>")

    held = _deliver(engine, uow_factory, forged, second, envelope="mallory@evil.example")
    collect(uow_factory, SETTINGS)

    assert [o.status for o in held] == [MailStatus.HELD, MailStatus.HELD]
    assert all(o.case_id == case.id and not o.opened_case for o in held)
    assert len(_messages(uow_factory, case.id or 0)) == 1  # only Ann's own complaint
    as_ann = api.get(f"{API}/cases/{case.ref}", headers=desk.ann.auth).json()
    # The held text itself (a bare "666" also turns up by chance in a timestamp's microseconds).
    assert "my new account 666" not in str(as_ann)
    assert api.get(f"{API}/cases/{case.ref}/held-messages",
                   headers=desk.ann.auth).status_code in (403, 404)
    listed = api.get(f"{API}/cases/{case.ref}/held-messages", headers=desk.lead.auth).json()
    assert [h["status"] for h in listed] == ["held", "held"]
    assert "signed reply token" in listed[0]["why"]
    # Only the acknowledgement of Ann's own new case: nothing answers a held message.
    assert [row.to_address for row in _outbox(engine, "acknowledgement")] == ["ann@example.com"]

    no_reason = api.post(f"{API}/held-messages/{listed[0]['id']}/reject",
                         json={"reason": ""}, headers=desk.lead.auth)
    rejected = api.post(f"{API}/held-messages/{listed[0]['id']}/reject",
                        json={"reason": "not from Ann: she has no account 666"},
                        headers=desk.lead.auth)
    accepted = api.post(f"{API}/held-messages/{listed[1]['id']}/accept", headers=desk.lead.auth)
    again = api.post(f"{API}/held-messages/{listed[1]['id']}/accept", headers=desk.lead.auth)

    assert no_reason.status_code == 422
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_reason"] == "not from Ann: she has no account 666"
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert again.status_code == 409
    as_ann = api.get(f"{API}/cases/{case.ref}", headers=desk.ann.auth).json()
    assert "It is really me." in str(as_ann) and "my new account 666" not in str(as_ann)
    bodies = [m.body for m in _messages(uow_factory, case.id or 0)
              if m.direction == Direction.INBOUND]
    assert bodies[-1] == "It is really me."
    audit = api.get(f"{API}/cases/{case.ref}/audit", headers=desk.lead.auth)
    if audit.status_code == 200:
        actions = [e["action"] for e in audit.json()["items"]]
        assert {"message_held", "held_message_rejected", "held_message_accepted"} <= set(actions)


def test_files_of_a_held_message_appear_only_once_it_is_accepted(
    api: TestClient, desk: Desk, engine: Engine, uow_factory: Factory
) -> None:
    case = _anns_case(engine, uow_factory)
    raw = eml("attachment.eml").replace(b"Subject: The invoice",
                                        f"Subject: Re: [{case.ref}]".encode())
    (held,) = _deliver(engine, uow_factory, raw, envelope="mallory@evil.example")
    files = f"{API}/cases/{case.ref}/attachments"

    while_held = api.get(files, headers=desk.ann.auth).json()
    staff_while_held = api.get(files, headers=desk.lead.auth).json()
    (item,) = api.get(f"{API}/cases/{case.ref}/held-messages", headers=desk.lead.auth).json()
    api.post(f"{API}/held-messages/{item['id']}/accept", headers=desk.lead.auth)
    accepted = api.get(files, headers=desk.ann.auth).json()

    assert held.status == MailStatus.HELD
    assert while_held == [] and staff_while_held == []
    assert len(accepted) == 1 and accepted[0]["filename"].endswith("passwd.html")


def test_held_message_is_shown_and_rejected_on_the_case_page(
    api: TestClient, desk: Desk, engine: Engine, uow_factory: Factory
) -> None:
    case = _anns_case(engine, uow_factory)
    _deliver(engine, uow_factory, _mail("ann@example.com", f"Re: [{case.ref}]", "Page test."),
             envelope="mallory@evil.example")
    (held,) = api.get(f"{API}/cases/{case.ref}/held-messages", headers=desk.lead.auth).json()
    token = _CSRF.search(api.get("/login").text)
    assert token is not None
    api.post("/login", data={"email": desk.lead.email, "password": PASSWORD,
                             "csrf_token": token.group(1)})

    page = api.get(f"/work/cases/{case.ref}")
    csrf = _CSRF.search(page.text)
    assert csrf is not None
    rejected = api.post(f"/work/cases/{case.ref}/held/{held['id']}/reject",
                        data={"reason": "a stranger", "csrf_token": csrf.group(1)},
                        headers={"Origin": str(api.base_url)})
    after = api.get(f"/work/cases/{case.ref}")

    assert "not from a checked sender" in page.text and "Page test." in page.text
    assert f"/work/cases/{case.ref}/held/{held['id']}/accept" in page.text
    assert rejected.status_code == 200 and "Held message rejected" in rejected.text
    assert "Page test." not in after.text


def test_mail_whose_origin_a_trusted_host_checked_joins_the_case(
    engine: Engine, uow_factory: Factory
) -> None:
    case = _anns_case(engine, uow_factory)

    def reply(results: str, n: int) -> bytes:
        return _mail("Ann Lee <ann@example.com>", f"Re: [{case.ref}]", f"Reply {n}.",
                     f"Authentication-Results: {results}", message_id=f"<ar{n}@example.com>")

    outcomes = _deliver(engine, uow_factory,
                        reply(f"{MX}; dkim=pass header.d=example.com", 1),
                        reply(f"{MX}; spf=fail smtp.mailfrom=evil.example; "
                              "dmarc=pass header.from=example.com", 2),
                        reply("mx.evil.example; dkim=pass header.d=example.com", 3),  # untrusted
                        reply(f"{MX}; dkim=pass header.d=evil.example", 4),  # not aligned
                        reply(f"{MX}; dkim=fail header.d=example.com", 5))

    assert [o.status for o in outcomes] == [MailStatus.PROCESSED] * 2 + [MailStatus.HELD] * 3
    bodies = [m.body for m in _messages(uow_factory, case.id or 0)]
    assert bodies[-2:] == ["Reply 1.", "Reply 2."]


def test_known_customers_new_mail_without_a_case_reference_opens_a_new_case(
    engine: Engine, uow_factory: Factory
) -> None:
    case = _anns_case(engine, uow_factory)

    (fresh,) = _deliver(engine, uow_factory, _mail("ann@example.com", "Another thing", "Hi."),
                        envelope="mallory@evil.example")

    assert fresh.opened_case and fresh.case_id != case.id
    assert len(_messages(uow_factory, case.id or 0)) == 1  # her existing thread untouched


# --- 2. real customers' mail: raw 8-bit names, IDN, homoglyphs, unknown charsets ------------


def test_raw_utf8_and_8bit_sender_names_become_readable_cases(
    engine: Engine, uow_factory: Factory
) -> None:
    utf8 = "From: José Müller <jose@example.com>\r\nSubject: Kaputt\r\n\r\nDer Kessel.\r\n"
    latin1 = "From: Zoë Brontë <zoe@example.com>\r\nSubject: Broken\r\n\r\nThe kettle.\r\n"

    outcomes = _deliver(engine, uow_factory, utf8.encode(), latin1.encode("latin-1"))

    assert [o.status for o in outcomes] == [MailStatus.PROCESSED] * 2
    names = [_case(uow_factory, o.case_id).contact_name for o in outcomes]
    assert names == ["José Müller", "Zoë Brontë"]


def test_internationalised_and_look_alike_addresses_become_cases_of_their_own(
    engine: Engine, uow_factory: Factory
) -> None:
    case = _anns_case(engine, uow_factory)
    unicode_domain = "From: Björn <bjorn@bücher.example>\r\nSubject: Order\r\n\r\nWhere?\r\n"
    ascii_domain = "From: Björn <bjorn@xn--bcher-kva.example>\r\nSubject: Again\r\n\r\nHm.\r\n"
    # Cyrillic "а" in place of the Latin "a": not Ann, whatever it looks like.
    look_alike = f"From: Ann Lee <\u0430nn@example.com>\r\nSubject: Re: [{case.ref}]\r\n\r\nX\r\n"

    outcomes = _deliver(engine, uow_factory, unicode_domain.encode(), ascii_domain.encode(),
                        look_alike.encode())

    assert [o.status for o in outcomes] == [MailStatus.PROCESSED] * 3
    bjorn, again, fake = (_case(uow_factory, o.case_id) for o in outcomes)
    assert bjorn.contact_value == again.contact_value == "bjorn@xn--bcher-kva.example"
    assert bjorn.customer_id == again.customer_id and bjorn.contact_name == "Björn"
    assert fake.id != case.id and fake.customer_id != case.customer_id
    assert fake.contact_value == "\u0430nn@example.com"


def test_unknown_charset_is_filed_with_replacement_characters(
    engine: Engine, uow_factory: Factory
) -> None:
    (outcome,) = _deliver(engine, uow_factory, eml("bad_charset.eml"))

    assert outcome.status == MailStatus.PROCESSED
    (message,) = _messages(uow_factory, outcome.case_id or 0)
    assert message.body == "The refund never arrived."


def test_mail_quarantined_before_the_upgrade_is_recovered_leniently(
    engine: Engine, uow_factory: Factory
) -> None:
    raw = "From: José Müller <jose@example.com>\r\nSubject: Kaputt\r\n\r\nDer Kessel.\r\n"
    stored = accept(engine, raw.encode(), envelope_from="jose@example.com", envelope_to=[DESK])
    with engine.begin() as connection:  # as an earlier version left it
        connection.execute(sa.update(inbound_mail).where(inbound_mail.c.id == stored.mail_id)
                           .values(status=MailStatus.QUARANTINED, reason="UnicodeEncodeError"))

    retried = process_mail(uow_factory, stored.mail_id, settings=SETTINGS, lenient=True)

    assert retried.status == MailStatus.PROCESSED
    assert _case(uow_factory, retried.case_id).contact_name == "José Müller"


def test_unreadable_mail_is_quarantined_and_its_sender_told_once(
    engine: Engine, uow_factory: Factory
) -> None:
    broken = eml("broken_mime.eml")
    (outcome,) = _deliver(engine, uow_factory, broken, envelope="ann@example.com")
    (bounce_like,) = _deliver(engine, uow_factory, broken + b"\r\n", envelope="")
    sink = Sink()

    with running_sink(sink) as port:
        sending = SETTINGS.model_copy(update={"smtp_port": port})
        for row_id in collect(uow_factory, sending) + collect(uow_factory, sending):
            send(uow_factory, sending, row_id)

    assert outcome.status == bounce_like.status == MailStatus.QUARANTINED
    assert [(r.to_address, r.status) for r in _outbox(engine, "unreadable_notice")] == [
        ("ann@example.com", "sent")]  # nobody to tell behind an empty return path
    (told,) = sink.received
    assert str(told["Subject"]) == "We could not read your message"
    assert told["Auto-Submitted"] == "auto-generated"


# --- 6. the same Message-ID with another body ----------------------------------------------


def test_same_message_id_with_another_body_is_filed_and_only_a_true_repeat_is_a_duplicate(
    engine: Engine, uow_factory: Factory
) -> None:
    first = _mail("ann@example.com", "Order", "My order is late.", message_id="<same@example.com>")
    other = _mail("ann@example.com", "Order", "And now it is broken.",
                  message_id="<same@example.com>")
    repeat = b"Received: from relay2.example.com\r\n" + first

    outcomes = _deliver(engine, uow_factory, first, other, repeat)

    assert [o.status for o in outcomes] == [MailStatus.PROCESSED, MailStatus.PROCESSED,
                                            MailStatus.DUPLICATE]
    with uow_factory() as uow:
        texts = [m.body for m in uow.find(Interaction, limit=50)]
    assert texts.count("My order is late.") == 1 and "And now it is broken." in texts


# --- 7. automatic answers --------------------------------------------------------------------


def test_automatic_answers_are_limited_per_sender_and_never_sent_to_robots(
    engine: Engine, uow_factory: Factory
) -> None:
    robot = [_mail("robot@example.com", f"Alert {n}", f"Disk {n} full.") for n in range(12)]
    quiet = [
        _mail("news@example.com", "News", "Hi.", "Precedence: bulk"),
        _mail("list@example.com", "List", "Hi.", "List-Id: <x.example.com>"),
        _mail("auto@example.com", "Auto", "Hi.", "Auto-Submitted: auto-generated"),
    ]
    _deliver(engine, uow_factory, *robot, envelope="robot@example.com")
    _deliver(engine, uow_factory, *quiet, envelope="lists@example.com")
    _deliver(engine, uow_factory, _mail("no-reply@shop.example", "Receipt", "Paid."),
             envelope="no-reply@shop.example")
    sink = Sink()

    with running_sink(sink) as port:
        sending = SETTINGS.model_copy(update={"smtp_port": port})
        # Two workers looking one after the other: the count is in the database.
        for row_id in collect(uow_factory, sending) + collect(uow_factory, sending):
            send(uow_factory, sending, row_id)

    rows = _outbox(engine, "acknowledgement")
    assert [r.status for r in rows].count("sent") == 3
    assert [r.status for r in rows].count("suppressed") == 9
    assert {r.to_address for r in rows} == {"robot@example.com"}
    assert len(sink.received) == 3
    assert all("Disk" not in str(m["Subject"]) for m in sink.received)


# --- 9. control characters -------------------------------------------------------------------


def test_control_characters_never_reach_stored_text_or_our_headers(
    engine: Engine, uow_factory: Factory
) -> None:
    raw = (b"From: =?utf-8?q?Ann=07_Lee?= <ann@example.com>\r\n"
           b"Subject: =?utf-8?q?ring=07bell?= and\x00nul\x1b[31m\r\n"
           b"Message-ID: <ctl\x00@example.com>\r\n\r\n"
           b"Hello\x00 there\x07.\r\nSecond line\x7f.\r\n")

    (outcome,) = _deliver(engine, uow_factory, raw)

    assert outcome.status == MailStatus.PROCESSED
    case = _case(uow_factory, outcome.case_id)
    (message,) = _messages(uow_factory, case.id or 0)
    assert case.nature == "ring bell and nul [31m"
    assert case.contact_name == "Ann Lee"
    assert message.body == "Hello there.\nSecond line."
    with uow_factory() as uow:
        customer = uow.get(Customer, case.customer_id)
        assert customer is not None and "\x07" not in customer.name
    with engine.connect() as connection:
        subject = connection.scalar(sa.select(inbound_mail.c.subject)
                                    .where(inbound_mail.c.id == outcome.mail_id))
    assert subject == "ring bell and nul [31m"


# --- 10. bidirectional controls in file names ------------------------------------------------


def test_bidi_controls_are_taken_out_of_attachment_names(
    api: TestClient, desk: Desk, engine: Engine, uow_factory: Factory
) -> None:
    raw = eml("attachment.eml").replace(
        b'name="../../etc/passwd.html"', b"name*=utf-8''invoice%E2%80%AEgpj.exe").replace(
        b'filename="../../etc/passwd.html"', b"filename*=utf-8''invoice%E2%80%AEgpj.exe")
    (outcome,) = _deliver(engine, uow_factory, raw)
    case = _case(uow_factory, outcome.case_id)
    with engine.begin() as connection:  # a name stored by an earlier version, served now
        old = dict(connection.execute(sa.select(mail_attachments)).mappings().one())
        del old["id"]
        connection.execute(sa.insert(mail_attachments).values(
            {**old, "name": "x" * 40, "filename": "photo\u2067\u202egnp.js"}))

    listed = api.get(f"{API}/cases/{case.ref}/attachments", headers=desk.ann.auth).json()
    served = [api.get(item["url"], headers=desk.ann.auth) for item in listed]

    assert [item["filename"] for item in listed] == ["invoicegpj.exe", "photognp.js"]
    dispositions = [r.headers["content-disposition"] for r in served]
    assert dispositions[0].endswith("filename*=UTF-8''invoicegpj.exe")
    assert dispositions[1].endswith("filename*=UTF-8''photognp.js")
    assert all("%E2%80%AE" not in d and "%E2%81%A7" not in d for d in dispositions)
