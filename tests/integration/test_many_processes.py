"""Many processes, one desk (docs/deploy.md), as real processes: two `frontliner serve`
(uvicorn) on free ports and a `frontliner worker`, on PostgreSQL and Redis.

- a chat visitor on app A gets the reply an agent posts through app B (Redis pub/sub);
- an agent's live view on app B shows a new message posted on a case through app A (the
  live feed reads the database);
- a session signed out through app A is refused by app B, and its live view open on B
  closes at once;
- the worker is killed (SIGKILL) in the middle of sending a reply, a new worker is
  started, and the customer gets the reply exactly once.

Runs only with FRONTLINER_TEST_DATABASE_URL (PostgreSQL; CI sets it) and needs Redis
(FRONTLINER_TEST_REDIS_URL, default database 15 on 127.0.0.1:6379, which CI starts). Every
Redis key and channel of this run starts with its own prefix, so parallel runs never
share a queue or a chat.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from tests.channels.mail_sink import free_port
from tests.channels.public_support import API, SHOP, Desk, seed_desk
from tests.conftest import DUTY_PASSWORD, PG_ENV, _empty_all_tables
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from frontliner.store.engine import make_engine, normalise_url
from frontliner.store.migrate import upgrade
from frontliner.store.outbound_tables import outbound_mail
from frontliner.store.uow import uow_factory
from frontliner.store.worker_tables import worker_beats

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("FRONTLINER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WAIT = 60.0  # not a speed assertion: only how long before calling something lost
STARTING = 240.0  # the same, for a process starting on a busy machine
FRONTLINER = str(Path(sys.executable).parent / "frontliner")
REPLY = ("Thank you for telling us, and I am sorry for the trouble. I have sent the "
         "replacement today and I will confirm on Friday that it arrived.")


def wait_until(condition: Callable[[], Any], what: str, limit: float = WAIT) -> Any:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


# --- a relay that holds every message until it is opened --------------------------------


@dataclass
class GatedRelay:
    """An SMTP server that takes DATA and then waits, without answering, until `opened`.
    A message counts as delivered only once it was answered 250; a client that goes away
    before that (killed) cancels its session, and its message is not delivered."""

    opened: threading.Event = field(default_factory=threading.Event)
    arrived: int = 0
    delivered: list[str] = field(default_factory=list)  # Message-IDs

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.arrived += 1
        while not self.opened.is_set():
            await asyncio.sleep(0.05)
        text = envelope.original_content.decode(errors="replace")
        message_id = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                           if line.lower().startswith("message-id:")), "")
        self.delivered.append(message_id)
        return "250 OK"


@pytest.fixture
def relay() -> Iterator[tuple[GatedRelay, int]]:
    gated, port = GatedRelay(), free_port()
    controller = Controller(gated, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield gated, port
    finally:
        gated.opened.set()
        controller.stop()


# --- the database, Redis and the processes ----------------------------------------------


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    raw = os.environ.get(PG_ENV)
    if not raw:
        pytest.skip(f"{PG_ENV} not set: the multi-process topology runs on PostgreSQL only")
    engine = make_engine(normalise_url(raw).render_as_string(hide_password=False))
    upgrade(engine)
    _empty_all_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:  # CI starts Redis: its absence is a failure
        pytest.fail(f"Redis at {REDIS_URL} is not reachable ({type(error).__name__})")
    prefix = f"fl-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@dataclass
class Topology:
    env: dict[str, str]
    cwd: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, *argv: str) -> subprocess.Popen[bytes]:
        log = open(self.cwd / f"{argv[0]}-{len(self.processes)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen([FRONTLINER, *argv], cwd=self.cwd, env=self.env,
                                   stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def serve(self, count: int) -> list[str]:
        """Start `count` app processes at once; their addresses once all answer."""
        bases = []
        for _ in range(count):
            port = free_port()
            self.start("serve", "--host", "127.0.0.1", "--port", str(port), "--no-access-log")
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:  # a loaded machine may take long to import everything
            wait_until(lambda base=base: _healthy(base), f"{base} to answer", STARTING)
        return bases

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                         for p in sorted(self.cwd.glob("*.log")))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def topology(pg_engine: Engine, redis_prefix: str, relay: tuple[GatedRelay, int],
             tmp_path: Path) -> Iterator[Topology]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("FRONTLINER_")}
    env.update({
        "FRONTLINER_ENVIRONMENT": "test",
        "FRONTLINER_DATABASE_URL": pg_engine.url.render_as_string(hide_password=False),
        "FRONTLINER_REDIS_URL": REDIS_URL,
        "FRONTLINER_REDIS_PREFIX": redis_prefix,
        "FRONTLINER_SECRET_KEY": "many-processes-one-desk",
        "FRONTLINER_UPGRADE_ON_START": "false",
        "FRONTLINER_DATA_DIR": str(tmp_path / "var"),
        "FRONTLINER_CHAT_ORIGINS": json.dumps([SHOP]),
        "FRONTLINER_MAIL_DOMAIN": "desk.test",
        "FRONTLINER_SMTP_HOST": "127.0.0.1",
        "FRONTLINER_SMTP_PORT": str(relay[1]),
        "FRONTLINER_SMTP_TIMEOUT": "120",
        # A killed worker counts as dead after 4 missed beats (2 s here, 20 s by default);
        # the safety poll finds its rows soon after.
        "FRONTLINER_WORKER_HEARTBEAT_SECONDS": "0.5",
        "FRONTLINER_OUTBOX_SAFETY_POLL_SECONDS": "1",
    })
    running = Topology(env, tmp_path)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def desk(pg_engine: Engine) -> Desk:
    return seed_desk(uow_factory(pg_engine))


# --- the test -----------------------------------------------------------------------------


def frame_until(socket: ClientConnection, **wanted: Any) -> dict[str, Any]:
    """The first frame whose fields have the wanted values (others are skipped)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        frame: dict[str, Any] = json.loads(socket.recv(timeout=deadline - time.monotonic()))
        if all(frame.get(key) == value for key, value in wanted.items()):
            return frame
    raise AssertionError(f"no frame with {wanted}")


