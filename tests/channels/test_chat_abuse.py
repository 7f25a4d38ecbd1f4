"""A chat that staff end over abuse: the visitor's widget is told at once, later
messages are refused politely and not stored, a reconnect says it has ended, and the
case stays open with its owner, answered by e-mail."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from tests.channels.public_support import (
    API,
    SHOP,
    Desk,
    frame_until,
    next_frame,
    public_app,
    seed_desk,
)

from frontliner.desk import abuse
from frontliner.desk.model import Case, CaseStatus, Direction, Interaction
from frontliner.store.uow import SqlUnitOfWork

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

Factory = Callable[[], SqlUnitOfWork]
THREAT = "I know where you live and I will hurt you if my parcel does not come."


@pytest.fixture
def desk(uow_factory: Factory) -> Desk:
    return seed_desk(uow_factory)


@pytest.fixture
def client(database_url: str, uow_factory: Factory, engine: Engine,
           desk: Desk) -> Iterator[TestClient]:
    with TestClient(public_app(database_url, uow_factory, engine)) as test_client:
        yield test_client


def _start(client: TestClient) -> dict[str, Any]:
    started = client.post("/chat/start", headers={"Origin": SHOP}, data={
        "name": "Vic Visitor", "email": "vic@example.org", "message": "Where is my parcel?"})
    assert started.status_code == 201, started.text
    chat: dict[str, Any] = started.json()
    return chat


def test_ended_chat_tells_the_visitor_and_refuses_more_messages(
    client: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    chat = _start(client)
    with client.websocket_connect(chat["socket"], headers={"Origin": SHOP}) as visitor:
        assert next_frame(visitor)["type"] == "history"
        visitor.send_json({"type": "message", "body": THREAT})
        threat = frame_until(visitor, "sent")
        ended = client.post(f"{API}/cases/{chat['ref']}/end-conversation",
                            headers=desk.agent.auth,
                            json={"interaction_id": threat["id"], "reason": "Threat of harm."})
        assert ended.status_code == 201, ended.text
        notice = frame_until(visitor, "message", **{"from": "agent"})
        assert notice["body"].startswith("We have ended this chat because of the threats")
        told = frame_until(visitor, "ended")
        assert chat["ref"] in told["message"] and "still open" in told["message"]

        visitor.send_json({"type": "message", "body": "hello?"})
        refused = frame_until(visitor, "ended")
        assert refused["message"].startswith("Your message was not sent.")
        assert "support@" in refused["message"]

    with client.websocket_connect(chat["socket"], headers={"Origin": SHOP}) as again:
        assert next_frame(again)["type"] == "history"
        assert next_frame(again)["type"] == "ended"

    with uow_factory() as uow:
        case = uow.case_by_ref(chat["ref"])
        assert case is not None
        kept = uow.find(Interaction, case_id=case.id, limit=20)
    assert "hello?" not in [m.body for m in kept]
    assert case.owner_id == desk.agent.id and case.status != CaseStatus.RESOLVED
    assert [m.direction for m in kept] == [Direction.INBOUND, Direction.INBOUND,
                                           Direction.OUTBOUND]

    # The complaint is still owned: the owner's next reply goes by e-mail, not the chat.
    with uow_factory() as uow:
        found = uow.get(Case, case.id or 0)
        assert found is not None and abuse.reply_channel(uow, found).value == "email"
