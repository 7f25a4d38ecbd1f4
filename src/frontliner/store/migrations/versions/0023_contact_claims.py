"""contact claims: a form or chat message giving a login-holder's address waits apart
until the address confirms; the outbox mails the link (kind contact_confirmation)

Revision ID: 0023_contact_claims
Revises: 0026_webhook_claims
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from frontliner.store.types import UtcDateTime

revision: str = "0023_contact_claims"
down_revision: str | None = "0026_webhook_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = ("reply", "acknowledgement", "follow_up_reminder", "sign_in_link",
                "password_reset", "confirmation_request", "unreadable_notice",
                "webhook_disabled")
KINDS_AFTER = (*KINDS_BEFORE, "contact_confirmation")


def _allow(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("outbound_mail") as batch:
        batch.drop_constraint(op.f("ck_outbound_mail_kind_known"), type_="check")
        batch.create_check_constraint(
            op.f("ck_outbound_mail_kind_known"), f"kind IN ({', '.join(repr(k) for k in kinds)})")


def upgrade() -> None:
    op.create_table(
        "contact_claims",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("confirmed_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_contact_claims_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_contact_claims_customer_id_customers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_claims")),
        sa.UniqueConstraint("case_id", name=op.f("uq_contact_claims_case_id")),
    )
    op.create_index(op.f("ix_contact_claims_created_at_id"), "contact_claims",
                    ["created_at", "id"])
    _allow(KINDS_AFTER)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM outbound_mail WHERE kind = 'contact_confirmation'"))
    _allow(KINDS_BEFORE)
    op.drop_index(op.f("ix_contact_claims_created_at_id"), table_name="contact_claims")
    op.drop_table("contact_claims")