def post(url: str, **options: Any) -> httpx.Response:
    return httpx.post(url, timeout=WAIT, **options)  # a first request may warm up slowly


def ws_url(base: str, path: str) -> str:
    return base.replace("http://", "ws://", 1) + path


def test_two_app_processes_and_a_worker_on_postgresql_and_redis_serve_one_desk(
    topology: Topology, desk: Desk, pg_engine: Engine, relay: tuple[GatedRelay, int]
) -> None:
    gated, _port = relay
    first_worker = topology.start("worker", "--workers", "1")
    try:
        a, b = topology.serve(2)
        chat_crosses(a, b, desk)
        message_is_live_on_the_other(a, b, desk, gated)
        sign_out_crosses(a, b)
        reply_is_sent_once_though_its_worker_was_killed(topology, pg_engine, gated,
                                                        first_worker)
    except Exception:
        print(topology.logs())
        raise


def chat_crosses(a: str, b: str, desk: Desk) -> None:
    """A visitor on A, the agent answering through B: the visitor sees it at once."""
    started = post(f"{a}/chat/start", headers={"Origin": SHOP}, data={
        "name": "Vic Visitor", "email": "vic@example.org",
        "message": "My parcel says delivered but it is not here"})
    assert started.status_code == 201, started.text
    chat = started.json()
    with connect(ws_url(a, chat["socket"]), additional_headers={"Origin": SHOP},
                 open_timeout=WAIT) as visitor:
        assert frame_until(visitor, type="history")["ref"] == chat["ref"]
        sent = post(f"{b}{API}/cases/{chat['ref']}/messages", headers=desk.agent.auth,
                          json={"direction": "outbound", "channel": "chat",
                                "body": "Thank you for waiting: I have asked the courier."})
        assert sent.status_code == 201, sent.text
        answer = frame_until(visitor, type="message", **{"from": "agent"})
        assert answer["body"] == "Thank you for waiting: I have asked the courier."


