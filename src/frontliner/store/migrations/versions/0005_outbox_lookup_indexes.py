"""indexes for the outbox's regular look for mail owed

Revision ID: 0005_outbox_indexes
Revises: 0004_desk_settings

The worker asks every few seconds for recent e-mail replies, recent e-mailed cases and
follow-ups due, and whether each is already in the outbox: these indexes answer that
without reading the tables whole.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005_outbox_indexes"
down_revision: str | None = "0004_desk_settings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_outbound_mail_interaction_id", "outbound_mail", ["interaction_id"]),
    ("ix_outbound_mail_follow_up_id", "outbound_mail", ["follow_up_id"]),
    ("ix_interactions_direction_channel_at", "interactions", ["direction", "channel", "at"]),
    ("ix_cases_channel_opened_at", "cases", ["channel", "opened_at"]),
    ("ix_follow_ups_done_at_due_at", "follow_ups", ["done_at", "due_at"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
