"""Tables of the outgoing mail and the IMAP poller's place in each mailbox.

`outbound_mail` is the outbox: one row per message Frontliner means to send (an agent's
reply, the acknowledgement of a new e-mailed case, a follow-up reminder to an owner).
The row is written before anything is sent and carries the message's stable Message-ID,
so a retry re-sends the same message (receivers can drop a repeat by that id) and a row
already `sent` is never sent again. `dedupe_key` says what the row is for
("reply:<interaction id>", "ack:<case id>", "reminder:<follow-up id>",
"confirm:<audit entry id of the confirmation request>"): a second dispatcher
that races the first hits the unique key instead of queueing the message twice.

`imap_folders` remembers, per account and mailbox, the UIDVALIDITY seen last and the
highest UID already stored: UIDs mean something only within one UIDVALIDITY.
"""

from __future__ import annotations

import sqlalchemy as sa

from frontliner.store.tables import access_links, cases, follow_ups, interactions, metadata
from frontliner.store.types import UtcDateTime, json_dict

# sign_in_link / password_reset: an e-mailed access link (channels/email/access_mail.py)
# confirmation_request: "is it solved?" with its two signed links (channels/confirm_links.py)
# unreadable_notice: "we could not read your message", for mail kept in the quarantine
# webhook_disabled: tells the admins a webhook kept failing and was disabled
# contact_confirmation: "is this message yours?" with a signed link (channels/claim_links.py)
OUTBOUND_KINDS = ("reply", "acknowledgement", "follow_up_reminder", "sign_in_link",
                  "password_reset", "confirmation_request", "unreadable_notice",
                  "webhook_disabled", "contact_confirmation")
# suppressed: never sent, the sender had their share of automatic mail (last_error says)
OUTBOUND_STATUSES = ("queued", "sending", "sent", "failed", "suppressed")
# Automatic answers to whoever wrote in: limited per address (settings.mail_auto_reply_*)
AUTOMATIC_TO_SENDERS = ("acknowledgement", "unreadable_notice", "contact_confirmation")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


outbound_mail = sa.Table(
    "outbound_mail",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dedupe_key", sa.String(200), nullable=False, unique=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("message_id", sa.String(300), nullable=False, unique=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True),
    sa.Column("interaction_id", sa.Integer, sa.ForeignKey("interactions.id"), nullable=True),
    sa.Column("follow_up_id", sa.Integer, sa.ForeignKey("follow_ups.id"), nullable=True),
    sa.Column("to_address", sa.String(320), nullable=False),
    sa.Column("subject", sa.String(300), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    # Extra header fields (Reply-To, In-Reply-To, References, Auto-Submitted...).
    sa.Column("headers", json_dict(), nullable=False),
    sa.Column("automatic", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("claimed_at", UtcDateTime(), nullable=True),
    # the worker sending it (store/worker_tables.py): a dead worker's claim is taken over
    sa.Column("claimed_by", sa.String(80), nullable=True),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    # The body of an access link's mail holds no secret: the link is put in at send time.
    sa.Column("access_link_id", sa.Integer, sa.ForeignKey(access_links.c.id), nullable=True),
    sa.CheckConstraint(_in("kind", OUTBOUND_KINDS), name="kind_known"),
    sa.CheckConstraint(_in("status", OUTBOUND_STATUSES), name="status_known"),
    # the sweeper looks for rows still waiting, oldest first
    sa.Index(None, "status", "created_at", "id"),
    sa.Index(None, "case_id"),
    # "is this reply / follow-up already in the outbox?", asked for each candidate
    sa.Index(None, "interaction_id"),
    sa.Index(None, "follow_up_id"),
    sa.Index(None, "access_link_id"),
    # how much automatic mail went to one address lately (the per-sender limit)
    sa.Index(None, "to_address", "created_at"),
)

# What the outbox looks for every few seconds, found by index instead of by reading the
# desk's tables whole: recent e-mail replies, recent e-mailed cases, follow-ups due.
sa.Index("ix_interactions_direction_channel_at", interactions.c.direction,
         interactions.c.channel, interactions.c.at)
sa.Index("ix_cases_channel_opened_at", cases.c.channel, cases.c.opened_at)
sa.Index("ix_follow_ups_done_at_due_at", follow_ups.c.done_at, follow_ups.c.due_at)

imap_folders = sa.Table(
    "imap_folders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account", sa.String(320), nullable=False),
    sa.Column("mailbox", sa.String(300), nullable=False),
    sa.Column("uidvalidity", sa.BigInteger, nullable=False),
    sa.Column("last_uid", sa.BigInteger, nullable=False),
    sa.Column("polled_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("account", "mailbox"),
)
