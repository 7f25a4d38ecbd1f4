"""mail origin: held messages (mail that claims a customer's case from an unchecked
origin), the inbound status `held`, the outbox's "could not read it" notice and its
`suppressed` status (the per-sender limit of automatic mail), counted by address

Revision ID: 0014_mail_origin
Revises: 0017_import_sources

The CHECK constraints listing the inbound statuses and the outbox kinds and statuses are
widened (SQLite rebuilds those tables in batch mode).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_mail_origin"
down_revision: str | None = "0017_import_sources"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAIL_BEFORE = ("received", "processed", "quarantined", "duplicate", "bounce", "loop")
MAIL_AFTER = (*MAIL_BEFORE, "held")
KINDS_BEFORE = ("reply", "acknowledgement", "follow_up_reminder", "sign_in_link",
                "password_reset", "confirmation_request")
KINDS_AFTER = (*KINDS_BEFORE, "unreadable_notice")
STATUSES_BEFORE = ("queued", "sending", "sent", "failed")
STATUSES_AFTER = (*STATUSES_BEFORE, "suppressed")
CHANNELS = ("email", "web", "chat", "phone", "api", "walk_in")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _checks(mail: tuple[str, ...], kinds: tuple[str, ...], statuses: tuple[str, ...]) -> None:
    with op.batch_alter_table("inbound_mail") as batch:
        batch.drop_constraint(op.f("ck_inbound_mail_mail_status"), type_="check")
        batch.create_check_constraint(op.f("ck_inbound_mail_mail_status"), _in("status", mail))
    with op.batch_alter_table("outbound_mail") as batch:
        batch.drop_constraint(op.f("ck_outbound_mail_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_outbound_mail_kind_known"), _in("kind", kinds))
        batch.drop_constraint(op.f("ck_outbound_mail_status_known"), type_="check")
        batch.create_check_constraint(op.f("ck_outbound_mail_status_known"),
                                      _in("status", statuses))


def upgrade() -> None:
    op.create_table(
        "held_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.Enum(*CHANNELS, name="channel", native_enum=False,
                                     create_constraint=True, length=32), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("sender_name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=998), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("why", sa.String(length=500), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Enum("held", "accepted", "rejected", name="held_status",
                                    native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column("mail_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.String(length=1000), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_held_messages_case_id_cases")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_held_messages_customer_id_customers")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_held_messages_decided_by_id_users")),
        sa.ForeignKeyConstraint(["interaction_id"], ["interactions.id"],
                                name=op.f("fk_held_messages_interaction_id_interactions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_messages")),
    )
    op.create_index(op.f("ix_held_messages_case_id_status_id"), "held_messages",
                    ["case_id", "status", "id"], unique=False)
    op.create_index(op.f("ix_held_messages_mail_id"), "held_messages", ["mail_id"],
                    unique=False)
    op.create_index(op.f("ix_outbound_mail_to_address_created_at"), "outbound_mail",
                    ["to_address", "created_at"], unique=False)
    _checks(MAIL_AFTER, KINDS_AFTER, STATUSES_AFTER)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM outbound_mail WHERE kind = 'unreadable_notice' "
                       "OR status = 'suppressed'"))
    op.execute(sa.text("UPDATE inbound_mail SET status = 'processed' WHERE status = 'held'"))
    _checks(MAIL_BEFORE, KINDS_BEFORE, STATUSES_BEFORE)
    op.drop_index(op.f("ix_outbound_mail_to_address_created_at"), table_name="outbound_mail")
    op.drop_table("held_messages")
