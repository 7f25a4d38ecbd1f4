"""server-side sessions, the sign-in throttle's events, and "signed out everywhere"

Revision ID: 0015_sessions_throttle
Revises: 0018_webhooks

`web_sessions` holds each browser session (only the hash of the cookie's random id).
`throttle_events` holds failed and successful sign-ins and link requests, counted by
every app process alike. `users.signed_out_at` ends every session and API token that
began before it. Sessions signed by the old cookie are not carried over: everyone signs
in once more after the upgrade.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_sessions_throttle"
down_revision: str | None = "0018_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_web_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index(op.f("ix_web_sessions_user_id_last_seen_at_id"), "web_sessions",
                    ["user_id", "last_seen_at", "id"], unique=False)
    op.create_index(op.f("ix_web_sessions_expires_at"), "web_sessions", ["expires_at"],
                    unique=False)
    op.create_index(op.f("ix_web_sessions_last_seen_at"), "web_sessions", ["last_seen_at"],
                    unique=False)
    op.create_table(
        "throttle_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttle_events")),
    )
    op.create_index(op.f("ix_throttle_events_kind_account_client_at"), "throttle_events",
                    ["kind", "account", "client", "at"], unique=False)
    op.create_index(op.f("ix_throttle_events_kind_client_at"), "throttle_events",
                    ["kind", "client", "at"], unique=False)
    op.create_index(op.f("ix_throttle_events_at"), "throttle_events", ["at"], unique=False)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("signed_out_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("signed_out_at")
    op.drop_table("throttle_events")
    op.drop_table("web_sessions")
