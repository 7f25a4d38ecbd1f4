"""The schema the migrations build is the schema the code maps, on every database."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from tests.conftest import PG_ENV

from frontliner.desk.model import Team
from frontliner.store import config_cache, search_index
from frontliner.store.engine import make_engine, normalise_url
from frontliner.store.mapping import map_entities
from frontliner.store.migrate import current, head, upgrade
from frontliner.store.tables import metadata
from frontliner.store.uow import SqlUnitOfWork


def test_migrations_build_exactly_the_tables_the_code_maps(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={
                "compare_type": True,
                "target_metadata": metadata,
                "include_name": search_index.mapped_name,
            },
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


def test_app_processes_starting_together_on_postgresql_migrate_once() -> None:
    raw = os.environ.get(PG_ENV)
    if not raw:
        pytest.skip(f"{PG_ENV} not set")
    url = normalise_url(raw)
    engine = make_engine(url)
    schema = f"upgrade_race_{os.getpid()}"
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    # Without the upgrade lock the racing DDL blocks; lock_timeout turns that into a failure.
    options = f"-csearch_path={schema} -clock_timeout=15000"
    fresh = url.update_query_dict({"options": options})
    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            results = list(pool.map(lambda _: upgrade(fresh), range(3)))
        assert results == [head()] * 3
        tables = set(sa.inspect(engine).get_table_names(schema=schema))
        kept_apart = {"alembic_version", config_cache.TABLE}  # outside the mapped metadata
        assert {t.name for t in metadata.sorted_tables} | kept_apart == tables
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def test_mapping_twice_changes_nothing(uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    map_entities()
    map_entities()
    with uow_factory() as uow:
        uow.add(Team(name="Still mapped"))
        uow.commit()
    with uow_factory() as uow:
        assert [t.name for t in uow.find(Team)] == ["Still mapped"]
