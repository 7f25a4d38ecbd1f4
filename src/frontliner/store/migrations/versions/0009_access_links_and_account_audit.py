"""e-mailed access links (portal sign-in, password reset) and the account audit trail

Revision ID: 0009_access_links
Revises: 0013_fire_suggestions

`access_links` keeps one row per sign-in or reset request (only the hash of the link's
secret). `account_audit` is the trail of changes to users, teams and tokens. The outbox
learns two kinds of mail and which access link a row carries (its body holds no secret:
the link is put in when the mail is sent).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_access_links"
down_revision: str | None = "0013_fire_suggestions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = ("reply", "acknowledgement", "follow_up_reminder")
KINDS_AFTER = (*KINDS_BEFORE, "sign_in_link", "password_reset")


def _kinds(values: tuple[str, ...]) -> str:
    return f"kind IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "access_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("purpose", sa.Enum("sign_in", "password_reset", name="access_purpose",
                                     native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=128), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_access_links_user_id_users")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE",
                                name=op.f("fk_access_links_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_access_links_token_hash")),
    )
    op.create_index(op.f("ix_access_links_email_purpose_used_at"), "access_links",
                    ["email", "purpose", "used_at"], unique=False)
    op.create_index(op.f("ix_access_links_created_at_id"), "access_links",
                    ["created_at", "id"], unique=False)
    op.create_table(
        "account_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_account_audit_actor_id_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_account_audit_user_id_users")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"],
                                name=op.f("fk_account_audit_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_audit")),
    )
    op.create_index(op.f("ix_account_audit_user_id_at_id"), "account_audit",
                    ["user_id", "at", "id"], unique=False)
    op.create_index(op.f("ix_account_audit_at_id"), "account_audit", ["at", "id"],
                    unique=False)
    with op.batch_alter_table("outbound_mail") as batch:
        batch.add_column(sa.Column("access_link_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_outbound_mail_access_link_id_access_links"),
                                 "access_links", ["access_link_id"], ["id"])
        batch.drop_constraint(op.f("ck_outbound_mail_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_outbound_mail_kind_known"), _kinds(KINDS_AFTER))
        batch.create_index(op.f("ix_outbound_mail_access_link_id"), ["access_link_id"],
                           unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM outbound_mail WHERE access_link_id IS NOT NULL")
    with op.batch_alter_table("outbound_mail") as batch:
        batch.drop_index(op.f("ix_outbound_mail_access_link_id"))
        batch.drop_constraint(op.f("ck_outbound_mail_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_outbound_mail_kind_known"), _kinds(KINDS_BEFORE))
        batch.drop_constraint(op.f("fk_outbound_mail_access_link_id_access_links"),
                              type_="foreignkey")
        batch.drop_column("access_link_id")
    op.drop_index(op.f("ix_account_audit_at_id"), table_name="account_audit")
    op.drop_index(op.f("ix_account_audit_user_id_at_id"), table_name="account_audit")
    op.drop_table("account_audit")
    op.drop_index(op.f("ix_access_links_created_at_id"), table_name="access_links")
    op.drop_index(op.f("ix_access_links_email_purpose_used_at"), table_name="access_links")
    op.drop_table("access_links")
