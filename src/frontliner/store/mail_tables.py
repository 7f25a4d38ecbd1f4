"""Tables of the e-mail channel: every inbound message as received, and its attachments.

The raw bytes are written before anything reads them, so a message the desk cannot
parse is still kept (status `quarantined`, with the reason) and can be processed again.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa

from frontliner.store.tables import _at, _fk, _id, metadata
from frontliner.store.types import enum_of, json_dict, json_list


class MailStatus(StrEnum):
    RECEIVED = "received"  # stored, not processed yet (or processing was interrupted)
    PROCESSED = "processed"  # on a case
    QUARANTINED = "quarantined"  # unreadable: kept raw with the reason, retry possible
    DUPLICATE = "duplicate"  # the same message (Message-ID) was already processed
    BOUNCE = "bounce"  # a delivery report: noted on the case it is about, if found
    LOOP = "loop"  # our own mail come back, or a mail loop: never answered
    # names a customer's case but nothing vouches for its sender: waits for staff as a
    # held message (desk/held_mail.py), out of the case and never answered
    HELD = "held"


inbound_mail = sa.Table(
    "inbound_mail",
    metadata,
    _id(),
    _at("received_at"),
    sa.Column("source", sa.String(16), nullable=False),  # smtp, imap
    # Where a poller found it (IMAP: mailbox/uidvalidity/uid), so a re-fetch is not kept twice.
    sa.Column("source_key", sa.String(512), nullable=True, unique=True),
    # sha256 of the raw bytes: the very same bytes delivered again are kept once.
    sa.Column("digest", sa.String(64), nullable=False, unique=True),
    sa.Column("envelope_from", sa.String(998), nullable=False),
    sa.Column("envelope_to", json_list(), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("raw", sa.LargeBinary, nullable=False),
    sa.Column("status", enum_of(MailStatus, "mail_status"), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("message_id", sa.String(255), nullable=True),  # longer ones are cut
    # Set on the first processed copy of a Message-ID; a second copy then fails to take it.
    sa.Column("dedupe_key", sa.String(128), nullable=True, unique=True),
    sa.Column("from_address", sa.String(320), nullable=True),
    sa.Column("subject", sa.String(998), nullable=True),
    _fk("case_id", "cases.id"),
    _fk("interaction_id", "interactions.id"),
    sa.Column("auto_answer", sa.Boolean, nullable=True),  # may the desk answer it by mail?
    sa.Column("html_safe", sa.Text, nullable=True),  # sanitised HTML body, if it had one
    sa.Column("facts", json_dict(nullable=True), nullable=True),  # why auto/bounce/loop...
    _at("processed_at", nullable=True),
    sa.Index(None, "status", "id"),
    sa.Index(None, "message_id"),
    sa.Index(None, "case_id"),
)

mail_attachments = sa.Table(
    "mail_attachments",
    metadata,
    _id(),
    _fk("mail_id", "inbound_mail.id", nullable=False, cascade=True),
    _fk("case_id", "cases.id"),
    # Generated, never the sender's: the sender's filename is only shown, never used.
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(127), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    _at("created_at"),
    sa.Index(None, "case_id", "id"),
    sa.Index(None, "mail_id"),
)
