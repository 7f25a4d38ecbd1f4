"""The job queue: huey, on storage chosen by FRONTLINER_QUEUE_URL.

- empty (default): Redis at FRONTLINER_REDIS_URL when that is set, else a SQLite file
  `<data_dir>/queue.db`, no other server needed;
- `redis://host:port/db`: Redis, for several workers on several machines;
- `postgresql://...`: a PostgreSQL database (huey's own tables);
- `memory://`: in-process only, for tests.
"""

from __future__ import annotations

from pathlib import Path

from huey import Huey, MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey

from frontliner.config import Settings


class QueueUrlError(ValueError):
    """FRONTLINER_QUEUE_URL names storage we cannot use."""


def make_huey(settings: Settings) -> Huey:
    """The queue named `redis_prefix` (huey's keys in Redis start with it)."""
    name = settings.redis_prefix
    url = settings.queue_url.strip() or (settings.redis_url or "").strip()
    if not url:
        path = Path(settings.data_dir) / "queue.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path), utc=True)
    scheme = url.split(":", 1)[0].lower()
    if scheme in {"redis", "rediss"}:
        return RedisHuey(name, url=url, utc=True)
    if scheme.startswith("postgres"):
        dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        return PostgresHuey(name, dsn=dsn, utc=True)
    if scheme == "memory":
        return MemoryHuey(name, utc=True)
    if scheme == "sqlite":
        return SqliteHuey(name, filename=url.split(":///", 1)[-1], utc=True)
    raise QueueUrlError(
        f"FRONTLINER_QUEUE_URL must be empty, redis://, postgresql://, sqlite:/// or memory://"
        f" (got a {scheme!r} URL)")
