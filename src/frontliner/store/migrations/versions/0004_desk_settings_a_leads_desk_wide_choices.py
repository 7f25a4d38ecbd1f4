"""desk settings: a lead's desk-wide choices (coach errors warn or block)

Revision ID: 0004_desk_settings
Revises: 0003_inbound_mail
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_desk_settings"
down_revision: str | None = "0003_inbound_mail"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "desk_settings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_desk_settings_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_settings")),
        sa.UniqueConstraint("key", name=op.f("uq_desk_settings_key")),
    )


def downgrade() -> None:
    op.drop_table("desk_settings")