def message_is_live_on_the_other(a: str, b: str, desk: Desk, gated: GatedRelay) -> None:
    """An agent's live view on B; a new e-mail case and a reply on it through A. The
    reply also goes to the worker, which holds it at the relay for the last part."""
    with connect(ws_url(b, "/ws/agent"), additional_headers=desk.agent.auth,
                 open_timeout=WAIT) as agent:
        frame_until(agent, type="ready")
        opened = post(f"{a}{API}/cases", headers=desk.agent.auth, json={
            "nature": "the blender arrived broken", "customer_name": "Ann Lee",
            "contact": "ann@example.com", "channel": "email",
            "message": "The blender arrived with a cracked jug."})
        assert opened.status_code == 201, opened.text
        ref = opened.json()["ref"]
        frame_until(agent, type="case", case_ref=ref, action="opened")
        sent = post(f"{a}{API}/cases/{ref}/messages", headers=desk.agent.auth,
                          json={"direction": "outbound", "channel": "email", "body": REPLY})
        assert sent.status_code == 201, sent.text
        live = frame_until(agent, type="message", case_ref=ref, direction="outbound")
        assert live["body"] == REPLY


def sign_out_crosses(a: str, b: str) -> None:
    """Signed in through A, the same cookie works on B until it signs out through A."""
    with (httpx.Client(base_url=a, timeout=WAIT) as on_a,
          httpx.Client(base_url=b, timeout=WAIT) as on_b):
        signed_in = on_a.post(f"{API}/auth/login",
                              json={"email": "sam@desk.test", "password": DUTY_PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        on_b.cookies = on_a.cookies
        assert on_b.get(f"{API}/auth/me").status_code == 200
        cookie = "; ".join(f"{name}={value}" for name, value in on_a.cookies.items())
        with connect(ws_url(b, "/ws/agent"), open_timeout=WAIT,
                     additional_headers={"Cookie": cookie, "Origin": b}) as live:
            frame_until(live, type="ready")
            assert on_a.post(f"{API}/auth/logout").status_code == 204
            refused = on_b.get(f"{API}/auth/me")
            assert refused.status_code == 401
            assert "session has ended" in refused.json()["error"]["message"]
            # The live view on B closes at once (its periodic check would take a minute).
            with pytest.raises(ConnectionClosed) as closed:
                live.recv(timeout=30)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


def reply_is_sent_once_though_its_worker_was_killed(
    topology: Topology, engine: Engine, gated: GatedRelay,
    first_worker: subprocess.Popen[bytes],
) -> None:
    """The first worker was woken by a commit and is in the middle of sending (the relay
    holds the message): kill it, start another, and every message goes out once (the
    new case's acknowledgement and the agent's reply)."""
    wait_until(lambda: gated.arrived >= 1, "the worker to hand a message to the relay")
    first_worker.send_signal(signal.SIGKILL)
    first_worker.wait(timeout=30)
    gated.opened.set()
    topology.start("worker", "--workers", "1")

    def rows() -> list[dict[str, Any]]:
        with engine.connect() as connection:
            found = connection.execute(sa.select(outbound_mail)).mappings().all()
            return [dict(row) for row in found]

    wait_until(lambda: {r["kind"] for r in rows() if r["status"] == "sent"} >= {"reply"},
               "the new worker to send the reply")
    wait_until(lambda: all(r["status"] == "sent" for r in rows()), "every message sent")
    time.sleep(3)  # several safety polls of the new worker: nothing more may go out
    sent = rows()
    with engine.connect() as connection:
        newest = connection.scalar(sa.select(worker_beats.c.id)
                                   .order_by(worker_beats.c.started_at.desc()).limit(1))
    assert sorted(gated.delivered) == sorted(r["message_id"] for r in sent), "each once"
    assert [r["attempts"] for r in sent].count(2) == 1, "one was taken over"
    assert {r["claimed_by"] for r in sent} == {newest}, "all sent by the new worker"
