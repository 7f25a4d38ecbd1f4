"""The schema the migrations build is the schema the code maps, on every database."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from frontliner.store.migrate import current, head, upgrade
from frontliner.store.tables import metadata


def test_migrations_build_exactly_the_tables_the_code_maps(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "target_metadata": metadata}
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_database_is_at_the_newest_migration(database_url: str) -> None:
    assert head() is not None
    assert current(database_url) == head()


def test_upgrading_an_up_to_date_database_changes_nothing(database_url: str) -> None:
    assert upgrade(database_url) == head()
    assert current(database_url) == head()


def test_every_mapped_table_exists(engine: Engine) -> None:
    present = set(sa.inspect(engine).get_table_names())
    assert {table.name for table in metadata.sorted_tables} <= present
