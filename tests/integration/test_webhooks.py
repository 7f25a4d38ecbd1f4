"""Webhooks end to end on SQLite and PostgreSQL: an admin subscribes a real HTTP receiver
(started here, on 127.0.0.1, which the settings allow), the desk changes something, the
job queue delivers it signed; failures are retried with doubling delays, a receiver that
keeps failing gets its webhook disabled and the admins an e-mail, replay sends again.

Time is passed in (`now=`) where retries are concerned, so nothing sleeps or races.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from huey import MemoryHuey
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from tests.integration.api_support import API, Desk, desk_fixture, error, open_case  # noqa: F401
from tests.integration.webhook_receiver import Receiver, running_receiver

from frontliner.channels.email.outbox import collect as collect_mail
from frontliner.channels.webhooks import delivery
from frontliner.channels.webhooks.delivery import SqlWebhooks
from frontliner.config import Settings
from frontliner.desk.webhooks import DeliveryStatus
from frontliner.jobs.webhooks import WebhookJobs, install
from frontliner.store import worker_tables
from frontliner.store.outbound_tables import outbound_mail
from frontliner.store.uow import SqlUnitOfWork
from frontliner.store.webhook_queries import webhook_trail
from frontliner.store.webhook_tables import webhook_deliveries
from frontliner.web.app import create_app
from frontliner.web.storage import ping_engine

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
Factory = Callable[[], SqlUnitOfWork]


def settings_for(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test", "database_url": database_url, "upgrade_on_start": False,
        "secret_key": SecretStr("webhook-test-secret-key"),
        "webhook_allow_private_targets": True, "webhook_timeout": 5.0,
        "webhook_retry_delay": 60.0, "webhook_retry_window": 86400.0,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url)


@pytest.fixture
def api(settings: Settings, uow_factory: Factory, engine: Engine) -> Iterator[TestClient]:
    app = create_app(settings, uow_factory=uow_factory, health_check=lambda: ping_engine(engine))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as started:
        yield started


def documented_verify() -> Callable[..., bool]:
    """The `verify` function exactly as docs/webhooks.md prints it."""
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    [snippet] = [block for block in blocks if "def verify(" in block]
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)  # our own documentation, run as a receiver would run it
    verify: Callable[..., bool] = namespace["verify"]
    return verify


def subscribe(api: TestClient, desk: Desk, url: str, events: list[str]) -> dict[str, Any]:
    response = api.post(f"{API}/webhooks", json={"url": url, "events": events,
                                                 "description": "test receiver"},
                        headers=desk.admin.auth)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def log_of(api: TestClient, desk: Desk, webhook_id: int) -> list[dict[str, Any]]:
    response = api.get(f"{API}/webhooks/{webhook_id}/deliveries", headers=desk.admin.auth)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def queue(uow_factory: Factory, settings: Settings) -> WebhookJobs:
    """The real job queue (huey), running each job as soon as it is queued."""
    return install(MemoryHuey("webhook-tests", immediate=True), SqlWebhooks(uow_factory, settings))


def test_a_delivery_reaches_the_receiver_signed_and_the_documented_snippet_verifies_it(
    api: TestClient, desk: Desk, receiver: Receiver, uow_factory: Factory, settings: Settings,
) -> None:
    created = subscribe(api, desk, receiver.url, ["case.opened"])
    assert created["secret"].startswith("whsec_")
    assert "secret" not in api.get(f"{API}/webhooks/{created['id']}",
                                   headers=desk.admin.auth).json()
    case = open_case(api, desk.agent)
    assert receiver.received == []  # nothing is sent inside the request

    assert queue(uow_factory, settings).dispatch() == 1

    [got] = receiver.received
    body = json.loads(got.body)
    assert body["type"] == "case.opened" and body["id"].startswith("evt_")
    assert body["data"]["case"]["ref"] == case["ref"]
    assert got.headers["Frontliner-Event"] == "case.opened"
    assert got.headers["Frontliner-Event-Id"] == body["id"]
    verify = documented_verify()
    signature = got.headers["Frontliner-Signature"]
    assert verify(created["secret"], signature, got.body)
    assert not verify(created["secret"], signature, got.body.replace(b"case", b"cake"))
    assert not verify("whsec_someone-else", signature, got.body)
    [logged] = log_of(api, desk, created["id"])
    assert (logged["status"], logged["response_code"], logged["attempts"]) == (
        "delivered", 200, 1)
    assert logged["event_id"] == body["id"]


def test_a_delivery_whose_worker_died_mid_send_is_taken_over_once_it_stops_beating(
    api: TestClient, desk: Desk, receiver: Receiver, uow_factory: Factory, settings: Settings,
    engine: Engine,
) -> None:
    subscribe(api, desk, receiver.url, ["case.opened"])
    open_case(api, desk.agent)
    t0 = datetime.now(UTC)
    [due] = delivery.collect(uow_factory, now=t0)
    worker_tables.beat(engine, "worker-a", t0)
    with uow_factory() as uow:  # as if worker A had claimed it and was killed mid-POST
        uow.session.execute(sa.update(webhook_deliveries).values(
            status=DeliveryStatus.SENDING, attempts=1, claimed_at=t0, claimed_by="worker-a"))
        uow.commit()

    assert delivery.collect(uow_factory, now=t0) == []  # A still counts as alive
    assert delivery.send(uow_factory, settings, due, now=t0, worker_id="worker-b") == "skipped"
    later = t0 + timedelta(seconds=21)  # four beats of 5 s missed, not the 5-minute lease
    assert delivery.collect(uow_factory, now=later) == [due]
    outcomes = [delivery.send(uow_factory, settings, due, now=later, worker_id="worker-b")
                for _ in range(2)]
    assert outcomes == ["delivered", "skipped"]
    assert len(receiver.received) == 1


def test_a_failing_receiver_is_retried_with_doubling_delays_until_it_answers(
    api: TestClient, desk: Desk, receiver: Receiver, uow_factory: Factory, settings: Settings,
) -> None:
    receiver.answers = [(500, {}), (503, {})]
    created = subscribe(api, desk, receiver.url, ["case.opened"])
    open_case(api, desk.agent)
    t0 = datetime.now(UTC)
    [due] = delivery.collect(uow_factory, now=t0)
    assert delivery.send(uow_factory, settings, due, now=t0) == "retry"
    [logged] = log_of(api, desk, created["id"])
    assert (logged["status"], logged["response_code"]) == ("pending", 500)
    assert datetime.fromisoformat(logged["next_attempt_at"]) == t0 + timedelta(seconds=60)

    assert delivery.collect(uow_factory, now=t0 + timedelta(seconds=59)) == []
    t1 = t0 + timedelta(seconds=60)
    assert delivery.collect(uow_factory, now=t1) == [due]
    assert delivery.send(uow_factory, settings, due, now=t1) == "retry"
    [logged] = log_of(api, desk, created["id"])
    assert datetime.fromisoformat(logged["next_attempt_at"]) == t1 + timedelta(seconds=120)

    assert delivery.collect(uow_factory, now=t1 + timedelta(seconds=119)) == []
    t2 = t1 + timedelta(seconds=120)
    assert delivery.send(uow_factory, settings, due, now=t2) == "delivered"
    [logged] = log_of(api, desk, created["id"])
    assert (logged["status"], logged["response_code"], logged["attempts"]) == (
        "delivered", 200, 3)
    assert len(set(receiver.bodies())) == 1 and len(receiver.received) == 3  # same event


def test_a_receiver_failing_for_the_whole_window_gets_its_webhook_disabled_and_admins_told(
    api: TestClient, desk: Desk, receiver: Receiver, uow_factory: Factory, database_url: str,
) -> None:
    settings = settings_for(database_url, webhook_retry_delay=10.0, webhook_retry_window=60.0)
    receiver.otherwise = 500
    created = subscribe(api, desk, receiver.url, ["case.opened", "message.sent"])
    open_case(api, desk.agent)
    t0 = datetime.now(UTC)
    [due] = delivery.collect(uow_factory, now=t0)
    outcomes = [delivery.send(uow_factory, settings, due, now=t0 + timedelta(seconds=s))
                for s in (0, 10, 30)]  # the next would be at 70 s: past the 60 s window
    assert outcomes == ["retry", "retry", "failed"]

    shown = api.get(f"{API}/webhooks/{created['id']}", headers=desk.admin.auth).json()
    assert shown["enabled"] is False
    assert "kept failing" in shown["disabled_reason"] and "HTTP 500" in shown["disabled_reason"]
    [logged] = log_of(api, desk, created["id"])
    assert (logged["status"], logged["attempts"]) == ("failed", 3)

    collect_mail(uow_factory, settings)
    with uow_factory() as uow:
        told = uow.session.execute(sa.select(outbound_mail.c.to_address, outbound_mail.c.body)
                                   .where(outbound_mail.c.kind == "webhook_disabled")).all()
    assert [row.to_address for row in told] == [desk.admin.email]
    assert receiver.url in told[0].body and f"/admin/webhooks/{created['id']}" in told[0].body

    # Disabled: later events are not sent to it, until an admin enables it again.
    open_case(api, desk.agent, nature="second problem, the lid is cracked")
    assert delivery.collect(uow_factory, now=t0 + timedelta(seconds=100)) == []
    enabled = api.patch(f"{API}/webhooks/{created['id']}", json={"enabled": True},
                        headers=desk.admin.auth)
    assert enabled.json()["enabled"] is True and enabled.json()["disabled_reason"] is None


def test_replay_sends_the_same_event_again_as_a_new_delivery(
    api: TestClient, desk: Desk, receiver: Receiver, uow_factory: Factory, settings: Settings,
) -> None:
    created = subscribe(api, desk, receiver.url, ["case.opened"])
    open_case(api, desk.agent)
    jobs = queue(uow_factory, settings)
    jobs.dispatch()
    [first] = log_of(api, desk, created["id"])

    replayed = api.post(f"{API}/webhooks/{created['id']}/deliveries/{first['id']}/replay",
                        headers=desk.admin.auth)
    assert replayed.status_code == 202, replayed.text
    assert replayed.json()["status"] == "pending"
    assert replayed.json()["replay_of_id"] == first["id"]
    jobs.dispatch()

    assert len(receiver.received) == 2
    assert json.loads(receiver.received[1].body)["id"] == first["event_id"]
    newest, oldest = log_of(api, desk, created["id"])
    assert newest["status"] == "delivered" and oldest["id"] == first["id"]
    other = api.post(f"{API}/webhooks/{created['id']}/deliveries/999999/replay",
                     headers=desk.admin.auth)
    assert other.status_code == 404


def test_private_and_loopback_targets_are_refused_unless_the_settings_allow_them(
    desk: Desk, receiver: Receiver, uow_factory: Factory, engine: Engine, database_url: str,
) -> None:
    strict = settings_for(database_url, webhook_allow_private_targets=False)
    app = create_app(strict, uow_factory=uow_factory, health_check=lambda: ping_engine(engine))
    with TestClient(app) as api:
        for url in (receiver.url, "http://localhost/hook", "http://10.1.2.3/hook",
                    "http://169.254.169.254/latest/meta-data", "http://[::1]/hook",
                    "http://224.0.0.1/hook"):
            refused = api.post(f"{API}/webhooks", json={"url": url, "events": ["case.opened"]},
                               headers=desk.admin.auth)
            assert refused.status_code == 422, url
            assert "private, loopback, link-local or multicast" in error(refused)["message"]
        for url in ("ftp://example.com/x", "https://user:pw@example.com/x", "not a url"):
            bad = api.post(f"{API}/webhooks", json={"url": url, "events": ["case.opened"]},
                           headers=desk.admin.auth)
            assert bad.status_code == 422, url


def test_a_target_refused_at_delivery_time_is_not_contacted(
    api: TestClient, desk: Desk, receiver: Receiver, uow_factory: Factory, database_url: str,
) -> None:
    created = subscribe(api, desk, receiver.url, ["case.opened"])  # allowed when saved
    open_case(api, desk.agent)
    strict = settings_for(database_url, webhook_allow_private_targets=False)
    t0 = datetime.now(UTC)
    [due] = delivery.collect(uow_factory, now=t0)
    assert delivery.send(uow_factory, strict, due, now=t0) == "retry"
    assert receiver.received == []
    [logged] = log_of(api, desk, created["id"])
    assert logged["response_code"] is None and "loopback" in logged["last_error"]


def test_redirects_are_not_followed(
    api: TestClient, desk: Desk, receiver: Receiver, uow_factory: Factory, settings: Settings,
) -> None:
    receiver.answers = [(302, {"Location": "/somewhere-else"})]
    created = subscribe(api, desk, receiver.url, ["case.opened"])
    open_case(api, desk.agent)
    queue(uow_factory, settings).dispatch()
    assert [r.path for r in receiver.received] == ["/hooks/frontliner"]
    [logged] = log_of(api, desk, created["id"])
    assert logged["status"] == "pending" and logged["response_code"] == 302
    assert "redirects are not followed" in logged["last_error"]


def test_only_admins_manage_webhooks_and_every_change_is_audited(
    api: TestClient, desk: Desk, receiver: Receiver, uow_factory: Factory,
) -> None:
    for who in (desk.lead, desk.agent, desk.ann):
        assert api.get(f"{API}/webhooks", headers=who.auth).status_code == 403
        assert api.post(f"{API}/webhooks", json={"url": receiver.url,
                                                 "events": ["case.opened"]},
                        headers=who.auth).status_code == 403
    created = subscribe(api, desk, receiver.url, ["case.opened"])
    for who in (desk.lead, desk.agent):
        assert api.delete(f"{API}/webhooks/{created['id']}", headers=who.auth).status_code == 403
    unknown = api.post(f"{API}/webhooks", json={"url": receiver.url, "events": ["case.eaten"]},
                       headers=desk.admin.auth)
    assert unknown.status_code == 422 and "case.eaten" in error(unknown)["message"]
    api.patch(f"{API}/webhooks/{created['id']}", json={"events": ["case.closed"]},
              headers=desk.admin.auth)
    assert api.delete(f"{API}/webhooks/{created['id']}",
                      headers=desk.admin.auth).status_code == 204
    assert api.get(f"{API}/webhooks/{created['id']}", headers=desk.admin.auth).status_code == 404
    assert api.get(f"{API}/webhooks", headers=desk.admin.auth).json()["items"] == []
    with uow_factory() as uow:
        trail = webhook_trail(uow.session)
    assert [(e.action, e.actor_id, e.detail["webhook_id"]) for e in reversed(trail)] == [
        ("webhook_added", desk.admin.id, created["id"]),
        ("webhook_changed", desk.admin.id, created["id"]),
        ("webhook_removed", desk.admin.id, created["id"]),
    ]
