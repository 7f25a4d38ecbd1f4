"""the insights' rollups keep every combination of team, channel and category, read by
an index that names them before the days: the rollups are emptied here and worked out
again from the audit trail (the worker does it by itself; `frontliner insights rebuild`
at once)

The rows before this had each fact in its team, its channel and its category one at a
time; a case's later change would take away rows it never added, so the old rows and
each case's remembered facts go, and the audit cursor starts again from the first entry.

Revision ID: 0028_insight_combinations
Revises: 0021_practice
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_insight_combinations"
down_revision: str | None = "0021_practice"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KEY = ["metric", "agent_id", "day", "team_id", "channel", "category", "bucket"]
NEW_KEY = ["metric", "agent_id", "team_id", "channel", "category", "day", "bucket"]


def _buckets(key: list[str]) -> None:
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
        sa.UniqueConstraint(*key, name=op.f("uq_insight_buckets_" + "_".join(key))),
    )


def _start_again() -> None:
    op.execute("DELETE FROM insight_case_facts")
    op.execute("DELETE FROM insight_progress")


def upgrade() -> None:
    op.drop_table("insight_buckets")
    _buckets(NEW_KEY)
    op.create_index("ix_insight_buckets_metric_agent_id_team_id_day", "insight_buckets",
                    ["metric", "agent_id", "team_id", "day"], unique=False)
    _start_again()


def downgrade() -> None:
    op.drop_table("insight_buckets")
    _buckets(OLD_KEY)
    _start_again()
