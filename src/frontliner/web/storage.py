"""The app's handle on storage: an engine, units of work on it, a ping, the upgrade."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from frontliner.config import Settings
from frontliner.desk.ports import UowFactory
from frontliner.store.engine import make_engine
from frontliner.store.uow import uow_factory


@dataclass
class Storage:
    engine: Engine
    uow_factory: UowFactory

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    def upgrade(self) -> None:
        # Alembic (with Mako and Pygments) is some 7 MB and 250 modules: imported only
        # when an upgrade runs, not in every app worker (`serve` upgrades once, first).
        from frontliner.store.migrate import upgrade

        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def open_storage(settings: Settings) -> Storage:
    engine = make_engine(settings.database_url)
    return Storage(engine=engine, uow_factory=uow_factory(engine))


def ping_engine(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
