"""The insights' rollups: daily sums per team, channel and category, kept up to date as
cases change (`store/insight_rollup.py`), so a figure never reads every case.

- `insight_buckets`: one row per (metric, agent, team, channel, category, day, bucket)
  with a count and a sum. `agent_id` 0 is the whole desk's row; an agent's own row (their
  "my figures") repeats the same fact under their id. 0 and '' stand for "none" (no
  team, no category) so the unique key works on both databases.
- `insight_case_facts`: what each case last added (its facts as JSON), so a change to
  the case adds only the difference.
- `insight_progress`: how far the rollup has read the audit trail.
"""

from __future__ import annotations

import sqlalchemy as sa

from frontliner.store.tables import _at, _id, metadata

insight_buckets = sa.Table(
    "insight_buckets",
    metadata,
    _id(),
    sa.Column("metric", sa.String(80), nullable=False),
    sa.Column("agent_id", sa.Integer, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("team_id", sa.Integer, nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("category", sa.String(100), nullable=False),
    sa.Column("bucket", sa.BigInteger, nullable=False),
    sa.Column("n", sa.BigInteger, nullable=False),
    sa.Column("total", sa.BigInteger, nullable=False),
    # the row a fact adds to; also every figure's read: one metric, one set of rows (the
    # desk's or an agent's, in the team, channel and category asked for or all), then a
    # range of days, so a read touches only the rows it adds up
    sa.UniqueConstraint("metric", "agent_id", "team_id", "channel", "category", "day",
                        "bucket"),
    # cases opened are read with their channel and category free (volume's breakdowns):
    # the days come right after the set here, so those reads stay within the range too
    sa.Index("ix_insight_buckets_metric_agent_id_team_id_day", "metric", "agent_id",
             "team_id", "day"),
)

insight_case_facts = sa.Table(
    "insight_case_facts",
    metadata,
    _id(),
    sa.Column("case_id", sa.Integer, nullable=False, unique=True),
    sa.Column("facts", sa.JSON(), nullable=False),
    _at("rolled_at"),
)

insight_progress = sa.Table(
    "insight_progress",
    metadata,
    _id(),
    sa.Column("name", sa.String(40), nullable=False, unique=True),
    sa.Column("last_audit_id", sa.BigInteger, nullable=False),
    _at("updated_at"),
)
