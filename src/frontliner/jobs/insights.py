"""Insights job: bring the rollups up to date with the audit trail
(`store/insight_rollup.py`).

The worker's own loop calls `refresh` every FRONTLINER_INSIGHTS_POLL_SECONDS; the
periodic task (once a minute) is the safety net for a worker started with that loop off.
Each call reads at most `insight_rollup.CATCH_UP_ENTRIES` new audit entries and commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from huey import Huey, crontab
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from frontliner.store import insight_rollup

log = logging.getLogger("frontliner.jobs")


def refresh(engine: Engine) -> int:
    """Catch up once (if anything is waiting); how many cases were rolled up."""
    with Session(engine) as session:
        if not insight_rollup.pending(session):
            return 0
    with Session(engine) as session:
        done = insight_rollup.catch_up(session)
        session.commit()
    if done:
        log.info("insights: %s case(s) rolled up", done)
    return done


@dataclass
class InsightJobs:
    huey: Huey
    engine: Engine
    refresh_insights: Any = None  # huey periodic TaskWrapper

    def refresh(self) -> int:
        return refresh(self.engine)


def install(huey: Huey, engine: Engine) -> InsightJobs:
    """Register the insights task on `huey` (once per huey instance)."""
    jobs = InsightJobs(huey=huey, engine=engine)
    jobs.refresh_insights = huey.periodic_task(crontab(minute="*"), name="refresh_insights")(
        jobs.refresh)
    return jobs
