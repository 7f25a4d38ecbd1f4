"""full-text search: an FTS5 index on SQLite; expression GIN indexes (tsvector and
pg_trgm) on PostgreSQL

Both are updated by the database in the transaction of the write itself, whichever path
wrote (ORM, Core bulk inserts of an import, a migration), so the index is never stale.

Revision ID: 0022_search
Revises: 0020_reply_reviews
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0022_search"
down_revision: str | None = "0020_reply_reviews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite: a table of documents (one per searchable row, in the order written) and an FTS5
# index over it. `owner` holds a token naming the customer who may see the document, so
# a customer's search intersects two word lists instead of scanning. The triggers that
# fill them, and the first fill, come from frontliner.store.search_index.ensure, which
# every upgrade runs (SQLite drops triggers whenever a later batch migration rebuilds a
# table).
_SQLITE = (
    "CREATE TABLE search_docs (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "kind INTEGER NOT NULL, source_id INTEGER NOT NULL, case_id INTEGER, "
    "customer_id INTEGER, title TEXT NOT NULL, body TEXT NOT NULL, owner TEXT NOT NULL)",
    "CREATE UNIQUE INDEX ix_search_docs_source ON search_docs (kind, source_id)",
    "CREATE INDEX ix_search_docs_customer ON search_docs (customer_id, kind)",
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, owner, content='search_docs', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')",
)


# PostgreSQL: GIN indexes on the expressions the search queries use; the planner uses
# them when a query repeats the expression exactly (frontliner.store.search does).
_PG_INDEXES = [
    ("ix_search_cases_nature", "cases", "gin (to_tsvector('english', nature))"),
    ("ix_search_interactions_body", "interactions", "gin (to_tsvector('english', body))"),
    ("ix_search_articles_text", "knowledge_articles",
     "gin (to_tsvector('english', title || ' ' || body))"),
    ("ix_search_cases_ref", "cases", "gin (ref {trgm})"),
    ("ix_search_cases_contact", "cases",
     "gin ((contact_name || ' ' || contact_value) {trgm})"),
    ("ix_search_customers_name", "customers", "gin (name {trgm})"),
    ("ix_search_contacts_value", "contacts", "gin (value {trgm})"),
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE:
            op.execute(statement)
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # The operator class lives in whichever schema the extension was installed in.
    schema = op.get_bind().exec_driver_sql(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    ).scalar_one()
    for name, table, expression in _PG_INDEXES:
        trgm = f"{schema}.gin_trgm_ops"
        op.execute(f"CREATE INDEX {name} ON {table} USING {expression.format(trgm=trgm)}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in ("cases", "interactions", "customers", "contacts", "knowledge_articles"):
            for suffix in ("ai", "au", "ad"):
                op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{suffix}")
        op.execute("DROP TABLE IF EXISTS search_fts")
        op.execute("DROP TABLE IF EXISTS search_docs")
        return
    for name, _table, _expression in _PG_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
