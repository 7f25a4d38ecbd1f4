"""Tables of moving in from another helpdesk (`frontliner import`).

`import_keys` remembers which record of which source became which row here, with one
unique (source, kind, source id): that is what makes a second run add only what is new
and a run killed half-way continue without importing anything twice. Tags and the
attachments of imported messages have their own tables.
"""

from __future__ import annotations

import sqlalchemy as sa

from frontliner.store.tables import _at, _fk, _id, metadata

import_keys = sa.Table(
    "import_keys",
    metadata,
    _id(),
    sa.Column("source", sa.String(16), nullable=False),  # zendesk, freshdesk, csv
    # user, customer, case, message, attachment: which table target_id is an id of
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("source_id", sa.String(255), nullable=False),
    # No foreign key: one column points into several tables, named by `kind`.
    sa.Column("target_id", sa.Integer, nullable=False),
    _at("imported_at"),
    sa.UniqueConstraint("source", "kind", "source_id"),
)

tags = sa.Table(
    "tags",
    metadata,
    _id(),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
)

case_tags = sa.Table(
    "case_tags",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False, cascade=True),
    _fk("tag_id", "tags.id", nullable=False, cascade=True),
    sa.UniqueConstraint("case_id", "tag_id"),
    sa.Index(None, "tag_id", "case_id"),  # the cases of one tag
)

imported_attachments = sa.Table(
    "imported_attachments",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False, cascade=True),
    _fk("interaction_id", "interactions.id", cascade=True),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(127), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    # The bytes when the export had them (a file beside it, or inline base64); otherwise
    # only the source's link, never fetched at import time.
    sa.Column("data", sa.LargeBinary, nullable=True),
    sa.Column("url", sa.Text, nullable=True),
    _at("created_at"),
    sa.CheckConstraint("data IS NOT NULL OR url IS NOT NULL", name="bytes_or_link"),
    sa.Index(None, "case_id", "id"),
    sa.Index(None, "interaction_id"),
)
