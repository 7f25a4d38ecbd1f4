"""practice mode: a lead's own scenarios, every attempt, each agent's progress per
scenario, and who has been welcomed to practice

Revision ID: 0021_practice
Revises: 0019_insight_rollups

Agents who exist already are not new: they are counted as welcomed, so the welcome to
practice appears only to agents who sign in for the first time from now on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0021_practice"
down_revision: str | None = "0019_insight_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _user(table: str) -> list[Any]:
    return [sa.Column("user_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                    name=op.f(f"fk_{table}_user_id_users"))]


def upgrade() -> None:
    op.create_table(
        "practice_attempts", _id(), *_user("practice_attempts"),
        sa.Column("scenario_key", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("grade", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_attempts")),
    )
    op.create_index(op.f("ix_practice_attempts_user_id_scenario_key_id"), "practice_attempts",
                    ["user_id", "scenario_key", "id"], unique=False)
    op.create_table(
        "practice_progress", _id(), *_user("practice_progress"),
        sa.Column("scenario_key", sa.String(length=100), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("best_score", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("passed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_progress")),
        sa.UniqueConstraint("user_id", "scenario_key",
                            name=op.f("uq_practice_progress_user_id_scenario_key")),
    )
    op.create_table(
        "practice_welcomes", _id(), *_user("practice_welcomes"),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_welcomes")),
        sa.UniqueConstraint("user_id", name=op.f("uq_practice_welcomes_user_id")),
    )
    op.create_table(
        "practice_scenarios", _id(),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("source_case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_practice_scenarios_author_id_users")),
        sa.ForeignKeyConstraint(["source_case_id"], ["cases.id"],
                                name=op.f("fk_practice_scenarios_source_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_scenarios")),
    )
    op.create_index(op.f("ix_practice_scenarios_archived_id"), "practice_scenarios",
                    ["archived", "id"], unique=False)
    op.execute(
        "INSERT INTO practice_welcomes (user_id, shown_at) "
        "SELECT id, CURRENT_TIMESTAMP FROM users WHERE role = 'agent'"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_practice_scenarios_archived_id"), table_name="practice_scenarios")
    op.drop_table("practice_scenarios")
    op.drop_table("practice_welcomes")
    op.drop_table("practice_progress")
    op.drop_index(op.f("ix_practice_attempts_user_id_scenario_key_id"),
                  table_name="practice_attempts")
    op.drop_table("practice_attempts")
