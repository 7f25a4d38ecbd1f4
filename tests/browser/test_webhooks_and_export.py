"""Webhooks and the customer's export in Chromium.

An admin adds a webhook to a real receiver started here (its secret shown once), the
desk opens a case, the worker's code delivers it signed; the admin reads the delivery
log and replays a delivery. A receiver that keeps failing gets its webhook disabled: the
admin pages say so until the admin enables it again. A customer downloads all their
cases from the portal as a JSON file.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import BrowserDesk, LiveServer, _page_for, screenshot
from tests.browser.test_lead_approval_flow import assert_accessible_basics
from tests.integration.test_webhooks import documented_verify
from tests.integration.webhook_receiver import Receiver, running_receiver

from frontliner.channels.webhooks import delivery
from frontliner.desk import interactions
from frontliner.desk.webhooks import WebhookSubscription
from frontliner.store.uow import uow_factory as make_uow_factory


@pytest.fixture
def admin_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    yield from _page_for(browser, live_server, live_server.desk.admin)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as started:
        yield started


def run_worker(live_server: LiveServer, at: datetime | None = None, **settings: Any) -> None:
    """What `frontliner worker` does each round: fan out new events, send what is due."""
    factory = make_uow_factory(live_server.engine)
    chosen = live_server.settings.model_copy(update=settings)
    for delivery_id in delivery.collect(factory, now=at):
        delivery.send(factory, chosen, delivery_id, now=at)


def test_admin_adds_a_webhook_reads_its_log_replays_and_is_told_when_it_is_disabled(
    admin_page: Any, browser_desk: BrowserDesk, live_server: LiveServer, receiver: Receiver,
    tmp_path: Path,
) -> None:
    page = admin_page
    try:
        _add_deliver_replay_disable(page, browser_desk, live_server, receiver, tmp_path)
    finally:  # the desk is shared by the session's tests: leave no webhook behind
        with browser_desk.uow_factory() as uow:
            for hook in uow.find(WebhookSubscription, removed_at=None):
                hook.enabled, hook.removed_at = False, datetime.now(UTC)
            uow.commit()


def _add_deliver_replay_disable(page: Any, desk: BrowserDesk, live_server: LiveServer,
                                receiver: Receiver, tmp_path: Path) -> None:
    page.goto("/admin")
    page.get_by_role("link", name="Webhooks").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Webhooks"
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("What it is for (optional)").fill(f"chat room {secrets.token_hex(2)}")
    for kind in ("case.confirmed", "csat.received"):
        page.get_by_label(kind).uncheck()
    page.get_by_role("button", name="Add webhook").click()
    secret = page.get_by_label("Signing secret").input_value()
    assert secret.startswith("whsec_")
    assert_accessible_basics(page)
    trail = page.get_by_role("table", name="Changes to webhooks, newest first")
    assert "webhook added" in trail.inner_text().lower()
    screenshot(page, live_server, "admin-webhooks", tmp_path)
    page.get_by_role("link", name="Open the webhook").click()
    assert secret not in page.content()  # shown once, never again

    case = desk.open_case(nature="Kettle stopped heating")
    run_worker(live_server)
    [got] = [r for r in receiver.received if json.loads(r.body)["type"] == "case.opened"]
    assert json.loads(got.body)["data"]["case"]["ref"] == case.ref
    assert documented_verify()(secret, got.headers["Frontliner-Signature"], got.body)

    page.reload()
    log = page.locator("#delivery-log")
    assert "delivered" in log.inner_text() and "HTTP 200" in log.inner_text()
    first_row = log.locator("tbody tr").last
    first_row.get_by_role("button", name="Replay").click()
    assert "will be sent again" in page.get_by_role("status").inner_text()
    before = len(receiver.received)
    run_worker(live_server)
    assert len(receiver.received) == before + 1
    assert receiver.received[-1].body == first_row_body(receiver, before)

    # The receiver breaks for good: after the retry window the webhook is disabled.
    receiver.otherwise = 500
    desk.run(interactions.record_outbound, desk.agent, case.id, "Thank you, Ann: on its way.")
    t0 = datetime.now(UTC) + timedelta(seconds=1)
    for offset in (0, 10, 30):
        run_worker(live_server, t0 + timedelta(seconds=offset), webhook_retry_delay=10.0,
                   webhook_retry_window=60.0)
    page.goto("/admin/users")
    notice = page.locator("#webhook-notices")
    assert "Webhook disabled" in notice.inner_text() and "HTTP 500" in notice.inner_text()
    notice.get_by_role("link", name=receiver.url).click()
    assert "disabled for failing" in page.locator("#webhook-state").inner_text()
    page.get_by_role("button", name="Enable").click()
    assert page.locator("#webhook-state").inner_text() == "sending"
    assert page.locator("#webhook-notices").count() == 0


def first_row_body(receiver: Receiver, count: int) -> bytes:
    """The body of the delivery the replay repeated: the first case.opened received."""
    return next(r.body for r in receiver.received[:count]
                if json.loads(r.body)["type"] == "case.opened")


def test_customer_downloads_all_their_cases_from_the_portal(
    customer_page: Any, browser_desk: BrowserDesk,
) -> None:
    case = browser_desk.open_case(nature="Lamp flickers",
                                  message="The new lamp flickers every evening.")
    browser_desk.run(interactions.add_note, browser_desk.agent, case.id,
                     "Batch 7 lamps are faulty.")
    page = customer_page
    page.goto("/portal")
    with page.expect_download() as started:
        page.get_by_role("link", name="Download all my cases").click()
    exported = json.loads(Path(started.value.path()).read_text(encoding="utf-8"))
    assert exported["view"] == "customer"
    [mine] = [c for c in exported["cases"] if c["ref"] == case.ref]
    assert [m["body"] for m in mine["messages"]] == ["The new lamp flickers every evening."]
    assert "Batch 7" not in json.dumps(exported)
