"""how a case's confirmation reached us, who recorded it, and when the case last reopened

Revision ID: 0007_closing_confirmations
Revises: 0009_access_links

A case resolves on the customer's own confirmation (portal, signed e-mail link, chat) or
on the customer's words recorded by the staff working it, citing the message or the
logged call they came in. The case keeps how (`confirmed_via`), who recorded it and the
cited message, so the timeline, the API and the lead console can show a confirmation an
agent recorded as such. `reopened_at` is when the case last went back to open after a
confirmation was asked for or given: words older than that confirm nothing.

All columns are nullable: existing cases keep working, and nothing is rebuilt (so the two
ids carry no foreign key: SQLite adds one only by copying the whole case table).
A partial index serves the lead console's list of agent-recorded confirmations.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_closing_confirmations"
down_revision: str | None = "0009_access_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_cases_recorded_confirmations_resolved_at"
RECORDED = sa.text("confirmation_interaction_id IS NOT NULL")


def upgrade() -> None:
    op.add_column("cases", sa.Column("confirmed_via", sa.String(20), nullable=True))
    op.add_column("cases", sa.Column("confirmation_recorded_by_id", sa.Integer, nullable=True))
    op.add_column("cases", sa.Column("confirmation_interaction_id", sa.Integer, nullable=True))
    op.add_column("cases", sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(INDEX, "cases", ["resolved_at", "id"], unique=False,
                    sqlite_where=RECORDED, postgresql_where=RECORDED)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="cases")
    with op.batch_alter_table("cases") as batch:
        for column in ("reopened_at", "confirmation_interaction_id",
                       "confirmation_recorded_by_id", "confirmed_via"):
            batch.drop_column(column)
