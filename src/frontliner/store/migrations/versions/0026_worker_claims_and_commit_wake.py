"""worker claims that name their worker (worker_beats, claimed_by), and on PostgreSQL a
NOTIFY on commit of any write that may leave mail or webhooks owed

The triggers are statement-level: one pg_notify per statement, and PostgreSQL folds the
identical notifications of one transaction into one, delivered only when it commits
(never for a rollback), whichever process or tool wrote. `frontliner worker` LISTENs on
the channel (store/wake.py) and looks for work at once instead of on its next poll.

Revision ID: 0026_worker_claims
Revises: 0028_insight_combinations
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_worker_claims"
down_revision: str | None = "0028_insight_combinations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "frontliner_work"  # store/wake.py listens on it
# table -> the writes after which the worker may owe something
WAKING = {
    "audit_entries": "INSERT",  # opened cases, confirmation requests, every desk change
    "interactions": "INSERT",  # agents' e-mail replies
    "inbound_mail": "INSERT OR UPDATE",  # acknowledgements, "we could not read it"
    "access_links": "INSERT",  # sign-in and password-reset links
    "desk_events": "INSERT",  # webhook events to fan out
    "webhook_subscriptions": "UPDATE",  # a webhook disabled: the admins are told
}


def upgrade() -> None:
    op.create_table(
        "worker_beats",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_beats")),
    )
    with op.batch_alter_table("outbound_mail") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=80), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION frontliner_wake() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
    )
    for table, events in WAKING.items():
        op.execute(
            f"CREATE TRIGGER frontliner_wake AFTER {events} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION frontliner_wake()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WAKING:
            op.execute(f"DROP TRIGGER IF EXISTS frontliner_wake ON {table}")
        op.execute("DROP FUNCTION IF EXISTS frontliner_wake()")
    with op.batch_alter_table("outbound_mail") as batch:
        batch.drop_column("claimed_by")
    op.drop_table("worker_beats")
