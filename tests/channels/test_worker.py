"""`frontliner worker` as a real process: huey's consumer on a SQLite queue file picks up
an agent's reply committed by the desk and delivers it to a real SMTP server that wants
a login; the password never shows in the worker's output. Plus the queue storages.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from huey import Huey, MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey
from tests.channels.mail_sink import Sink, running_sink
from tests.conftest import PG_ENV, Seeded

from frontliner.config import Settings
from frontliner.desk import interactions
from frontliner.desk.model import User
from frontliner.jobs.queue import QueueUrlError, make_huey
from frontliner.store.uow import SqlUnitOfWork

RELAY_PASSWORD = "worker-relay-pw-91c"


def wait_until(condition: Callable[[], bool], limit: float = 60.0) -> bool:
    """Poll `condition` until it holds; a generous limit only guards against a hang."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_worker_process_delivers_a_committed_reply_through_a_relay_that_wants_a_login(
    database_url: str, uow_factory: Callable[[], SqlUnitOfWork], seeded: Seeded, tmp_path: Path
) -> None:
    relay = Sink(password=RELAY_PASSWORD)
    with running_sink(relay) as port:
        env = {**os.environ, "FRONTLINER_DATABASE_URL": database_url,
               "FRONTLINER_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}",
               "FRONTLINER_SMTP_HOST": "127.0.0.1", "FRONTLINER_SMTP_PORT": str(port),
               "FRONTLINER_SMTP_USER": "desk", "FRONTLINER_SMTP_PASSWORD": RELAY_PASSWORD,
               "FRONTLINER_OUTBOX_POLL_SECONDS": "0.2", "FRONTLINER_UPGRADE_ON_START": "false",
               "FRONTLINER_MAIL_DOMAIN": "desk.test", "FRONTLINER_SECRET_KEY": "worker-test"}
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "frontliner"), "worker", "--workers", "1"],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            with uow_factory() as uow:
                agent = uow.get(User, seeded.agent_id)
                interactions.record_outbound(uow, agent, seeded.case_id,
                                             "Thank you, Ann: the refund is on its way.")
                uow.commit()
            delivered = wait_until(lambda: len(relay.received) >= 1)
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                output = worker.communicate(timeout=30)[0].decode(errors="replace")
            except subprocess.TimeoutExpired:
                worker.kill()
                output = worker.communicate()[0].decode(errors="replace")

    assert delivered, f"the worker sent nothing; its output:\n{output}"
    assert len(relay.received) == 1
    assert relay.logins == ["desk"]
    assert relay.received[0]["To"] == "ann@example.com"
    assert RELAY_PASSWORD not in output


def settings(queue_url: str, tmp_path: Path) -> Settings:
    return Settings(queue_url=queue_url, data_dir=tmp_path)


def roundtrip(huey: Huey) -> object:
    """Enqueue one task and take it back off the queue through the storage."""
    echo = huey.task(name="echo")(lambda value: value)
    echo("ping")
    task = huey.dequeue()
    return huey.execute(task)


def test_the_queue_storage_follows_the_queue_url(tmp_path: Path) -> None:
    default = make_huey(settings("", tmp_path))
    assert isinstance(default, SqliteHuey)
    assert (tmp_path / "queue.db").exists()
    assert roundtrip(default) == "ping"
    assert isinstance(make_huey(settings("memory://", tmp_path)), MemoryHuey)
    with pytest.raises(QueueUrlError, match="FRONTLINER_QUEUE_URL"):
        make_huey(settings("amqp://broker", tmp_path))


def test_the_queue_can_live_in_redis(tmp_path: Path) -> None:
    url = os.environ.get("FRONTLINER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    redis = make_huey(settings(url, tmp_path))
    assert isinstance(redis, RedisHuey)
    redis.flush()
    assert roundtrip(redis) == "ping"


def test_with_only_a_redis_url_the_queue_is_in_redis_under_the_desks_own_prefix(
    tmp_path: Path,
) -> None:
    url = os.environ.get("FRONTLINER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    prefix = f"fl-test-{uuid.uuid4().hex[:12]}"
    ours = make_huey(Settings(redis_url=url, redis_prefix=prefix, data_dir=tmp_path))
    other = make_huey(Settings(redis_url=url, redis_prefix=prefix + "-other",
                               data_dir=tmp_path))
    assert isinstance(ours, RedisHuey) and ours.name == prefix
    assert not (tmp_path / "queue.db").exists()
    try:
        ours.task(name="echo")(lambda value: value)("ping")
        assert ours.pending_count() == 1
        assert other.pending_count() == 0  # another desk on the same Redis sees nothing
    finally:
        ours.flush()


def test_the_queue_can_live_in_postgresql(tmp_path: Path) -> None:
    raw = os.environ.get(PG_ENV)
    if not raw:
        pytest.skip(f"{PG_ENV} not set")
    huey = make_huey(settings(raw, tmp_path))
    assert isinstance(huey, PostgresHuey)
    huey.flush()
    assert roundtrip(huey) == "ping"
