"""abuse policy and reports: the lead's written policy (every version kept) and the
abusive messages staff reported or ended a conversation over

Revision ID: 0012_abuse_policy
Revises: 0006_closing_exceptions
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_abuse_policy"
down_revision: str | None = "0006_closing_exceptions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "abuse_policies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["written_by_id"], ["users.id"],
                                name=op.f("fk_abuse_policies_written_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_abuse_policies")),
    )
    op.create_index(op.f("ix_abuse_policies_written_at_id"), "abuse_policies",
                    ["written_at", "id"], unique=False)
    op.create_table(
        "abuse_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.Enum("reported", "ended", name="abuse_action",
                                    native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_analyser", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_abuse_reports_case_id_cases")),
        sa.ForeignKeyConstraint(["interaction_id"], ["interactions.id"],
                                name=op.f("fk_abuse_reports_interaction_id_interactions")),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"],
                                name=op.f("fk_abuse_reports_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_abuse_reports")),
    )
    op.create_index(op.f("ix_abuse_reports_at_id"), "abuse_reports", ["at", "id"],
                    unique=False)
    op.create_index(op.f("ix_abuse_reports_case_id_action"), "abuse_reports",
                    ["case_id", "action"], unique=False)
    op.create_index(op.f("ix_abuse_reports_interaction_id_action"), "abuse_reports",
                    ["interaction_id", "action"], unique=False)


def downgrade() -> None:
    op.drop_table("abuse_reports")
    op.drop_table("abuse_policies")
