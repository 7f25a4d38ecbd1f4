"""`frontliner user add` and `frontliner token create` set up API access from the shell."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from api_support import (
    API,
    api_fixture,  # noqa: F401 - fixture, used by name
)
from fastapi.testclient import TestClient

FRONTLINER = Path(sys.executable).with_name("frontliner")


def _run(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTLINER_DATABASE_URL": database_url, "COLUMNS": "200"}
    return subprocess.run(
        [str(FRONTLINER), *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_user_add_then_token_create_gives_a_working_token(
    api: TestClient, database_url: str
) -> None:
    added = _run(
        database_url,
        "user",
        "add",
        "--email",
        "Root@Desk.test",
        "--name",
        "Ro Ot",
        "--role",
        "admin",
        "--password",
        "a long enough password",
    )
    assert added.returncode == 0, added.stderr
    assert "root@desk.test" in added.stdout and "a long enough password" not in added.stdout
    created = _run(database_url, "token", "create", "--email", "root@desk.test")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip()
    assert secret.startswith("fl_") and "not shown again" in created.stderr
    me = api.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["role"] == "admin"


def test_cli_errors_are_clear_and_exit_non_zero(api: TestClient, database_url: str) -> None:
    weak = _run(
        database_url,
        "user",
        "add",
        "--email",
        "a@desk.test",
        "--name",
        "A",
        "--role",
        "agent",
        "--password",
        "short",
    )
    assert weak.returncode == 1 and "at least 10 characters" in weak.stderr
    nobody = _run(database_url, "token", "create", "--email", "ghost@desk.test")
    assert nobody.returncode == 1 and "No user with e-mail ghost@desk.test" in nobody.stderr
    assert nobody.stdout == ""


def test_every_command_has_help() -> None:
    for command in (["serve"], ["user", "add"], ["token", "create"]):
        shown = subprocess.run(
            [str(FRONTLINER), *command, "--help"], capture_output=True, text=True, timeout=60
        )
        assert shown.returncode == 0 and "Usage" in shown.stdout, command
