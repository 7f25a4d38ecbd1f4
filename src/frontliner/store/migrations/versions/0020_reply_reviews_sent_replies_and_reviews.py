"""sent replies keep the coach's reading from the moment they were sent (findings,
score, override reason, suggestions used); leads' reviews of them

Revision ID: 0020_reply_reviews
Revises: 0009_users_team_index

Replies sent before this revision have no reading: the coach's rules may have changed
since, so inventing one afterwards would misstate what the agent saw.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_reply_reviews"
down_revision: str | None = "0009_users_team_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNELS = ("email", "web", "chat", "phone", "api", "walk_in")


def _fk(table: str, column: str, target: str,
        ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete,
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "sent_replies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.Enum(*CHANNELS, name="channel", native_enum=False,
                                     create_constraint=True, length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("answered_id", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("suggestions_used", sa.JSON(), nullable=False),
        sa.CheckConstraint("score >= 0 AND score <= 100",
                           name=op.f("ck_sent_replies_score_in_range")),
        _fk("sent_replies", "interaction_id", "interactions"),
        _fk("sent_replies", "case_id", "cases"),
        _fk("sent_replies", "author_id", "users"),
        _fk("sent_replies", "team_id", "teams"),
        _fk("sent_replies", "answered_id", "interactions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_replies")),
        sa.UniqueConstraint("interaction_id", name=op.f("uq_sent_replies_interaction_id")),
    )
    for columns in (["sent_at", "id"], ["team_id", "sent_at"], ["author_id", "sent_at"],
                    ["score", "sent_at"]):
        op.create_index(op.f(f"ix_sent_replies_{'_'.join(columns)}"), "sent_replies", columns,
                        unique=False)
    op.create_table(
        "sent_findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sent_reply_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("severity", sa.Enum("error", "warning", "info", name="finding_severity",
                                      native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        _fk("sent_findings", "sent_reply_id", "sent_replies", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_findings")),
    )
    op.create_index(op.f("ix_sent_findings_sent_reply_id"), "sent_findings",
                    ["sent_reply_id"], unique=False)
    op.create_index(op.f("ix_sent_findings_sent_at_rule"), "sent_findings",
                    ["sent_at", "rule"], unique=False)
    op.create_table(
        "reply_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sent_reply_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdicts", sa.JSON(), nullable=False),
        sa.Column("missed", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _fk("reply_reviews", "sent_reply_id", "sent_replies", ondelete="CASCADE"),
        _fk("reply_reviews", "reviewer_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_reviews")),
        sa.UniqueConstraint("sent_reply_id", name=op.f("uq_reply_reviews_sent_reply_id")),
    )
    op.create_index(op.f("ix_reply_reviews_reviewed_at_id"), "reply_reviews",
                    ["reviewed_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_table("reply_reviews")
    op.drop_table("sent_findings")
    op.drop_table("sent_replies")
