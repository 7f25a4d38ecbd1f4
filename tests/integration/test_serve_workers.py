"""`frontliner serve --workers 2`: both app workers start, stay up and answer."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from api_support import api_fixture  # noqa: F401 - fixture, used by name
from fastapi.testclient import TestClient

FRONTLINER = Path(sys.executable).with_name("frontliner")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_two_workers_start_and_answer_without_dying(api: TestClient, database_url: str) -> None:
    port = _free_port()
    env = {**os.environ, "FRONTLINER_DATABASE_URL": database_url,
           "FRONTLINER_ENVIRONMENT": "production",
           "FRONTLINER_SECRET_KEY": secrets.token_urlsafe(32),
           "FRONTLINER_UPGRADE_ON_START": "false"}
    server = subprocess.Popen(
        [str(FRONTLINER), "serve", "--port", str(port), "--workers", "2", "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        answered = 0
        deadline = time.monotonic() + 120
        while answered < 20 and time.monotonic() < deadline:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                answered += answer.status_code == 200
            except httpx.HTTPError:
                time.sleep(0.2)
        workers = [pid for pid in _children(server.pid) if "spawn_main" in _command(pid)]
    finally:
        server.send_signal(signal.SIGINT)
        _, errors = server.communicate(timeout=60)
    assert answered == 20
    assert len(workers) == 2
    assert "died" not in errors, errors


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                found.append(int(entry.name))
    return found


def _command(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""
