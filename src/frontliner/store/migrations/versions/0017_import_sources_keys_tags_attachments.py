"""import sources: which record of another helpdesk became which row here (one unique
source + kind + source id), tags on cases, and the attachments of imported messages

Revision ID: 0017_import_sources
Revises: 0022_search
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_import_sources"
down_revision: str | None = "0022_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_keys")),
        sa.UniqueConstraint("source", "kind", "source_id",
                            name=op.f("uq_import_keys_source_kind_source_id")),
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("name", name=op.f("uq_tags_name")),
    )
    op.create_table(
        "case_tags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE",
                                name=op.f("fk_case_tags_case_id_cases")),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], ondelete="CASCADE",
                                name=op.f("fk_case_tags_tag_id_tags")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_tags")),
        sa.UniqueConstraint("case_id", "tag_id", name=op.f("uq_case_tags_case_id_tag_id")),
    )
    op.create_index(op.f("ix_case_tags_tag_id_case_id"), "case_tags", ["tag_id", "case_id"],
                    unique=False)
    op.create_table(
        "imported_attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("data IS NOT NULL OR url IS NOT NULL",
                           name=op.f("ck_imported_attachments_bytes_or_link")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE",
                                name=op.f("fk_imported_attachments_case_id_cases")),
        sa.ForeignKeyConstraint(["interaction_id"], ["interactions.id"], ondelete="CASCADE",
                                name=op.f("fk_imported_attachments_interaction_id_interactions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_attachments")),
    )
    op.create_index(op.f("ix_imported_attachments_case_id_id"), "imported_attachments",
                    ["case_id", "id"], unique=False)
    op.create_index(op.f("ix_imported_attachments_interaction_id"), "imported_attachments",
                    ["interaction_id"], unique=False)


def downgrade() -> None:
    op.drop_table("imported_attachments")
    op.drop_table("case_tags")
    op.drop_table("tags")
    op.drop_table("import_keys")
