"""The workers alive now, so a job claimed by a worker that died is taken up again at
once instead of after a long lease.

huey takes a message off the queue when a consumer picks it up (no acknowledgement): a
worker killed mid-job loses that message. The job's truth is therefore its row (an
outbox row, a webhook delivery), which a worker claims with a conditional UPDATE that
names the worker (`claimed_by`). Each `frontliner worker` process writes a beat here
every `worker_heartbeat_seconds`; a claim whose worker has not beaten for
`DEAD_AFTER_BEATS` beats belongs to a dead worker, and its row is claimable again.
A worker that stops cleanly removes its beat, so its claims free up at once.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from frontliner.store.tables import metadata
from frontliner.store.types import UtcDateTime

DEAD_AFTER_BEATS = 4  # missed beats before a worker counts as dead

worker_beats = sa.Table(
    "worker_beats",
    metadata,
    sa.Column("id", sa.String(80), primary_key=True),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("beat_at", UtcDateTime(), nullable=False),
)


def new_worker_id() -> str:
    """host:pid:random; unique even when a pid is reused after a restart."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def beat(engine: Engine, worker_id: str, at: datetime) -> None:
    """Say this worker is alive (the first beat registers it)."""
    with engine.begin() as connection:
        updated = connection.execute(sa.update(worker_beats)
                                     .where(worker_beats.c.id == worker_id)
                                     .values(beat_at=at))
        if updated.rowcount == 0:
            connection.execute(sa.insert(worker_beats).values(
                id=worker_id, host=socket.gethostname()[:255], pid=os.getpid(),
                started_at=at, beat_at=at))


def leave(engine: Engine, worker_id: str) -> None:
    """A clean stop: this worker's claims are free at once."""
    with engine.begin() as connection:
        connection.execute(sa.delete(worker_beats).where(worker_beats.c.id == worker_id))


def forget_dead(engine: Engine, at: datetime, every: timedelta) -> int:
    """Drop the beats of workers dead for a day (their claims are long taken over)."""
    with engine.begin() as connection:
        gone = connection.execute(sa.delete(worker_beats).where(
            worker_beats.c.beat_at < at - max(every * DEAD_AFTER_BEATS, timedelta(days=1))))
        return gone.rowcount or 0


def claimant_gone(claimed_by: sa.ColumnElement[str | None], at: datetime,
                  every: timedelta) -> sa.ColumnElement[bool]:
    """True for a claim whose worker is no longer beating (or never registered)."""
    alive = sa.select(worker_beats.c.id).where(
        worker_beats.c.id == claimed_by,
        worker_beats.c.beat_at >= at - every * DEAD_AFTER_BEATS)
    return sa.and_(claimed_by.is_not(None), ~alive.exists())
