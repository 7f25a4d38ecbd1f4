"""an index for a team's members (the admin pages list them by team)

Revision ID: 0009_users_team_index
Revises: 0010_assignment
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009_users_team_index"
down_revision: str | None = "0010_assignment"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_users_team_id_id"), "users", ["team_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_users_team_id_id"), table_name="users")
