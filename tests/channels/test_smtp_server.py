"""Real SMTP conversations (smtplib) with the running inbound server, and a crash test:
the receiving process is killed mid-stream and every message that got 250 is there once."""

from __future__ import annotations

import hashlib
import os
import signal
import smtplib
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from tests.channels.inbound_support import DESK, SETTINGS, eml
from tests.channels.mail_sink import free_port
from tests.conftest import Seeded

from frontliner.channels.email.smtp import SmtpService
from frontliner.config import Settings
from frontliner.desk.model import Case
from frontliner.store.mail_tables import MailStatus, inbound_mail
from frontliner.store.uow import SqlUnitOfWork

FRONTLINER = Path(sys.executable).with_name("frontliner")


def _message(n: int, sender: str = "ann@example.com") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Customer {n} <{sender}>"
    msg["To"] = DESK
    msg["Subject"] = f"Order {n} never arrived"
    msg["Message-ID"] = f"<stream.{n}@example.com>"
    msg.set_content(f"Order {n} never arrived and nobody answers. Please help.")
    return msg.as_bytes(policy=policy.SMTP)  # CRLF, exactly as it travels and is stored


def _mail_rows(engine: Engine) -> list[sa.Row[tuple[str, str, int | None]]]:
    c = inbound_mail.c
    with engine.connect() as connection:
        return list(connection.execute(sa.select(c.digest, c.status, c.interaction_id)).all())


@contextmanager
def _server(engine: Engine, uow_factory: Callable[[], SqlUnitOfWork]) -> Iterator[SmtpService]:
    settings = Settings(secret_key="inbound-mail-test-secret", mail_max_bytes=64 * 1024)
    service = SmtpService(engine, uow_factory, settings, host="127.0.0.1", port=0)
    service.start()
    try:
        yield service
    finally:
        service.stop()


def test_smtp_conversation_answers_250_after_storing_and_552_over_the_limit(
    engine: Engine, uow_factory: Callable[[], SqlUnitOfWork], seeded: Seeded
) -> None:
    with _server(engine, uow_factory) as service, smtplib.SMTP("127.0.0.1", service.port) as smtp:
        code, banner = smtp.ehlo("client.example.com")
        assert code == 250 and b"SIZE 65536" in banner
        refused = smtp.sendmail("ann@example.com", [DESK], eml("complaint.eml"))
        with pytest.raises(smtplib.SMTPSenderRefused) as too_big:
            smtp.sendmail("ann@example.com", [DESK], b"Subject: big\r\n\r\n" + b"x" * 70_000)
        smtp.rset()
        again = smtp.sendmail("bob@example.com", [DESK], _message(1, "bob@example.com"))
        stored_when_answered = len(_mail_rows(engine))
    # The server has stopped: everything accepted has been processed.
    assert refused == {} and again == {}
    assert too_big.value.smtp_code == 552
    assert stored_when_answered == 2  # the big one was never stored
    rows = _mail_rows(engine)
    assert sorted(r.status for r in rows) == [MailStatus.PROCESSED] * 2
    with uow_factory() as uow:
        opened = [uow.get(Case, (r.interaction_id and 0) or 0) for r in rows]
        del opened
        cases = uow.find(Case, limit=10)
    assert {c.nature for c in cases} >= {"Kettle arrived broken", "Order 1 never arrived"}
    assert all(c.owner_id is not None for c in cases)


def _wait_listening(log: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while b"listening on" not in log.read_bytes():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the smtp server did not start"
        time.sleep(0.1)


def _start(database_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FRONTLINER_DATABASE_URL": database_url,
        "FRONTLINER_SMTP_LISTEN_PORT": str(port),
        "FRONTLINER_SECRET_KEY": SETTINGS.secret_key.get_secret_value(),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(FRONTLINER), "smtp"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    _wait_listening(log, process)
    return process


class _Stream:
    """Senders that send numbered messages until told to stop; they note what got 250."""

    def __init__(self, port: int, first: int, count: int) -> None:
        self.port, self.next, self.last = port, first, first + count
        self.acknowledged: set[int] = set()
        self.unanswered: set[int] = set()
        self.lock = threading.Lock()

    def take(self) -> int | None:
        with self.lock:
            if self.next >= self.last:
                return None
            self.next += 1
            return self.next - 1

    def run(self) -> None:
        try:
            with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as smtp:
                while (n := self.take()) is not None:
                    self.unanswered.add(n)
                    smtp.sendmail("ann@example.com", [DESK], _message(n))
                    self.unanswered.discard(n)
                    self.acknowledged.add(n)
        except (OSError, smtplib.SMTPException):
            return  # the server died under us: whatever was not answered 250 may be missing


@pytest.mark.slow
def test_killing_the_server_mid_stream_loses_and_duplicates_no_acknowledged_message(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    port = free_port()
    server = _start(database_url, port, tmp_path / "first.log")
    stream = _Stream(port, first=0, count=400)
    senders = [threading.Thread(target=stream.run) for _ in range(3)]
    for sender in senders:
        sender.start()
    while len(stream.acknowledged) < 60:
        assert server.poll() is None
        time.sleep(0.005)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    for sender in senders:
        sender.join(timeout=60)
    acknowledged = set(stream.acknowledged)
    in_flight = set(stream.unanswered)
    assert 60 <= len(acknowledged) < 400

    # Restarted, the server processes what it had accepted; the senders retry what was
    # never answered, as mail servers do.
    server = _start(database_url, port, tmp_path / "second.log")
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            for n in sorted(in_flight):
                smtp.sendmail("ann@example.com", [DESK], _message(n))
        deadline = time.monotonic() + 120
        while any(r.status == MailStatus.RECEIVED for r in _mail_rows(engine)):
            assert time.monotonic() < deadline, "accepted mail was not processed after restart"
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    rows = _mail_rows(engine)
    by_digest: dict[str, int] = {}
    for row in rows:
        by_digest[row.digest] = by_digest.get(row.digest, 0) + 1
    for n in acknowledged | in_flight:
        assert by_digest.get(hashlib.sha256(_message(n)).hexdigest()) == 1, f"message {n}"
    assert all(count == 1 for count in by_digest.values())
    assert {r.status for r in rows} == {MailStatus.PROCESSED}
    interactions = [r.interaction_id for r in rows]
    assert len(set(interactions)) == len(rows)  # each message on a case exactly once
