"""The chat: a visitor's widget and an agent's screen, live, end to end over WebSockets.

Every test goes through the public doors (POST /chat/start, /ws/chat/{token}, /ws/agent,
the REST API) and checks what the visitor or the agent would see and what the desk kept.
"""

from __future__ import annotations

import asyncio
import logging
import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from sqlalchemy.engine import Engine
from tests.channels.public_support import (
    API,
    GUARD_SECONDS,
    SHOP,
    Desk,
    frame_until,
    next_frame,
    public_app,
    seed_desk,
)
from tests.conftest import DUTY_PASSWORD

from frontliner.channels.chat import AGENTS_TOPIC, LocalBroker
from frontliner.channels.chat.conversation import start_chat as start_conversation
from frontliner.channels.chat.live import announcing
from frontliner.desk.model import Case, Channel, Direction, Interaction
from frontliner.store.uow import SqlUnitOfWork

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient
    from starlette.websockets import WebSocketDisconnect

Factory = Callable[[], SqlUnitOfWork]
REDIS_URL = os.environ.get("FRONTLINER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
VISITOR = {"name": "Vic Visitor", "email": "vic@example.org",
           "message": "My parcel says delivered but it is not here"}


@pytest.fixture
def desk(uow_factory: Factory) -> Desk:
    return seed_desk(uow_factory)


@pytest.fixture
def client(database_url: str, uow_factory: Factory, engine: Engine,
           desk: Desk) -> Iterator[TestClient]:
    with TestClient(public_app(database_url, uow_factory, engine)) as test_client:
        yield test_client


def start_chat(client: TestClient, **fields: str) -> dict[str, Any]:
    response = client.post("/chat/start", data={**VISITOR, **fields},
                           headers={"Origin": SHOP})
    assert response.status_code == 201, response.text
    assert response.headers["access-control-allow-origin"] == SHOP
    started: dict[str, Any] = response.json()
    return started


def reply(client: TestClient, desk: Desk, ref: str, body: str) -> None:
    sent = client.post(f"{API}/cases/{ref}/messages", headers=desk.agent.auth,
                       json={"direction": "outbound", "channel": "chat", "body": body})
    assert sent.status_code == 201, sent.text


def test_visitor_and_agent_talk_live_and_every_message_is_kept_on_the_case(
    client: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    with client.websocket_connect("/ws/agent", headers=desk.agent.auth) as agent:
        assert next_frame(agent)["type"] == "ready"
        chat = start_chat(client)
        opened = frame_until(agent, "message", case_ref=chat["ref"])
        assert opened["body"] == VISITOR["message"] and opened["direction"] == "inbound"

        with client.websocket_connect(chat["socket"], headers={"Origin": SHOP}) as visitor:
            history = next_frame(visitor)
            assert history["type"] == "history" and history["ref"] == chat["ref"]
            assert [m["body"] for m in history["messages"]] == [VISITOR["message"]]

            visitor.send_json({"type": "message", "body": "This is useless, where is it?"})
            sent = frame_until(visitor, "sent")
            seen = frame_until(agent, "message", id=sent["id"])
            assert seen["case_ref"] == chat["ref"] and seen["channel"] == "chat"
            assert seen["analysis"]["frustration"] > 0  # the coach read it

            reply(client, desk, chat["ref"], "I am sorry. I have asked the courier <now>.")
            answer = frame_until(visitor, "message", **{"from": "agent"})
            assert answer["body"] == "I am sorry. I have asked the courier <now>."
            assert "analysis" not in answer and "author_id" not in answer
            assert frame_until(agent, "message", direction="outbound")["html"] == (
                "I am sorry. I have asked the courier &lt;now&gt;.")

    with uow_factory() as uow:
        [case] = uow.find(Case, limit=5)
        kept = uow.find(Interaction, limit=10, case_id=case.id)
    assert case.channel == Channel.CHAT and case.contact_value == "vic@example.org"
    assert [(m.direction, m.channel) for m in kept] == [
        (Direction.INBOUND, Channel.CHAT), (Direction.INBOUND, Channel.CHAT),
        (Direction.OUTBOUND, Channel.CHAT)]


def test_a_chat_token_opens_only_its_own_chat(client: TestClient) -> None:
    mine, theirs = start_chat(client), start_chat(client, email="other@example.org")
    forged = mine["token"][:-4] + ("AAAA" if not mine["token"].endswith("AAAA") else "BBBB")
    for bad in (forged, "not-a-token", theirs["token"] + "x"):
        with pytest.raises(WebSocketDisconnect) as refused, \
                client.websocket_connect(f"/ws/chat/{bad}", headers={"Origin": SHOP}):
            pass
        assert refused.value.code == 1008
    with client.websocket_connect(mine["socket"], headers={"Origin": SHOP}) as visitor:
        history = next_frame(visitor)
    assert history["ref"] == mine["ref"] != theirs["ref"]
    assert [m["body"] for m in history["messages"]] == [VISITOR["message"]]


def test_sockets_refuse_other_sites_and_non_staff(client: TestClient, desk: Desk) -> None:
    chat = start_chat(client)
    refusals = [
        (chat["socket"], {"Origin": "https://evil.example"}),
        ("/ws/agent", {}),  # no login at all
        ("/ws/agent", desk.ann.auth),  # a customer is not staff
        ("/ws/agent", {**desk.agent.auth, "Origin": "https://evil.example"}),
    ]
    for path, headers in refusals:
        with pytest.raises(WebSocketDisconnect) as refused, \
                client.websocket_connect(path, headers=headers):
            pass
        assert refused.value.code == 1008, path
    blocked = client.post("/chat/start", data=VISITOR, headers={"Origin": "https://evil.example"})
    assert blocked.status_code == 403


def test_oversize_messages_are_refused_and_nothing_is_stored(
    client: TestClient, uow_factory: Factory
) -> None:
    chat = start_chat(client)
    with client.websocket_connect(chat["socket"], headers={"Origin": SHOP}) as visitor:
        next_frame(visitor)
        visitor.send_json({"type": "message", "body": "x" * 4001})
        refused = frame_until(visitor, "error")
        assert refused["code"] == "too_large" and "4000" in refused["message"]
        visitor.send_text('{"type": "message", "body": "' + "y" * 20_000 + '"}')
        closed = visitor.receive()
        assert closed["type"] == "websocket.close" and closed["code"] == 1009
    with uow_factory() as uow:
        assert len(uow.find(Interaction, limit=10)) == 1  # only the first message


def test_missing_start_fields_are_named(client: TestClient, uow_factory: Factory) -> None:
    response = client.post("/chat/start", data={"name": " ", "email": "", "message": ""},
                           headers={"Origin": SHOP})
    assert response.status_code == 422
    assert set(response.json()["error"]["details"]["fields"]) == {"name", "email", "message"}
    with uow_factory() as uow:
        assert uow.find(Case, limit=5) == []


def test_the_widget_script_is_served_as_plain_javascript(client: TestClient) -> None:
    script = client.get("/static/chat.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith(("text/javascript",
                                                      "application/javascript"))
    assert script.headers["x-content-type-options"] == "nosniff"
    assert "data-frontliner-url" in script.text and "innerHTML" not in script.text


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at {REDIS_URL} is not reachable ({type(error).__name__})")
    return REDIS_URL


def test_with_redis_a_reply_posted_on_one_app_reaches_a_visitor_on_another(
    database_url: str, uow_factory: Factory, engine: Engine, desk: Desk, redis_url: str
) -> None:
    # Two apps = two processes' worth of state (own brokers, own event loops), one Redis.
    first = public_app(database_url, uow_factory, engine, redis_url=redis_url)
    second = public_app(database_url, uow_factory, engine, redis_url=redis_url)
    with TestClient(first) as visitor_side, TestClient(second) as agent_side:
        chat = start_chat(visitor_side)
        with agent_side.websocket_connect("/ws/agent", headers=desk.agent.auth) as agent, \
                visitor_side.websocket_connect(chat["socket"],
                                               headers={"Origin": SHOP}) as visitor:
            next_frame(agent), next_frame(visitor)
            visitor.send_json({"type": "message", "body": "Still nothing, any news?"})
            assert frame_until(agent, "message", case_ref=chat["ref"],
                               body="Still nothing, any news?")
            reply(agent_side, desk, chat["ref"], "Thank you for waiting: it is out today.")
            answer = frame_until(visitor, "message", **{"from": "agent"})
            assert answer["body"] == "Thank you for waiting: it is out today."


def test_with_redis_signing_out_on_one_app_closes_the_live_view_on_another_at_once(
    database_url: str, uow_factory: Factory, engine: Engine, desk: Desk, redis_url: str
) -> None:
    first = public_app(database_url, uow_factory, engine, redis_url=redis_url)
    second = public_app(database_url, uow_factory, engine, redis_url=redis_url)
    with TestClient(first) as here, TestClient(second) as there:
        signed_in = here.post(f"{API}/auth/login",
                              json={"email": "sam@desk.test", "password": DUTY_PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        there.cookies = here.cookies
        with there.websocket_connect("/ws/agent",
                                     headers={"Origin": "http://testserver"}) as live:
            assert next_frame(live)["type"] == "ready"
            assert here.post(f"{API}/auth/logout").status_code == 204
            # The periodic check would take a minute; the sign-out is announced.
            with pytest.raises(AssertionError, match="socket closed: 1008"):
                next_frame(live)


def test_only_committed_chat_messages_are_announced(
    uow_factory: Factory, desk: Desk
) -> None:
    broker = LocalBroker()
    factory = announcing(uow_factory, broker)

    def write(body: str, keep: bool) -> None:
        with factory() as uow:
            chat = start_conversation(uow, name="Vic", email="vic@example.org", message=body)
            if keep:
                uow.commit()
            assert chat.case.id is not None

    async def scenario() -> list[str]:
        async with broker.subscribe(AGENTS_TOPIC) as feed:
            await asyncio.to_thread(write, "rolled back, never seen", False)
            await asyncio.to_thread(write, "committed, seen", True)
            first = await asyncio.wait_for(feed.get(), GUARD_SECONDS)
            return [first["body"], *[(await feed.get())["body"] for _ in range(feed.queue.qsize())]]

    assert asyncio.run(scenario()) == ["committed, seen"]


def test_an_agent_socket_ends_when_its_token_is_revoked(client: TestClient, desk: Desk) -> None:
    client.app.state.agent_recheck_seconds = 0  # type: ignore[attr-defined]  # every event
    with client.websocket_connect("/ws/agent", headers=desk.agent.auth) as agent:
        next_frame(agent)
        start_chat(client)
        assert frame_until(agent, "message")["body"] == VISITOR["message"]
        [token] = client.get(f"{API}/auth/tokens", headers=desk.agent.auth).json()
        assert client.delete(f"{API}/auth/tokens/{token['id']}",
                             headers=desk.agent.auth).status_code == 200
        start_chat(client, email="second@example.org")
        with pytest.raises(AssertionError, match="socket closed: 1008"):
            frame_until(agent, "message")


def test_server_logs_never_show_a_chat_token(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    token = start_chat(client)["token"]
    # What uvicorn logs when a socket opens and in its access log, through its loggers.
    with caplog.at_level(logging.INFO):
        logging.getLogger("uvicorn.error").info(
            '%s - "WebSocket %s" [accepted]', "203.0.113.9:50000", f"/ws/chat/{token}")
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "203.0.113.9:50000", "GET", f"/ws/chat/{token}", "1.1",
            403)
    assert len(caplog.records) == 2
    assert token not in caplog.text and caplog.text.count("/ws/chat/<token>") == 2


def test_one_address_may_hold_only_so_many_chat_sockets(
    database_url: str, uow_factory: Factory, engine: Engine, desk: Desk
) -> None:
    app = public_app(database_url, uow_factory, engine, chat_sockets_per_client=2)
    with TestClient(app) as client:
        chat = start_chat(client)
        with client.websocket_connect(chat["socket"], headers={"Origin": SHOP}) as first, \
                client.websocket_connect(chat["socket"], headers={"Origin": SHOP}) as second:
            assert next_frame(first)["type"] == next_frame(second)["type"] == "history"
            with client.websocket_connect(chat["socket"], headers={"Origin": SHOP}) as third:
                refused = next_frame(third)
                assert refused["type"] == "error"
                assert refused["code"] == "too_many_connections"
                assert "Too many chats are open from your address" in refused["message"]
                with pytest.raises(WebSocketDisconnect) as closed:
                    third.receive_json()
                assert closed.value.code == 1013
        # Once those two are closed, the same address may open a chat socket again.
        with client.websocket_connect(chat["socket"], headers={"Origin": SHOP}) as again:
            assert next_frame(again)["type"] == "history"
