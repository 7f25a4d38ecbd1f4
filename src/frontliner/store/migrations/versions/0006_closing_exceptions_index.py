"""a partial index for the lead console's list of signed closing exceptions

Revision ID: 0006_closing_exceptions
Revises: 0005_outbox_indexes

The console lists the cases a lead resolved without the customer's confirmation, newest
first. Only those few cases are in this index, so the list never scans the case table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_closing_exceptions"
down_revision: str | None = "0005_outbox_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_cases_exceptions_resolved_at"
SIGNED = sa.text("exception_by_id IS NOT NULL")


def upgrade() -> None:
    op.create_index(NAME, "cases", ["resolved_at", "id"], unique=False,
                    sqlite_where=SIGNED, postgresql_where=SIGNED)


def downgrade() -> None:
    op.drop_index(NAME, table_name="cases")
