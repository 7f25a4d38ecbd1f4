"""assignment: staff presence, last seen and capacity; cases kept for reassignment

Revision ID: 0010_assignment
Revises: 0008_confirmation_mail

Automatic assignment gives a new case only to an agent who is present (presence
"available", seen within the idle timeout) and below their capacity of open cases.
`cases.returned_from_id` marks a case a lead keeps for a deactivated colleague until it
is given to someone ("to reassign"); a partial index holds just those cases.

Existing staff start "offline": nobody receives cases automatically until they say they
are available. SQLite adds the columns with their CHECK and REFERENCES clauses in place
(ALTER TABLE ... ADD COLUMN), so no table is rebuilt.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_assignment"
down_revision: str | None = "0008_confirmation_mail"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRESENCE_CHECK = "presence IN ('available', 'away', 'offline')"
CAPACITY_CHECK = "capacity IS NULL OR capacity >= 0"
TO_REASSIGN = sa.text("returned_from_id IS NOT NULL")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _add_columns_sqlite()
    else:
        _add_columns()
    op.create_index("ix_users_role_presence_last_seen_at", "users",
                    ["role", "presence", "last_seen_at"], unique=False)
    op.create_index("ix_cases_to_reassign", "cases", ["opened_at", "id"],
                    unique=False, sqlite_where=TO_REASSIGN, postgresql_where=TO_REASSIGN)


def _add_columns() -> None:
    op.add_column("users", sa.Column("presence", sa.String(length=32), nullable=False,
                                     server_default="offline"))
    op.add_column("users", sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("capacity", sa.Integer(), nullable=True))
    op.create_check_constraint("ck_users_presence", "users", sa.text(PRESENCE_CHECK))
    op.create_check_constraint("ck_users_capacity_not_negative", "users",
                               sa.text(CAPACITY_CHECK))
    op.add_column("cases", sa.Column("returned_from_id", sa.Integer(), nullable=True))
    op.create_foreign_key("fk_cases_returned_from_id_users", "cases", "users",
                          ["returned_from_id"], ["id"])


def _add_columns_sqlite() -> None:
    for statement in (
        "ALTER TABLE users ADD COLUMN presence VARCHAR(32) DEFAULT 'offline' NOT NULL "
        f"CONSTRAINT ck_users_presence CHECK ({PRESENCE_CHECK})",
        "ALTER TABLE users ADD COLUMN last_seen_at DATETIME",
        "ALTER TABLE users ADD COLUMN capacity INTEGER "
        f"CONSTRAINT ck_users_capacity_not_negative CHECK ({CAPACITY_CHECK})",
        "ALTER TABLE cases ADD COLUMN returned_from_id INTEGER "
        "CONSTRAINT fk_cases_returned_from_id_users REFERENCES users (id)",
    ):
        op.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_cases_to_reassign", table_name="cases")
    op.drop_index("ix_users_role_presence_last_seen_at", table_name="users")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("fk_cases_returned_from_id_users", type_="foreignkey")
        batch.drop_column("returned_from_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("ck_users_capacity_not_negative", type_="check")
        batch.drop_constraint("ck_users_presence", type_="check")
        batch.drop_column("capacity")
        batch.drop_column("last_seen_at")
        batch.drop_column("presence")
