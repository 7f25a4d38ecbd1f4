"""PostgreSQL: statistics on the insights' rollups that know how metric, person and team
go together, so reading a year of cases opened is planned as the small indexed read it is

Without them the planner multiplies the three columns' shares as if unrelated, expects
more than ten times the rows a year of cases opened has (243,743 for 17,760 at a million
cases), and plans parallel workers and JIT compilation: 245-360 ms where the read itself
takes 1-2 ms (docs/benchmarks.md, Insights). Nothing to do on SQLite.

Revision ID: 0028_insight_statistics
Revises: 0027_search_vectors
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0028_insight_statistics"
down_revision: str | None = "0027_search_vectors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "st_insight_buckets_metric_agent_id_team_id"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE STATISTICS {NAME} (mcv) ON metric, agent_id, team_id "
               "FROM insight_buckets")
    # the sets a year of one metric is read from are a small share of a large table:
    # the most common combinations list must be long enough to hold them
    op.execute(f"ALTER STATISTICS {NAME} SET STATISTICS 1000")
    op.execute("ANALYZE insight_buckets")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP STATISTICS IF EXISTS {NAME}")
