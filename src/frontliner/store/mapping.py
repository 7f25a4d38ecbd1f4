"""Imperative mapping of the desk's dataclasses onto the tables.

The domain classes stay plain (the unit tests never need a database); this module
teaches SQLAlchemy to load and save them. `Case.version` is the optimistic-concurrency
column: every UPDATE of a case says `WHERE version = <the version I read>` and bumps it,
so a write based on a stale read matches no row and raises instead of overwriting.
"""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import registry

from frontliner.desk import model as m
from frontliner.store.tables import TABLES, access_links, cases

mapper_registry = registry(metadata=next(iter(TABLES.values())).metadata)
_lock = threading.Lock()


def _fill_updated_at(_mapper: Any, _connection: Any, case: m.Case) -> None:
    # Case lists page by (updated_at, id); a NULL there would drop the case from every
    # page. The desk stamps updated_at itself (with its own clock); this only fills gaps.
    if case.updated_at is None:
        case.updated_at = case.opened_at


def map_entities() -> None:
    """Map every entity once; later calls do nothing, so every entry point may call it."""
    with _lock:
        for entity, table in TABLES.items():
            if sa.inspect(entity, raiseerr=False) is not None:
                continue
            if entity is m.Case:
                mapper_registry.map_imperatively(entity, table, version_id_col=cases.c.version)
                sa.event.listen(m.Case, "before_insert", _fill_updated_at)
                sa.event.listen(m.Case, "before_update", _fill_updated_at)
            elif entity is m.AccessLink:
                # single use: of two redemptions at once, the second finds a stale row
                mapper_registry.map_imperatively(entity, table,
                                                 version_id_col=access_links.c.version)
            else:
                mapper_registry.map_imperatively(entity, table)
