"""outbound mail (the outbox) and the IMAP poller's place per mailbox

Revision ID: 0002_outbound_mail
Revises: 0001_desk_tables
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_outbound_mail"
down_revision: str | None = "0001_desk_tables"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbound_mail",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('reply', 'acknowledgement', 'follow_up_reminder')",
            name=op.f("ck_outbound_mail_kind_known"),
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed')",
            name=op.f("ck_outbound_mail_status_known"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_outbound_mail_case_id_cases")),
        sa.ForeignKeyConstraint(["interaction_id"], ["interactions.id"],
                                name=op.f("fk_outbound_mail_interaction_id_interactions")),
        sa.ForeignKeyConstraint(["follow_up_id"], ["follow_ups.id"],
                                name=op.f("fk_outbound_mail_follow_up_id_follow_ups")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_mail")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbound_mail_dedupe_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbound_mail_message_id")),
    )
    op.create_index(op.f("ix_outbound_mail_status_created_at_id"), "outbound_mail",
                    ["status", "created_at", "id"], unique=False)
    op.create_index(op.f("ix_outbound_mail_case_id"), "outbound_mail", ["case_id"],
                    unique=False)
    op.create_table(
        "imap_folders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account", sa.String(length=320), nullable=False),
        sa.Column("mailbox", sa.String(length=300), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imap_folders")),
        sa.UniqueConstraint("account", "mailbox", name=op.f("uq_imap_folders_account_mailbox")),
    )


def downgrade() -> None:
    op.drop_table("imap_folders")
    op.drop_index(op.f("ix_outbound_mail_case_id"), table_name="outbound_mail")
    op.drop_index(op.f("ix_outbound_mail_status_created_at_id"), table_name="outbound_mail")
    op.drop_table("outbound_mail")
