"""Every channel's path writes the webhooks' events with its change, on SQLite and
PostgreSQL: an e-mail, the web form, a chat (start and a message over its socket), the
portal's customer writing through the API, and an agent's reply through the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from tests.channels.inbound_support import deliver, eml
from tests.channels.public_support import (
    API,
    SHOP,
    Desk,
    TestClient,
    form_token,
    frame_until,
    public_app,
    seed_desk,
)

from frontliner.store.uow import SqlUnitOfWork
from frontliner.store.webhook_tables import desk_events

Factory = Callable[[], SqlUnitOfWork]


@pytest.fixture
def desk(uow_factory: Factory) -> Desk:
    return seed_desk(uow_factory)


@pytest.fixture
def client(database_url: str, uow_factory: Factory, engine: Engine,
           desk: Desk) -> Iterator[TestClient]:
    with TestClient(public_app(database_url, uow_factory, engine)) as test_client:
        yield test_client


def events(uow_factory: Factory) -> list[tuple[str, str | None]]:
    """(type, the message's channel or the case's) of every event, oldest first."""
    with uow_factory() as uow:
        rows = uow.session.execute(sa.select(desk_events.c.type, desk_events.c.data)
                                   .order_by(desk_events.c.id)).all()
    return [(row.type, (row.data.get("message") or row.data["case"])["channel"])
            for row in rows]


def test_email_web_form_chat_portal_and_api_each_write_their_events(
    client: TestClient, desk: Desk, uow_factory: Factory, engine: Engine,
) -> None:
    deliver(engine, uow_factory, eml("complaint.eml"))
    assert events(uow_factory) == [("case.opened", "email"), ("message.received", "email")]

    sent = client.post("/contact", follow_redirects=False, data={
        "name": "Rita Moreno", "email": "rita@example.org", "phone": "",
        "problem": "My blender arrived broken", "details": "The jar is cracked.",
        "csrf_token": form_token(client)})
    assert sent.status_code == 303
    assert events(uow_factory)[2:] == [("case.opened", "web"), ("message.received", "web")]

    chat = client.post("/chat/start", headers={"Origin": SHOP}, data={
        "name": "Vic Visitor", "email": "vic@example.org",
        "message": "My parcel says delivered but it is not here"}).json()
    with client.websocket_connect(chat["socket"], headers={"Origin": SHOP}) as visitor:
        visitor.send_json({"type": "message", "body": "Still nothing today."})
        frame_until(visitor, "sent")  # the visitor's message is stored
    assert events(uow_factory)[4:] == [("case.opened", "chat"), ("message.received", "chat"),
                                       ("message.received", "chat")]

    wrote = client.post(f"{API}/cases/{chat['ref']}/messages", headers=desk.agent.auth,
                        json={"direction": "outbound", "channel": "chat", "body": "On it."})
    assert wrote.status_code == 201, wrote.text
    mine = client.post(f"{API}/cases", headers=desk.ann.auth,
                       json={"nature": "Lamp flickers", "message": "Every evening."})
    assert mine.status_code == 201, mine.text
    assert events(uow_factory)[7:] == [("message.sent", "chat"), ("case.opened", "web"),
                                       ("message.received", "web")]
