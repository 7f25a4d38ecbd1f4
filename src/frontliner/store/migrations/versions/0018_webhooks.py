"""webhooks: events written with the changes they announce, subscriptions, deliveries;
the outbox may tell the admins that a webhook was disabled (kind webhook_disabled)

Revision ID: 0018_webhooks
Revises: 0014_mail_origin

`desk_events` is filled by the desk in the same transaction as each change; the worker
fans new events out into `webhook_deliveries` (one per subscription that wants the event,
unique by `dedupe_key`) and sends them. The outbox kind's CHECK is widened so a failing
webhook's admins can be mailed (SQLite rebuilds that table in batch mode).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_webhooks"
down_revision: str | None = "0014_mail_origin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = ("reply", "acknowledgement", "follow_up_reminder", "sign_in_link",
                "password_reset", "confirmation_request", "unreadable_notice")
KINDS_AFTER = (*KINDS_BEFORE, "webhook_disabled")
STATUSES = ("pending", "sending", "delivered", "failed")


def _kinds(values: tuple[str, ...]) -> str:
    return f"kind IN ({', '.join(repr(v) for v in values)})"


def _allow(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("outbound_mail") as batch:
        batch.drop_constraint(op.f("ck_outbound_mail_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_outbound_mail_kind_known"), _kinds(kinds))


def upgrade() -> None:
    op.create_table(
        "desk_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=50), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE",
                                name=op.f("fk_desk_events_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_events")),
        sa.UniqueConstraint("public_id", name=op.f("uq_desk_events_public_id")),
    )
    op.create_index(op.f("ix_desk_events_dispatched_at_id"), "desk_events",
                    ["dispatched_at", "id"], unique=False)
    op.create_index(op.f("ix_desk_events_case_id"), "desk_events", ["case_id"], unique=False)
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret_salt", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_reason", sa.String(length=300), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_webhook_subscriptions_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscriptions")),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Enum(*STATUSES, name="delivery_status", native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("replay_of_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["subscription_id"], ["webhook_subscriptions.id"],
                                ondelete="CASCADE",
                                name=op.f("fk_webhook_deliveries_subscription_id_webhook_subscriptions")),
        sa.ForeignKeyConstraint(["event_id"], ["desk_events.id"], ondelete="CASCADE",
                                name=op.f("fk_webhook_deliveries_event_id_desk_events")),
        sa.ForeignKeyConstraint(["replay_of_id"], ["webhook_deliveries.id"],
                                name=op.f("fk_webhook_deliveries_replay_of_id_webhook_deliveries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_webhook_deliveries_dedupe_key")),
    )
    op.create_index(op.f("ix_webhook_deliveries_subscription_id_id"), "webhook_deliveries",
                    ["subscription_id", "id"], unique=False)
    op.create_index(op.f("ix_webhook_deliveries_status_next_attempt_at"), "webhook_deliveries",
                    ["status", "next_attempt_at"], unique=False)
    op.create_index(op.f("ix_webhook_deliveries_event_id"), "webhook_deliveries",
                    ["event_id"], unique=False)
    _allow(KINDS_AFTER)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM outbound_mail WHERE kind = 'webhook_disabled'"))
    _allow(KINDS_BEFORE)
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
    op.drop_table("desk_events")
