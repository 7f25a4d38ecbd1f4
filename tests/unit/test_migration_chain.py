"""The migrations form one line: a second head would make `upgrade head` refuse to run
(Alembic asks which head), so a fresh desk would not start."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from frontliner.store.migrate import alembic_config


def test_the_migrations_have_exactly_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"more than one migration head: {sorted(heads)}"
