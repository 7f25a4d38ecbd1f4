"""the open escalations: a partial index, so the lead console's counts (on every lead
page) no longer read every escalation ever made

`resolved_at IS NULL` had no index: counting the open escalations was a sequential scan
of the table (54,000 rows, 13 ms at a million cases), on each page of the console.

Revision ID: 0027_open_escalations
Revises: 0025_staff_loads
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_open_escalations"
down_revision: str | None = "0025_staff_loads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("resolved_at IS NULL")


def upgrade() -> None:
    op.create_index("ix_escalations_open", "escalations", ["handler_id", "at", "id"],
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    op.drop_index("ix_escalations_open", table_name="escalations")
