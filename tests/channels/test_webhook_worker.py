"""`frontliner worker` as a real process delivers webhooks: a case opened and a reply
committed by the desk reach a receiver started here, signed, through huey's consumer on
a SQLite queue file; the app never sent anything itself."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.channels.test_worker import wait_until
from tests.conftest import Seeded
from tests.integration.test_webhooks import documented_verify
from tests.integration.webhook_receiver import running_receiver

from frontliner.channels.webhooks.signing import secret_for
from frontliner.config import Settings
from frontliner.desk import interactions, webhooks
from frontliner.desk.model import Role, User
from frontliner.store.uow import SqlUnitOfWork

SECRET_KEY = "webhook-worker-test-secret"


@pytest.mark.slow
def test_worker_process_delivers_committed_events_signed_to_a_receiver(
    database_url: str, uow_factory: Callable[[], SqlUnitOfWork], seeded: Seeded, tmp_path: Path,
) -> None:
    with running_receiver() as receiver:
        with uow_factory() as uow:
            admin = User(name="Ada Admin", email="ada@desk.test", role=Role.ADMIN)
            uow.add(admin)
            hook = webhooks.add_subscription(uow, admin, receiver.url, ["message.sent"])
            uow.commit()
            secret = secret_for(Settings(secret_key=SECRET_KEY), hook.secret_salt)
        env = {**os.environ, "FRONTLINER_DATABASE_URL": database_url,
               "FRONTLINER_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}",
               "FRONTLINER_OUTBOX_POLL_SECONDS": "0.2", "FRONTLINER_UPGRADE_ON_START": "false",
               "FRONTLINER_SMTP_PORT": "1", "FRONTLINER_SECRET_KEY": SECRET_KEY,
               "FRONTLINER_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true"}
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "frontliner"), "worker", "--workers", "1"],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            with uow_factory() as uow:
                agent = uow.get(User, seeded.agent_id)
                interactions.record_outbound(uow, agent, seeded.case_id,
                                             "Thank you, Ann: the refund is on its way.")
                uow.commit()
            delivered = wait_until(lambda: len(receiver.received) >= 1, limit=180.0)
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                output = worker.communicate(timeout=30)[0].decode(errors="replace")
            except subprocess.TimeoutExpired:
                worker.kill()
                output = worker.communicate()[0].decode(errors="replace")

    assert delivered, f"the worker sent nothing; its output:\n{output}"
    [got] = receiver.received
    body = json.loads(got.body)
    assert body["type"] == "message.sent"
    assert body["data"]["message"]["body"] == "Thank you, Ann: the refund is on its way."
    assert documented_verify()(secret, got.headers["Frontliner-Signature"], got.body)
    assert secret not in output
