"""staff_loads: open cases per member of staff, kept by triggers on cases

Automatic assignment read each candidate's open cases by counting them on every new
case; the count grew with the desk. The triggers that keep this table, and its first
fill, come from frontliner.store.staff_loads.ensure, which every upgrade runs (SQLite
drops triggers whenever a later batch migration rebuilds the cases table).

Revision ID: 0025_staff_loads
Revises: 0023_contact_claims
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_staff_loads"
down_revision: str | None = "0023_contact_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_loads",
        sa.Column("user_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("open_cases", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_staff_loads"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS staff_loads_cases_ai ON cases")
        op.execute("DROP TRIGGER IF EXISTS staff_loads_cases_au ON cases")
        op.execute("DROP TRIGGER IF EXISTS staff_loads_cases_ad ON cases")
        op.execute("DROP FUNCTION IF EXISTS staff_loads_follow_cases()")
    else:
        for name in ("staff_loads_cases_ai", "staff_loads_cases_au", "staff_loads_cases_ad"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("staff_loads")
