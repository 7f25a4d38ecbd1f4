"""Schema upgrades with Alembic, found inside the installed package (no alembic.ini).

`frontliner db upgrade` and the app's start (when FRONTLINER_UPGRADE_ON_START is true)
both call `upgrade(url)`.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Connection, Engine

from frontliner.store import config_cache, search_index, staff_loads
from frontliner.store.engine import make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LOCK = 0x46524F4E54  # "FRONT": the advisory lock that serialises schema upgrades


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade_connection(connection: Connection, revision: str = "head") -> None:
    command.upgrade(alembic_config(connection), revision)
    search_index.ensure(connection)
    staff_loads.ensure(connection)
    config_cache.ensure(connection)


def upgrade(url: str | URL | Engine, revision: str = "head") -> str | None:
    """Bring the database at `url` to `revision` (the newest by default); returns the
    revision it is at afterwards. Safe to run on an up-to-date database."""
    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Several app processes may start at once: one migrates, the others wait
                # for it and then find nothing left to do.
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK})
            upgrade_connection(connection, revision)
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        if not isinstance(url, Engine):
            engine.dispose()


def current(url: str | URL | Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        if not isinstance(url, Engine):
            engine.dispose()


def head() -> str | None:
    """The newest revision this version of Frontliner ships."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
