"""Alembic environment: always called through `frontliner.store.migrate`, which hands
over an open connection (so the engine's SQLite pragmas apply to migrations too)."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext

from frontliner.store import search_index
from frontliner.store.tables import metadata
from frontliner.store.types import UtcDateTime


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations must not import app code: write our column type as the plain one.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations with `frontliner db upgrade`, not the alembic CLI")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=_render_item,
        compare_type=True,
        include_name=search_index.mapped_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
