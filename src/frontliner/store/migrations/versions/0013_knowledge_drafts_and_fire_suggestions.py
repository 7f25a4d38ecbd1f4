"""prepared replies get a draft/published status; pairs of problem words per case, from
which recurring problems (fire suggestions) are found

Revision ID: 0013_fire_suggestions
Revises: 0012_abuse_policy

Prepared replies that exist already were in use, so they start published; new ones are
drafts until a lead publishes them. `similarity_keys` holds, per case opened from now on,
each pair of its specific problem words: the fire log suggests a fire when many recent
cases share pairs, counted from the index on (suggestible, opened_at, key).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_fire_suggestions"
down_revision: str | None = "0012_abuse_policy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    status = sa.Enum("draft", "published", name="reply_status", native_enum=False,
                     create_constraint=True, length=32)
    with op.batch_alter_table("prepared_replies") as batch:
        batch.add_column(sa.Column("status", status, nullable=False,
                                   server_default="published"))
    op.create_index(op.f("ix_prepared_replies_status_created_at_id"), "prepared_replies",
                    ["status", "created_at", "id"], unique=False)
    op.create_table(
        "similarity_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("suggestible", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE",
                                name=op.f("fk_similarity_keys_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_similarity_keys")),
    )
    op.create_index(op.f("ix_similarity_keys_suggestible_opened_at_key"), "similarity_keys",
                    ["suggestible", "opened_at", "key"], unique=False)
    op.create_index(op.f("ix_similarity_keys_key_opened_at"), "similarity_keys",
                    ["key", "opened_at"], unique=False)
    op.create_index(op.f("ix_similarity_keys_case_id"), "similarity_keys", ["case_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_table("similarity_keys")
    op.drop_index(op.f("ix_prepared_replies_status_created_at_id"),
                  table_name="prepared_replies")
    with op.batch_alter_table("prepared_replies") as batch:
        batch.drop_column("status")
