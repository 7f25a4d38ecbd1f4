"""cases: when the problem happened, since when the customer has waited for us, and the
walk-in channel

Revision ID: 0011_case_waiting_since
Revises: 0007_closing_confirmations

`problem_at` is an intake fact (the customer says when it happened; distinct from when
the case was opened). `waiting_since` is kept by the desk (set when a case opens or the
customer writes while nothing is waiting, cleared by our reply) so the agent's queues sort
the longest-waiting customer first from an index. Existing unresolved cases get it from
their messages: opened_at when we never replied, else the customer's first message after
our last reply (none: nobody is waiting). The channel CHECK of cases and interactions
admits "walk_in" (a customer at the desk in person).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_case_waiting_since"
down_revision: str | None = "0007_closing_confirmations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_cases_owner_id_waiting_since_id": ["owner_id", "waiting_since", "id"],
    "ix_cases_handler_id_waiting_since_id": ["handler_id", "waiting_since", "id"],
}
OLD_CHANNELS = ("email", "web", "chat", "phone", "api")
NEW_CHANNELS = (*OLD_CHANNELS, "walk_in")


def _channel(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name="channel", native_enum=False, create_constraint=True,
                   length=32)


UNRESOLVED = "cases.status NOT IN ('resolved', 'closed')"
NO_REPLY = ("NOT EXISTS (SELECT 1 FROM interactions o WHERE o.case_id = cases.id "
            "AND o.direction = 'outbound')")
FIRST_UNANSWERED = (
    "(SELECT MIN(i.at) FROM interactions i WHERE i.case_id = cases.id "
    "AND i.direction = 'inbound' AND NOT EXISTS (SELECT 1 FROM interactions o "
    "WHERE o.case_id = cases.id AND o.direction = 'outbound' AND o.at >= i.at))"
)


def _channels(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_channels(old, new)
        return
    for table in ("cases", "interactions"):  # PostgreSQL: drop the CHECK, add the new one
        with op.batch_alter_table(table) as batch:
            batch.alter_column("channel", existing_type=_channel(old), type_=_channel(new),
                               existing_nullable=False)


def _sqlite_channels(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    """Rewrite the CHECK in SQLite's schema text, the way SQLite documents for changing a
    CHECK constraint (lang_altertable.html, "other kinds of table schema changes"): the
    rows on disk do not change. Copying the tables instead (Alembic's batch mode) cannot
    work here: the old `cases` cannot be dropped while others point at it with foreign
    keys on, and they cannot be turned off inside the migration's transaction."""
    def check(values: tuple[str, ...]) -> str:
        return "CHECK (channel IN (" + ", ".join(f"'{v}'" for v in values) + "))"

    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    for table in ("cases", "interactions"):
        changed = bind.execute(
            sa.text("UPDATE sqlite_master SET sql = replace(sql, :old, :new) "
                    "WHERE type = 'table' AND name = :table AND instr(sql, :old) > 0"),
            {"old": check(old), "new": check(new), "table": table}).rowcount
        if changed != 1:
            raise RuntimeError(f"{table}.channel: its CHECK is not {check(old)}")
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    op.add_column("cases", sa.Column("problem_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("cases", sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True))
    _channels(OLD_CHANNELS, NEW_CHANNELS)
    for name, columns in INDEXES.items():
        op.create_index(name, "cases", columns, unique=False)
    op.execute(f"UPDATE cases SET waiting_since = opened_at WHERE {UNRESOLVED} AND {NO_REPLY}")
    op.execute(f"UPDATE cases SET waiting_since = {FIRST_UNANSWERED} "
               f"WHERE {UNRESOLVED} AND NOT {NO_REPLY}")


def downgrade() -> None:
    op.execute("UPDATE interactions SET channel = 'phone' WHERE channel = 'walk_in'")
    op.execute("UPDATE cases SET channel = 'phone' WHERE channel = 'walk_in'")
    _channels(NEW_CHANNELS, OLD_CHANNELS)
    for name in INDEXES:
        op.drop_index(name, table_name="cases")
    # Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): copying `cases` is not possible
    # on SQLite with foreign keys on (see _sqlite_channels).
    for column in ("waiting_since", "problem_at"):
        op.execute(f"ALTER TABLE cases DROP COLUMN {column}")
