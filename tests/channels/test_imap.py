"""`frontliner imap` against a real Dovecot (started by these tests on a free port):
messages APPENDed to a mailbox are kept once, filed on cases, and flagged \\Seen only
after they are committed; a changed UIDVALIDITY is read again without duplicates.
Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import imaplib
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from tests.channels import dovecot as dovecot_module
from tests.channels.dovecot import PASSWORD, Dovecot, running_dovecot
from tests.conftest import Seeded, on_duty

from frontliner.channels.email import imap_poll, intake
from frontliner.channels.email.imap_poll import ImapAccount, ImapError, poll_once
from frontliner.config import Settings
from frontliner.desk.model import Role, User
from frontliner.store.engine import make_engine
from frontliner.store.mail_tables import inbound_mail
from frontliner.store.migrate import upgrade
from frontliner.store.tables import cases, interactions
from frontliner.store.uow import SqlUnitOfWork, uow_factory

UowFactory = Callable[[], SqlUnitOfWork]
SETTINGS = Settings.model_validate({"secret_key": "test-secret-imap", "mail_domain": "desk.test"})


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    # Not under pytest's private temp dir: as root, the mail belongs to the dovecot user,
    # who must be able to reach its directory.
    root = Path(tempfile.mkdtemp(prefix="frontliner-dovecot-"))
    root.chmod(0o755)
    try:
        with running_dovecot(root) as server:
            yield server
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def account(dovecot: Dovecot, seeded: Seeded) -> ImapAccount:
    """A fresh mailbox on a desk with agents (`seeded`), so new mail can get an owner."""
    # The static passdb takes any user name: a fresh one gives each test empty mailboxes.
    return ImapAccount(host="127.0.0.1", port=dovecot.port, ssl=False,
                       user=f"desk-{uuid.uuid4().hex[:8]}@example.test",
                       password=SecretStr(PASSWORD))


def mail(n: int, sender: str = "kim@example.com", subject: str = "Broken kettle") -> bytes:
    return (
        f"From: Kim Ito <{sender}>\r\nTo: support@desk.test\r\nSubject: {subject} {n}\r\n"
        f"Message-ID: <kettle-{n}-{uuid.uuid4().hex}@example.com>\r\n"
        "Date: Mon, 02 Mar 2026 09:30:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"\r\nMy kettle stopped working after two days (message {n}). Please help.\r\n"
    ).encode()


class Mailbox:
    """The test's own IMAP session: append messages and read their flags."""

    def __init__(self, account: ImapAccount) -> None:
        self.client = imaplib.IMAP4(account.host, account.port)
        self.client.login(account.user, PASSWORD)

    def append(self, raw: bytes, mailbox: str = "INBOX") -> None:
        status, _ = self.client.append(mailbox, None, None, raw)
        assert status == "OK"

    def seen(self, mailbox: str = "INBOX") -> dict[int, bool]:
        self.client.select(mailbox, readonly=True)
        _, data = self.client.uid("FETCH", "1:*", "(FLAGS)")
        flags: dict[int, bool] = {}
        for line in data:
            if isinstance(line, bytes):
                parts = line.decode()
                uid = int(parts.split("UID ")[1].split()[0].rstrip(")"))
                flags[uid] = "\\Seen" in parts
        return flags

    def uidvalidity(self, mailbox: str) -> int:
        _, data = self.client.status(mailbox, "(UIDVALIDITY)")
        return int(data[0].decode().split("UIDVALIDITY ")[1].rstrip(")"))


@pytest.fixture
def mailbox(account: ImapAccount) -> Iterator[Mailbox]:
    box = Mailbox(account)
    yield box
    box.client.logout()


def count(engine: Engine, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(sa.select(sa.func.count()).select_from(table).where(*where))
                   or 0)


def test_polled_messages_are_kept_once_filed_on_cases_and_then_flagged_seen(
    engine: Engine, uow_factory: UowFactory, account: ImapAccount, mailbox: Mailbox
) -> None:
    mailbox.append(mail(1))
    mailbox.append(mail(2, sender="bo@example.com", subject="Late parcel"))
    assert mailbox.seen() == {1: False, 2: False}

    first = poll_once(engine, uow_factory, account, SETTINGS)
    again = poll_once(engine, uow_factory, account, SETTINGS)

    assert (first.fetched, first.kept, first.last_uid) == (2, 2, 2)
    assert (again.fetched, again.kept) == (0, 0)
    assert mailbox.seen() == {1: True, 2: True}
    assert count(engine, inbound_mail, inbound_mail.c.source == "imap") == 2
    assert count(engine, inbound_mail, inbound_mail.c.status == "processed") == 2
    assert count(engine, cases) == 1 + 2  # the seeded case, and one per new customer
    assert count(engine, interactions, interactions.c.direction == "inbound") == 2


