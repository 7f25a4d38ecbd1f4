"""The tables of practice mode (`desk/practice/records.py`), registered with the desk's
tables so the mapping, the migrations' check and the test fixtures see them."""

from __future__ import annotations

import sqlalchemy as sa

from frontliner.desk.practice import records as p
from frontliner.store.tables import TABLES, _at, _fk, _id, metadata
from frontliner.store.types import json_dict

practice_scenarios = sa.Table(
    "practice_scenarios",
    metadata,
    _id(),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("data", json_dict(), nullable=False),
    sa.Column("origin", sa.String(20), nullable=False),
    _fk("author_id", "users.id", nullable=False),
    _at("created_at"),
    _at("updated_at", nullable=True),
    sa.Column("archived", sa.Boolean, nullable=False),
    _fk("source_case_id", "cases.id"),
    # the list of the desk's scenarios, newest first, with or without archived ones
    sa.Index(None, "archived", "id"),
)

practice_attempts = sa.Table(
    "practice_attempts",
    metadata,
    _id(),
    _fk("user_id", "users.id", nullable=False, cascade=True),
    sa.Column("scenario_key", sa.String(100), nullable=False),
    _at("at"),
    sa.Column("reply", sa.Text, nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("grade", json_dict(), nullable=False),
    # one agent's attempts at one scenario, newest first
    sa.Index(None, "user_id", "scenario_key", "id"),
)

practice_progress = sa.Table(
    "practice_progress",
    metadata,
    _id(),
    _fk("user_id", "users.id", nullable=False, cascade=True),
    sa.Column("scenario_key", sa.String(100), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("best_score", sa.Integer, nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    _at("last_at", nullable=True),
    _at("passed_at", nullable=True),
    sa.UniqueConstraint("user_id", "scenario_key"),
)

practice_welcomes = sa.Table(
    "practice_welcomes",
    metadata,
    _id(),
    _fk("user_id", "users.id", nullable=False, cascade=True),
    _at("shown_at"),
    sa.UniqueConstraint("user_id"),
)

TABLES.update({
    p.PracticeScenario: practice_scenarios,
    p.PracticeAttempt: practice_attempts,
    p.PracticeProgress: practice_progress,
    p.PracticeWelcome: practice_welcomes,
})
