"""the outbox may hold "is it solved?" mail (kind confirmation_request)

Revision ID: 0008_confirmation_mail
Revises: 0011_case_waiting_since

When a case starts waiting for the customer's confirmation, the outbox writes them a
mail with two signed links. The kind's CHECK constraint lists the kinds the outbox may
hold, so it is widened (SQLite rebuilds the table in batch mode).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_confirmation_mail"
down_revision: str | None = "0011_case_waiting_since"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = ("reply", "acknowledgement", "follow_up_reminder", "sign_in_link",
                "password_reset")
KINDS_AFTER = (*KINDS_BEFORE, "confirmation_request")


def _kinds(values: tuple[str, ...]) -> str:
    return f"kind IN ({', '.join(repr(v) for v in values)})"


def _allow(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("outbound_mail") as batch:
        batch.drop_constraint(op.f("ck_outbound_mail_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_outbound_mail_kind_known"), _kinds(kinds))


def upgrade() -> None:
    _allow(KINDS_AFTER)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM outbound_mail WHERE kind = 'confirmation_request'"))
    _allow(KINDS_BEFORE)
