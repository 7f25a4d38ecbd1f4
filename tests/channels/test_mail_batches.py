"""Filing several stored messages in one transaction, as the SMTP server's worker does
with mail waiting, on SQLite and PostgreSQL: every message ends as it would have alone,
and a batch commits all of its messages or none of them."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from tests.channels.inbound_support import DESK, SETTINGS, deliver, eml, nested
from tests.channels.mail_sink import free_port
from tests.conftest import Seeded

from frontliner.channels.email import batches
from frontliner.channels.email.addresses import reply_address
from frontliner.channels.email.batches import file_batch
from frontliner.channels.email.intake import accept
from frontliner.channels.email.processing import Outcome, process_mail
from frontliner.channels.email.smtp import MailWorker
from frontliner.desk.interactions import record_outbound
from frontliner.desk.model import Case, Direction, Interaction, User
from frontliner.store.mail_tables import MailStatus, inbound_mail
from frontliner.store.tables import cases, interactions
from frontliner.store.uow import SqlUnitOfWork

Factory = Callable[[], SqlUnitOfWork]


def _complaint(n: int, sender: str, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Customer {n} <{sender}>"
    msg["To"] = DESK
    msg["Subject"] = f"Order {n} never arrived"
    msg["Message-ID"] = f"<batch.{n}@example.com>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(f"Order {n} never arrived and nobody answers. Please help.")
    return msg.as_bytes(policy=policy.SMTP)


def _stored(engine: Engine, raw: bytes, envelope_from: str = "ann@example.com") -> int:
    return accept(engine, raw, envelope_from=envelope_from, envelope_to=[DESK]).mail_id


def _answered_case(engine: Engine, uow_factory: Factory) -> Case:
    """Ann's complaint by mail, answered by its owner (so our reply address exists)."""
    opened = deliver(engine, uow_factory, eml("complaint.eml"))
    with uow_factory() as uow:
        case = uow.get(Case, opened.case_id or 0)
        assert case is not None and case.owner_id is not None
        record_outbound(uow, uow.get(User, case.owner_id), case.id or 0, "Sorry! A new one?")
        uow.commit()
    return case


def _rows(engine: Engine) -> dict[int, Any]:
    c = inbound_mail.c
    with engine.connect() as connection:
        found = connection.execute(sa.select(c.id, c.status, c.case_id, c.interaction_id))
        return {row.id: row for row in found}


def _count(engine: Engine, table: sa.Table, *where: Any) -> int:
    with engine.connect() as connection:
        query = sa.select(sa.func.count()).select_from(table).where(*where)
        return int(connection.scalar(query) or 0)


def _inbound_messages(engine: Engine) -> int:
    return _count(engine, interactions, interactions.c.direction == Direction.INBOUND)


