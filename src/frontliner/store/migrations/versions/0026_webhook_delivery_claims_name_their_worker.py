"""webhook deliveries' claims name their worker (claimed_by), as outbound mail's do, so
a worker killed mid-delivery is taken over once it stops beating (worker_beats)

Revision ID: 0026_webhook_claims
Revises: 0028_insight_statistics
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_webhook_claims"
down_revision: str | None = "0028_insight_statistics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as batch:
        batch.drop_column("claimed_by")