def test_a_message_whose_commit_failed_is_not_flagged_seen_and_is_kept_on_the_next_poll(
    engine: Engine, uow_factory: UowFactory, account: ImapAccount, mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in (1, 2):
        mailbox.append(mail(n))
    real_accept = intake.accept
    calls = []

    def database_down_on_second(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise sa.exc.OperationalError("INSERT", {}, Exception("database is away"))
        return real_accept(*args, **kwargs)

    monkeypatch.setattr(intake, "accept", database_down_on_second)
    with pytest.raises(sa.exc.OperationalError):
        poll_once(engine, uow_factory, account, SETTINGS)
    assert mailbox.seen() == {1: True, 2: False}  # not committed, so not seen
    assert count(engine, inbound_mail) == 1

    monkeypatch.setattr(intake, "accept", real_accept)
    result = poll_once(engine, uow_factory, account, SETTINGS)
    assert (result.fetched, result.kept) == (1, 1)
    assert mailbox.seen() == {1: True, 2: True}
    assert count(engine, inbound_mail) == 2


def test_a_crash_after_the_commit_but_before_seen_does_not_keep_the_message_twice(
    engine: Engine, uow_factory: UowFactory, account: ImapAccount, mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    mailbox.append(mail(1))

    def crash(*_: object) -> None:
        raise KeyboardInterrupt  # the process dies right after keeping the message

    monkeypatch.setattr(imap_poll, "_remember", crash)
    with pytest.raises(KeyboardInterrupt):
        poll_once(engine, uow_factory, account, SETTINGS)
    assert mailbox.seen() == {1: False}
    monkeypatch.undo()

    result = poll_once(engine, uow_factory, account, SETTINGS)
    assert (result.fetched, result.kept) == (1, 0)  # fetched again, recognised, kept once
    assert mailbox.seen() == {1: True}
    assert count(engine, inbound_mail) == 1
    assert count(engine, interactions, interactions.c.direction == "inbound") == 1


def test_a_new_uidvalidity_reads_the_mailbox_again_without_keeping_anything_twice(
    engine: Engine, uow_factory: UowFactory, account: ImapAccount, mailbox: Mailbox
) -> None:
    support = ImapAccount(host=account.host, port=account.port, ssl=False, user=account.user,
                          password=account.password, mailbox="Support")
    first, second, third = mail(1), mail(2), mail(3)
    mailbox.client.create("Support")
    mailbox.append(first, "Support")
    mailbox.append(second, "Support")
    before = poll_once(engine, uow_factory, support, SETTINGS)
    old_validity = mailbox.uidvalidity("Support")

    mailbox.client.delete("Support")  # the mailbox is recreated: UIDs start again at 1
    mailbox.client.create("Support")
    new_validity = mailbox.uidvalidity("Support")
    if new_validity == old_validity:  # dovecot derives it from the clock: force a change
        mailbox.client.delete("Support")
        mailbox.client.create("Support")
        new_validity = mailbox.uidvalidity("Support")
    assert new_validity != old_validity
    mailbox.append(first, "Support")  # the same message again, now UID 1
    mailbox.append(third, "Support")

    after = poll_once(engine, uow_factory, support, SETTINGS)

    assert (before.uidvalidity, before.kept) == (old_validity, 2)
    assert (after.uidvalidity, after.fetched, after.kept) == (new_validity, 2, 1)
    assert count(engine, inbound_mail) == 3
    assert mailbox.seen("Support") == {1: True, 2: True}


def test_a_refused_login_is_a_clear_error_without_the_password(
    engine: Engine, uow_factory: UowFactory, account: ImapAccount
) -> None:
    wrong = ImapAccount(host=account.host, port=account.port, ssl=False, user=account.user,
                        password=SecretStr("not-the-password"))
    with pytest.raises(ImapError) as refused:
        poll_once(engine, uow_factory, wrong, SETTINGS)
    assert "refused the login" in str(refused.value)
    assert "not-the-password" not in str(refused.value)


def test_imap_command_polls_once_and_files_the_new_mail(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    # The command's wiring is the same on every database: one run on its own SQLite file.
    database_url = f"sqlite:///{tmp_path / 'desk.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    with uow_factory(engine)() as uow:
        uow.add(on_duty(User(name="Sam Agent", email="sam@desk.test", role=Role.AGENT)))
        uow.commit()
    account = ImapAccount(host="127.0.0.1", port=dovecot.port, ssl=False,
                          user="cli-desk@example.test", password=SecretStr(PASSWORD))
    box = Mailbox(account)
    box.append(mail(1))
    env = {**os.environ, "FRONTLINER_DATABASE_URL": database_url,
           "FRONTLINER_UPGRADE_ON_START": "false", "FRONTLINER_SECRET_KEY": "test-secret-imap",
           "FRONTLINER_MAIL_DOMAIN": "desk.test", "FRONTLINER_IMAP_HOST": account.host,
           "FRONTLINER_IMAP_PORT": str(account.port), "FRONTLINER_IMAP_SSL": "false",
           "FRONTLINER_IMAP_USER": account.user, "FRONTLINER_IMAP_PASSWORD": PASSWORD}
    command = [str(Path(sys.executable).parent / "frontliner"), "imap", "--once"]

    polled = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)

    assert polled.returncode == 0, polled.stderr
    assert count(engine, inbound_mail, inbound_mail.c.status == "processed") == 1
    assert box.seen() == {1: True}
    assert PASSWORD not in polled.stdout + polled.stderr
    engine.dispose()


def test_without_dovecot_the_imap_tests_fail_under_ci_and_skip_elsewhere(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setattr(os.path, "exists", lambda _path: False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="dovecot is not installed"):
        dovecot_module.dovecot_binary()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="dovecot-imapd"):
        dovecot_module.dovecot_binary()