def test_a_batch_files_new_cases_replies_and_copies_as_one_by_one_would(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    case = _answered_case(engine, uow_factory)
    reply = (
        f"From: Ann Lee <ann@example.com>\r\nTo: {reply_address(case, SETTINGS)}\r\n"
        "Subject: Re: kettle\r\nMessage-ID: <ann.again@example.com>\r\n\r\n"
        "Friday works for me.\r\n"
    ).encode()
    first = _complaint(1, "bob@example.com")
    ids = [
        _stored(engine, first, "bob@example.com"),
        _stored(engine, reply),
        # The same message relayed once more (another Received line): a duplicate of the
        # first, which is only filed in this same batch.
        _stored(engine, b"Received: from mx2.example.com\r\n" + first, "bob@example.com"),
        # Bob answers his own first message: it names his new case (an earlier Message-ID
        # of his) but nothing vouches for him, so it is held there, as it would be alone.
        _stored(engine, _complaint(2, "bob@example.com", In_Reply_To="<batch.1@example.com>"),
                "bob@example.com"),
        _stored(engine, eml("loop.eml"), "support@frontliner.localhost"),
        _stored(engine, nested(30)),  # unreadable: left to process_mail alone
    ]

    batch = file_batch(uow_factory, ids, settings=SETTINGS)

    assert batch.alone == [ids[5]]
    by_id = {outcome.mail_id: outcome for outcome in batch.filed}
    assert [by_id[i].status for i in ids[:5]] == [
        MailStatus.PROCESSED, MailStatus.PROCESSED, MailStatus.DUPLICATE, MailStatus.HELD,
        MailStatus.LOOP,
    ]
    new_case = by_id[ids[0]].case_id
    assert by_id[ids[0]].opened_case and new_case is not None
    assert by_id[ids[1]].case_id == case.id and not by_id[ids[1]].opened_case
    assert by_id[ids[2]].case_id == new_case and by_id[ids[3]].case_id == new_case
    rows = _rows(engine)
    assert [rows[i].status for i in ids[:5]] == [by_id[i].status for i in ids[:5]]  # committed
    with uow_factory() as uow:
        opened = uow.get(Case, new_case)
        assert opened is not None and opened.owner_id == seeded.agent_id
        assert [m.body for m in uow.find(Interaction, case_id=new_case)] == [
            "Order 1 never arrived and nobody answers. Please help."]
        last = uow.find(Interaction, case_id=case.id)[-1]
        assert last.direction == Direction.INBOUND and last.body == "Friday works for me."
    assert process_mail(uow_factory, ids[5], settings=SETTINGS).status == MailStatus.QUARANTINED


def test_a_failure_inside_a_batch_files_none_of_it_and_each_message_is_then_filed_once(
    engine: Engine, uow_factory: Factory, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [_stored(engine, _complaint(n, f"c{n}@example.com"), f"c{n}@example.com")
           for n in range(4)]
    cases_before, messages_before = _count(engine, cases), _inbound_messages(engine)
    real_file = batches.file_parsed
    calls: list[int] = []

    def fails_on_the_third(*args: Any, **kwargs: Any) -> Outcome:
        calls.append(1)
        if len(calls) == 3:  # two messages are already filed in this transaction
            raise RuntimeError("a bug while filing the third message")
        return real_file(*args, **kwargs)

    monkeypatch.setattr(batches, "file_parsed", fails_on_the_third)
    batch = file_batch(uow_factory, ids, settings=SETTINGS)

    assert batch.filed == [] and batch.alone == ids
    assert {row.status for row in _rows(engine).values()} == {MailStatus.RECEIVED}
    assert _count(engine, cases) == cases_before
    assert _inbound_messages(engine) == messages_before
    outcomes = [process_mail(uow_factory, mail_id, settings=SETTINGS) for mail_id in ids]
    assert [o.status for o in outcomes] == [MailStatus.PROCESSED] * 4
    assert _count(engine, cases) == cases_before + 4
    assert _inbound_messages(engine) == messages_before + 4


def test_a_batch_told_enough_commits_what_it_filed_and_leaves_the_rest_received(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    ids = [_stored(engine, _complaint(n, f"c{n}@example.com"), f"c{n}@example.com")
           for n in range(3)]
    ids.append(_stored(engine, nested(30)))  # unreadable: alone, wherever the batch stops

    first = file_batch(uow_factory, ids, settings=SETTINGS, enough=lambda: True)

    assert [o.mail_id for o in first.filed] == ids[:1]  # at least one message each time
    assert first.left == ids[1:3] and first.alone == ids[3:]
    rows = _rows(engine)
    assert [rows[i].status for i in ids[:3]] == [MailStatus.PROCESSED] + [MailStatus.RECEIVED] * 2
    rest = file_batch(uow_factory, first.left, settings=SETTINGS)
    assert [o.status for o in rest.filed] == [MailStatus.PROCESSED] * 2 and not rest.left
    assert len({_rows(engine)[i].case_id for i in ids[:3]}) == 3


def test_the_worker_files_mail_waiting_at_start_in_batches_each_once(
    engine: Engine, uow_factory: Factory, seeded: Seeded
) -> None:
    messages_before = _inbound_messages(engine)
    raws = [_complaint(n, f"c{n % 7}@example.com") for n in range(45)]
    ids = [_stored(engine, raw, "x@example.com") for raw in raws]
    ids.append(_stored(engine, b"Received: from mx2.example.com\r\n" + raws[0]))  # a copy
    ids.append(_stored(engine, nested(30)))
    outcomes: list[Outcome] = []

    worker = MailWorker(engine, uow_factory, SETTINGS, on_outcome=outcomes.append)
    worker.start()  # takes the 47 waiting messages
    worker.stop()  # files everything stored, then stops

    assert sorted(o.mail_id for o in outcomes) == ids  # every message once
    statuses = {o.mail_id: o.status for o in outcomes}
    assert [statuses[i] for i in ids[45:]] == [MailStatus.DUPLICATE, MailStatus.QUARANTINED]
    assert all(statuses[i] == MailStatus.PROCESSED for i in ids[:45])
    rows = _rows(engine)
    assert len({rows[i].case_id for i in ids[:45]}) == 45  # no clue: a case each
    assert _inbound_messages(engine) == messages_before + 45  # one each


FRONTLINER = Path(sys.executable).with_name("frontliner")


@pytest.mark.slow
def test_killing_the_server_while_it_files_a_batch_loses_and_files_twice_nothing(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    from tests.channels.test_smtp_server import _start

    total, messages_before, cases_before = 400, _inbound_messages(engine), _count(engine, cases)
    for n in range(total):
        _stored(engine, _complaint(n, f"c{n % 50}@example.com"), f"c{n % 50}@example.com")
    port = free_port()

    def processed() -> int:
        return _count(engine, inbound_mail, inbound_mail.c.status == MailStatus.PROCESSED)

    server = _start(database_url, port, tmp_path / "first.log")  # files what is waiting
    while processed() < 40:
        assert server.poll() is None, (tmp_path / "first.log").read_text()
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    at_kill = processed()
    assert 40 <= at_kill < total  # some committed batches, the rest left received

    server = _start(database_url, port, tmp_path / "second.log")
    try:
        while processed() < total:
            assert server.poll() is None, (tmp_path / "second.log").read_text()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    rows = _rows(engine)
    assert {row.status for row in rows.values()} == {MailStatus.PROCESSED}
    assert len({row.interaction_id for row in rows.values()}) == total
    assert _inbound_messages(engine) == messages_before + total  # none filed twice
    assert _count(engine, cases) == cases_before + total
