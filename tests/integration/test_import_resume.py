"""An import killed with kill -9 half-way continues where it stopped when run again, and
nothing is imported twice: the real command in a subprocess, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from tests.conftest import Seeded

from frontliner.store.import_tables import import_keys
from frontliner.store.tables import cases, interactions

ROOT = Path(__file__).parent.parent.parent
FRONTLINER = Path(sys.executable).with_name("frontliner")
TICKETS = 1500


def _count(engine: Engine, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(sa.select(sa.func.count()).select_from(table).where(*where))
                   or 0)


def _start(database_url: str, export: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(FRONTLINER), "import", "zendesk", str(export), "--batch-size", "50",
         "--url", database_url],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        start_new_session=True)  # its analyser process is killed with it


@pytest.mark.slow
def test_import_killed_mid_run_continues_and_imports_nothing_twice(
    database_url: str, engine: Engine, seeded: Seeded, tmp_path: Path
) -> None:
    export = tmp_path / "zendesk"
    subprocess.run([sys.executable, str(ROOT / "bench" / "import_export_gen.py"), "zendesk",
                    str(export), "--tickets", str(TICKETS)], check=True, capture_output=True)
    messages = sum(len(json.loads(line)["comments"])
                   for line in (export / "tickets.json").read_text().splitlines())
    running = _start(database_url, export)
    deadline = time.monotonic() + 240
    while _count(engine, import_keys, import_keys.c.kind == "case") < 200:
        assert running.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline, "the import made no progress"
        time.sleep(0.05)
    os.killpg(running.pid, signal.SIGKILL)
    running.wait()
    stopped_at = _count(engine, import_keys, import_keys.c.kind == "case")
    assert 200 <= stopped_at < TICKETS  # it really stopped half-way

    subprocess.run([str(FRONTLINER), "import", "zendesk", str(export), "--url", database_url],
                   check=True, capture_output=True, timeout=600)

    assert _count(engine, cases) == TICKETS + 1  # and the seeded case
    assert _count(engine, interactions) == messages
    with engine.connect() as conn:
        twice = conn.execute(
            sa.select(import_keys.c.kind, import_keys.c.target_id)
            .group_by(import_keys.c.kind, import_keys.c.target_id)
            .having(sa.func.count() > 1)).all()
        without_key = conn.scalar(
            sa.select(sa.func.count()).select_from(interactions).where(
                interactions.c.id.not_in(sa.select(import_keys.c.target_id).where(
                    import_keys.c.kind == "message"))))
    assert twice == []
    assert without_key == 0  # every message was imported once, under its key
