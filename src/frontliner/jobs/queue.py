"""The job queue: huey, on storage chosen by FRONTLINER_QUEUE_URL.

- empty (default): a SQLite file `<data_dir>/queue.db`, no other server needed;
- `redis://host:port/db`: Redis, for several workers on several machines;
- `postgresql://...`: a PostgreSQL database (huey's own tables);
- `memory://`: in-process only, for tests.
"""

from __future__ import annotations

from pathlib import Path

from huey import Huey, MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey

from frontliner.config import Settings

NAME = "frontliner"


class QueueUrlError(ValueError):
    """FRONTLINER_QUEUE_URL names storage we cannot use."""


def make_huey(settings: Settings) -> Huey:
    url = settings.queue_url.strip()
    if not url:
        path = Path(settings.data_dir) / "queue.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(NAME, filename=str(path), utc=True)
    scheme = url.split(":", 1)[0].lower()
    if scheme in {"redis", "rediss"}:
        return RedisHuey(NAME, url=url, utc=True)
    if scheme.startswith("postgres"):
        dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        return PostgresHuey(NAME, dsn=dsn, utc=True)
    if scheme == "memory":
        return MemoryHuey(NAME, utc=True)
    if scheme == "sqlite":
        return SqliteHuey(NAME, filename=url.split(":///", 1)[-1], utc=True)
    raise QueueUrlError(
        f"FRONTLINER_QUEUE_URL must be empty, redis://, postgresql://, sqlite:/// or memory://"
        f" (got a {scheme!r} URL)")
