"""Inbound e-mail fetched from an IMAP mailbox (`frontliner imap`).

Each poll reads the mailbox's UIDVALIDITY and fetches, in UID order, every message above
the highest UID already kept (`imap_folders`). For each one: keep the raw bytes
(`intake.accept`, committed), file it on its case (`processing.process_mail`), remember
its UID (committed), and only then flag it \\Seen on the server. A crash anywhere loses
nothing: a message fetched again is recognised by its source key or its bytes and kept
once. Messages are fetched with BODY.PEEK so reading never marks them seen by itself.

When UIDVALIDITY changes (the mailbox was recreated, or the server renumbered it) the
old UIDs mean nothing any more: the poller starts again from the first message, and the
raw store's digest keeps anything it already had from being stored twice.
"""

from __future__ import annotations

import email.parser
import email.utils
import imaplib
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from frontliner.channels.email import intake
from frontliner.channels.email.processing import process_mail
from frontliner.config import Settings
from frontliner.desk.clock import resolve_now
from frontliner.store.outbound_tables import imap_folders
from frontliner.store.uow import SqlUnitOfWork

log = logging.getLogger("frontliner.imap")
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
BATCH = 500  # messages per poll; the next poll takes the rest


class ImapError(Exception):
    """The IMAP server could not be used (login refused, mailbox missing, connection)."""


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    user: str
    password: SecretStr
    mailbox: str = "INBOX"
    ssl: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> ImapAccount:
        return cls(host=settings.imap_host, port=settings.imap_port, user=settings.imap_user,
                   password=settings.imap_password, mailbox=settings.imap_mailbox,
                   ssl=settings.imap_ssl)

    @property
    def name(self) -> str:
        return f"{self.user}@{self.host}"


@dataclass(frozen=True)
class PollResult:
    uidvalidity: int
    fetched: int  # messages read from the server in this poll
    kept: int  # of those, new to the raw store (the rest were already kept)
    last_uid: int


@contextmanager
def connect(account: ImapAccount, timeout: float = 30.0) -> Iterator[imaplib.IMAP4]:
    """A logged-in connection; errors become ImapError without the password in them."""
    try:
        client: imaplib.IMAP4 = (
            imaplib.IMAP4_SSL(account.host, account.port, timeout=timeout) if account.ssl
            else imaplib.IMAP4(account.host, account.port, timeout=timeout))
    except OSError as error:
        raise ImapError(f"cannot reach {account.host}:{account.port}: {error}") from None
    try:
        try:
            client.login(account.user, account.password.get_secret_value())
        except imaplib.IMAP4.error:
            raise ImapError(f"the server refused the login for {account.user}") from None
        yield client
    finally:
        with suppress(imaplib.IMAP4.error, OSError):
            client.logout()


def poll_once(engine: Engine, uow_factory: Callable[[], SqlUnitOfWork], account: ImapAccount,
              settings: Settings, now: datetime | None = None) -> PollResult:
    """Fetch, keep and file every new message of the account's mailbox (one batch)."""
    with connect(account) as client:
        uidvalidity = _select(client, account.mailbox)
        last_uid = _last_uid(engine, account, uidvalidity, resolve_now(now))
        fetched = kept = 0
        for uid in _new_uids(client, last_uid)[:BATCH]:
            raw = _fetch(client, uid)
            stored = intake.accept(engine, raw, envelope_from=_return_path(raw),
                            envelope_to=[account.user], source="imap",
                            source_key=f"{account.name}/{account.mailbox}/{uidvalidity}/{uid}",
                            now=now)
            fetched, kept = fetched + 1, kept + int(stored.created)
            process_mail(uow_factory, stored.mail_id, settings=settings, now=now)
            _remember(engine, account, uid)
            # Only now, with the message committed, does the server learn it was read.
            client.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
            last_uid = uid
        return PollResult(uidvalidity=uidvalidity, fetched=fetched, kept=kept, last_uid=last_uid)


def _select(client: imaplib.IMAP4, mailbox: str) -> int:
    status, _ = client.select(_quoted(mailbox))
    if status != "OK":
        raise ImapError(f"cannot open mailbox {mailbox!r}")
    _, values = client.response("UIDVALIDITY")
    if values and values[0]:
        return int(values[0])
    status, data = client.status(_quoted(mailbox), "(UIDVALIDITY)")
    found = _UIDVALIDITY.search(data[0] if data and isinstance(data[0], bytes) else b"")
    if status != "OK" or found is None:
        raise ImapError(f"the server gave no UIDVALIDITY for {mailbox!r}")
    return int(found.group(1))


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _new_uids(client: imaplib.IMAP4, last_uid: int) -> list[int]:
    status, data = client.uid("SEARCH", f"UID {last_uid + 1}:*")
    if status != "OK":
        raise ImapError("the server refused to list messages")
    # "n:*" always matches the highest UID, even below n: keep only the new ones.
    uids = sorted(int(u) for u in (data[0] or b"").split())
    return [uid for uid in uids if uid > last_uid]


def _fetch(client: imaplib.IMAP4, uid: int) -> bytes:
    status, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
    for part in data if status == "OK" else []:
        if isinstance(part, tuple) and len(part) == 2 and isinstance(part[1], bytes):
            return part[1]
    raise ImapError(f"the server did not return message UID {uid}")


def _return_path(raw: bytes) -> str:
    """IMAP has no SMTP envelope: the sender is the delivering server's Return-Path
    ("<>" for bounces), or else the From address."""
    try:
        headers = email.parser.BytesHeaderParser().parsebytes(raw[:65536])
        return_path = headers.get("Return-Path")
        if return_path is not None:
            value = str(return_path).strip()
            return "" if value in {"<>", ""} else email.utils.parseaddr(value)[1]
        return email.utils.parseaddr(str(headers.get("From", "")))[1]
    except Exception:  # a header we cannot read: parsing proper will quarantine it
        return ""


def _last_uid(engine: Engine, account: ImapAccount, uidvalidity: int, at: datetime) -> int:
    """The highest UID already kept under this UIDVALIDITY (0 when it changed)."""
    key = (imap_folders.c.account == account.name) & (imap_folders.c.mailbox == account.mailbox)
    with engine.begin() as connection:
        row = connection.execute(sa.select(imap_folders).where(key)).mappings().first()
        if row is None:
            connection.execute(sa.insert(imap_folders).values(
                account=account.name, mailbox=account.mailbox, uidvalidity=uidvalidity,
                last_uid=0, polled_at=at))
            return 0
        if row["uidvalidity"] != uidvalidity:
            log.warning("UIDVALIDITY of %s/%s changed (%s -> %s): reading it again from the "
                        "start; messages already kept are not kept twice", account.name,
                        account.mailbox, row["uidvalidity"], uidvalidity)
            connection.execute(sa.update(imap_folders).where(key).values(
                uidvalidity=uidvalidity, last_uid=0, polled_at=at))
            return 0
        connection.execute(sa.update(imap_folders).where(key).values(polled_at=at))
        return int(row["last_uid"])


def _remember(engine: Engine, account: ImapAccount, uid: int) -> None:
    key = (imap_folders.c.account == account.name) & (imap_folders.c.mailbox == account.mailbox)
    with engine.begin() as connection:
        connection.execute(sa.update(imap_folders).where(key, imap_folders.c.last_uid < uid)
                           .values(last_uid=uid))
