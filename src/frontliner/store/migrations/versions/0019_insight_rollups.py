"""the insights' rollups: daily sums per team, channel and category, what each case last
added, how far the audit trail was read; satisfaction ratings by time (latest comments)

Revision ID: 0019_insight_rollups
Revises: 0015_sessions_throttle
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_insight_rollups"
down_revision: str | None = "0015_sessions_throttle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insight_buckets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("metric", sa.String(length=80), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_buckets")),
        sa.UniqueConstraint(
            "metric", "agent_id", "day", "team_id", "channel", "category", "bucket",
            name=op.f("uq_insight_buckets_metric_agent_id_day_team_id_channel_category_bucket")),
    )
    op.create_table(
        "insight_case_facts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("rolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_case_facts")),
        sa.UniqueConstraint("case_id", name=op.f("uq_insight_case_facts_case_id")),
    )
    op.create_table(
        "insight_progress",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_audit_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_progress")),
        sa.UniqueConstraint("name", name=op.f("uq_insight_progress_name")),
    )
    op.create_index(op.f("ix_satisfaction_ratings_at_id"), "satisfaction_ratings",
                    ["at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_satisfaction_ratings_at_id"), table_name="satisfaction_ratings")
    op.drop_table("insight_progress")
    op.drop_table("insight_case_facts")
    op.drop_table("insight_buckets")
