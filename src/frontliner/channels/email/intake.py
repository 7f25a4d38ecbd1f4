"""Accepting a message: the one step every mail receiver (SMTP, IMAP) shares."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.engine import Engine

from frontliner.store.mail import Stored, store_raw


def accept(
    engine: Engine,
    raw: bytes,
    *,
    envelope_from: str,
    envelope_to: Sequence[str],
    source: str = "smtp",
    source_key: str | None = None,
    now: datetime | None = None,
) -> Stored:
    """Keep `raw` exactly as received and commit it; the commit is the acknowledgement.

    Call this BEFORE telling the sender anything (SMTP 250, IMAP \\Seen): when it returns,
    the message survives a crash. Nothing is parsed here, so no content can make it fail;
    a database error propagates and the receiver must answer a temporary failure (451).
    The same bytes, or the same `source_key` (IMAP: "<account>/<mailbox>/<uidvalidity>/<uid>"),
    accepted twice give back the first row with `created=False`. Then hand `Stored.mail_id`
    to `processing.process_mail`.
    """
    return store_raw(
        engine,
        raw,
        envelope_from=envelope_from,
        envelope_to=envelope_to,
        source=source,
        source_key=source_key,
        now=now,
    )
