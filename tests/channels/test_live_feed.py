"""The agents' live view (`/ws/agent`) fed by the database, on SQLite and PostgreSQL.

Changes are written the way other processes write them: e-mail through the real intake
and processing, desk operations through a plain unit of work that announces nothing
(as `frontliner smtp` or `worker` would), so only the app's poller can bring them to the
socket. Each test then checks what the agent's screen would get.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from tests.channels.inbound_support import deliver, eml
from tests.channels.public_support import (
    API,
    GUARD_SECONDS,
    SHOP,
    Desk,
    Login,
    frame_until,
    next_frame,
    public_app,
    seed_desk,
)

from frontliner.desk import access, escalation, intake, interactions, users
from frontliner.desk.model import AuditEntry, Case, Channel, Role, User
from frontliner.store.uow import SqlUnitOfWork
from frontliner.web.live import feed as feed_module
from frontliner.web.live.feed import LiveFeed
from frontliner.web.tokens import issue_token

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

Factory = Callable[[], SqlUnitOfWork]


@pytest.fixture
def desk(uow_factory: Factory) -> Desk:
    return seed_desk(uow_factory)


@pytest.fixture
def lead(uow_factory: Factory, desk: Desk) -> Login:
    with uow_factory() as uow:
        user = users.create_user(uow, None, name="Lee Lead", email="lee@desk.test",
                                 role=Role.LEAD)
        assert user.id is not None
        login = Login(user.id, issue_token(uow, None, user.id, "tests").secret)
        uow.commit()
    return login


@pytest.fixture
def client(database_url: str, uow_factory: Factory, engine: Engine,
           desk: Desk) -> Iterator[TestClient]:
    app = public_app(database_url, uow_factory, engine)
    app.state.live_feed.poll_seconds = 0.2  # fewer idle seconds per test; not asserted
    with TestClient(app) as test_client:
        yield test_client


def as_other_process(factory: Factory, person_id: int | None,
                     operation: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    """A desk operation committed outside the app (no announcement, no broker)."""
    with factory() as uow:
        actor = None if person_id is None else uow.get(User, person_id)
        result = operation(uow, actor, *args, **kw)
        uow.commit()
        return result


def open_case(factory: Factory, desk: Desk, nature: str = "Kettle arrived broken") -> Case:
    case: Case = as_other_process(factory, desk.agent.id, intake.open_case, nature=nature,
                                  customer_name="Ann Lee", contact="ann@example.com",
                                  channel=Channel.PHONE, message="It leaks from the base.")
    return case


def note(factory: Factory, desk: Desk, case: Case, body: str) -> None:
    assert case.id is not None
    as_other_process(factory, desk.agent.id, interactions.add_note, case.id, body)


def test_an_email_processed_in_another_process_reaches_the_connected_agent(
    client: TestClient, desk: Desk, engine: Engine, uow_factory: Factory
) -> None:
    with client.websocket_connect("/ws/agent", headers=desk.agent.auth) as agent:
        assert next_frame(agent)["type"] == "ready"
        outcome = deliver(engine, uow_factory, eml("complaint.eml"))
        opened = frame_until(agent, "case", action="opened", case_id=outcome.case_id)
        assert opened["notice"]["to"] == [desk.agent.id]
        assert opened["notice"]["href"] == f"/work/cases/{opened['case_ref']}"
        message = frame_until(agent, "message", case_id=outcome.case_id)
        assert message["channel"] == "email" and message["direction"] == "inbound"
        assert "kettle arrived broken" in message["body"].lower()
        assert message["html"] and message["event_id"] > opened["event_id"]
        assert message["cursor"] <= message["event_id"]


def test_a_chat_message_reaches_the_agent_once_though_two_paths_carry_it(
    client: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    with client.websocket_connect("/ws/agent", headers=desk.agent.auth) as agent:
        next_frame(agent)
        started = client.post("/chat/start", headers={"Origin": SHOP}, data={
            "name": "Vic", "email": "vic@example.org", "message": "Where is my parcel?"})
        assert started.status_code == 201, started.text
        ref = started.json()["ref"]
        with uow_factory() as uow:
            case = uow.case_by_ref(ref)
        assert case is not None
        # The chat's instant announcement and the poller both carry the message; a note
        # written after it can only arrive after the poller has read past the message.
        note(uow_factory, desk, case, "checked the courier")
        frames = []
        while True:
            frame = next_frame(agent)
            frames.append(frame)
            if frame.get("type") == "message" and frame.get("direction") == "note":
                break
    bodies = [f["body"] for f in frames if f.get("type") == "message"]
    assert bodies == ["Where is my parcel?", "checked the courier"]
    assert [f["notice"]["text"] for f in frames
            if f.get("type") == "case" and f.get("action") == "opened"] == [
        "New chat from Vic: Where is my parcel?"]


def test_a_reconnecting_agent_gets_everything_it_missed_once_and_in_order(
    client: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    case = open_case(uow_factory, desk)
    with client.websocket_connect("/ws/agent", headers=desk.agent.auth) as agent:
        next_frame(agent)
        note(uow_factory, desk, case, "first, seen live")
        seen = frame_until(agent, "message", body="first, seen live")
    cursor = seen["cursor"]
    for body in ("second, while away", "third, while away"):
        note(uow_factory, desk, case, body)
    with client.websocket_connect(f"/ws/agent?since={cursor}",
                                  headers=desk.agent.auth) as agent:
        ready = next_frame(agent)
        assert ready == {"type": "ready", "user_id": desk.agent.id, "cursor": cursor}
        note(uow_factory, desk, case, "fourth, live again")
        frames = []
        while not frames or frames[-1].get("body") != "fourth, live again":
            frames.append(next_frame(agent))
    assert [f["body"] for f in frames] == [
        "second, while away", "third, while away", "fourth, live again"]
    ids = [f["event_id"] for f in frames]
    assert ids == sorted(set(ids))


def test_a_socket_that_missed_too_much_is_told_to_reload(
    client: TestClient, desk: Desk, uow_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed_module, "REPLAY_MAX", 2)
    case = open_case(uow_factory, desk)  # opened + its first message: already two
    note(uow_factory, desk, case, "one more")
    with client.websocket_connect("/ws/agent?since=0", headers=desk.agent.auth) as agent:
        next_frame(agent)
        replayed = [next_frame(agent), next_frame(agent)]
        assert [f["event_id"] for f in replayed] == [1, 2]  # the oldest first
        assert next_frame(agent)["type"] == "resync"


def test_a_lead_handing_back_reaches_the_owner_and_the_case_shows_no_handler(
    client: TestClient, desk: Desk, lead: Login, uow_factory: Factory
) -> None:
    case = open_case(uow_factory, desk)
    assert case.id is not None
    as_other_process(uow_factory, desk.agent.id, escalation.escalate, case.id,
                     "refund above my limit", "leaks twice", handler_id=lead.id)
    with client.websocket_connect("/ws/agent", headers=desk.agent.auth) as owner:
        next_frame(owner)
        handed = client.post(f"{API}/cases/{case.ref}/hand-back", headers=lead.auth,
                             json={"note": "Refund of 80.00 approved; tell Ann"})
        assert handed.status_code == 200, handed.text
        frame = frame_until(owner, "case", action="handed_back")
    assert frame["notice"] == {
        "text": f"Lee Lead handed case {case.ref} back: Refund of 80.00 approved; tell Ann",
        "to": [desk.agent.id], "href": f"/work/cases/{case.ref}"}
    assert frame["handler_id"] is None and frame["owner_id"] == desk.agent.id

    detail = client.get(f"{API}/cases/{case.ref}", headers=desk.agent.auth).json()
    assert detail["handler"] is None and detail["case"]["handler_id"] is None
    assert detail["owner"]["id"] == desk.agent.id
    assert detail["escalations"][0]["handler_id"] == lead.id  # who handled it stays
    back = detail["last_hand_back"]
    assert back["note"] == "Refund of 80.00 approved; tell Ann"
    assert back["by_name"] == "Lee Lead" and back["pending"] is True
    assert detail["open_follow_ups"], "the owner still follows up"

    client.post(f"{API}/cases/{case.ref}/notes", headers=desk.agent.auth,
                json={"body": "called Ann about the refund"})
    again = client.get(f"{API}/cases/{case.ref}", headers=desk.agent.auth).json()
    assert again["last_hand_back"]["pending"] is False
    mine = client.get(f"{API}/cases/{case.ref}", headers=desk.ann.auth)
    assert mine.status_code == 200 and mine.json()["last_hand_back"] is None


def test_an_agent_gets_nothing_about_a_case_the_desk_hides_from_them(
    client: TestClient, desk: Desk, uow_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    hidden = open_case(uow_factory, desk, "Hidden case")
    shown = open_case(uow_factory, desk, "Shown case")
    real = access.can_see_case
    # A narrower rule than today's (every agent sees every case): this agent may not see
    # `hidden`. The notes are written by the system, which sees everything.
    monkeypatch.setattr(access, "can_see_case", lambda user, case: user is None or (
        case.id != hidden.id and real(user, case)))
    with client.websocket_connect("/ws/agent", headers=desk.agent.auth) as agent:
        next_frame(agent)
        for case, body in ((hidden, "about the hidden case"), (shown, "about the shown case")):
            as_other_process(uow_factory, None, interactions.add_note, case.id, body)
        frames = []
        while not frames or frames[-1].get("body") != "about the shown case":
            frames.append(next_frame(agent))
    assert {f["case_id"] for f in frames} == {shown.id}


def test_a_visitor_socket_carries_no_staff_changes(
    client: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    started = client.post("/chat/start", headers={"Origin": SHOP}, data={
        "name": "Vic", "email": "vic@example.org", "message": "Where is my parcel?"}).json()
    with uow_factory() as uow:
        case = uow.case_by_ref(started["ref"])
    assert case is not None
    with client.websocket_connect(started["socket"], headers={"Origin": SHOP}) as visitor, \
            client.websocket_connect("/ws/agent", headers=desk.agent.auth) as agent:
        assert next_frame(visitor)["type"] == "history"
        next_frame(agent)
        client.post(f"{API}/cases/{case.ref}/notes", headers=desk.agent.auth,
                    json={"body": "internal: courier is slow"})
        frame_until(agent, "message", direction="note")  # the poller has passed it
        sent = client.post(f"{API}/cases/{case.ref}/messages", headers=desk.agent.auth,
                           json={"direction": "outbound", "channel": "chat",
                                 "body": "Thank you, it is out today."})
        assert sent.status_code == 201
        frames = [next_frame(visitor)]
        while frames[-1].get("type") != "message":
            frames.append(next_frame(visitor))
    assert "courier is slow" not in str(frames)
    assert frames[-1]["body"] == "Thank you, it is out today."
    assert set(frames[-1]) == {"type", "id", "from", "body", "at"}
    assert {f["type"] for f in frames} <= {"message", "confirmation"}  # the chat's own


def test_a_late_commit_below_the_newest_id_is_still_delivered(
    uow_factory: Factory, desk: Desk
) -> None:
    # What PostgreSQL does when two transactions commit out of order: the entry with the
    # higher id is visible first. Written here with explicit ids, on both databases.
    case = open_case(uow_factory, desk)
    assert case.id is not None
    feed = LiveFeed(uow_factory, poll_seconds=0.05)

    def entry(entry_id: int, action: str) -> None:
        with uow_factory() as uow:
            uow.add(AuditEntry(id=entry_id, case_id=case.id or 0, at=case.opened_at,
                               action=action, actor_id=desk.agent.id, detail={}))
            uow.commit()

    async def scenario() -> list[tuple[str, int]]:
        got: list[tuple[str, int]] = []
        async with feed.subscribe() as live:
            start = feed.cursor
            for entry_id, action in ((start + 2, "committed_first"),
                                     (start + 1, "committed_late")):
                await asyncio.to_thread(entry, entry_id, action)
                event = await asyncio.wait_for(live.get(), GUARD_SECONDS)
                got.append((str(event["action"]), feed.cursor - start))
        await feed.close()
        return got

    # First: delivered, but the cursor waits below the gap; then the gap fills.
    assert asyncio.run(scenario()) == [("committed_first", 0), ("committed_late", 2)]


def test_the_poller_runs_only_while_a_socket_listens(
    client: TestClient, desk: Desk
) -> None:
    feed: LiveFeed = client.app.state.live_feed  # type: ignore[attr-defined]
    assert not feed.running
    with client.websocket_connect("/ws/agent", headers=desk.agent.auth) as agent:
        next_frame(agent)
        assert feed.running
    # The socket's handler ends just after the close reaches it: look again until then.
    deadline = time.monotonic() + GUARD_SECONDS
    while feed.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not feed.running


def test_a_visitor_chat_message_reaches_its_owner_once_with_its_notice(
    client: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    started = client.post("/chat/start", headers={"Origin": SHOP}, data={
        "name": "Vic", "email": "vic@example.org", "message": "Where is my parcel?"}).json()
    with client.websocket_connect(started["socket"], headers={"Origin": SHOP}) as visitor, \
            client.websocket_connect("/ws/agent", headers=desk.agent.auth) as agent:
        next_frame(visitor), next_frame(agent)
        visitor.send_json({"type": "message", "body": "Any news at all?"})
        sent = frame_until(visitor, "sent")
        frames = []
        # The instant copy (no notice) and the feed's (with it) may come in either order;
        # a note written afterwards marks the point where both have arrived.
        message = frame_until(agent, "message", id=sent["id"])
        frames.append(message)
        note(uow_factory, desk, _case_by_ref(uow_factory, started["ref"]), "looking")
        while True:
            frame = next_frame(agent)
            if frame.get("type") == "message" and frame.get("direction") == "note":
                break
            frames.append(frame)
    assert [f["id"] for f in frames if f.get("type") == "message"] == [sent["id"]]
    notices = [f["notice"] for f in frames if f.get("notice")]
    assert notices == [{"text": f"Vic wrote on case {started['ref']}: Any news at all?",
                        "to": [desk.agent.id], "href": f"/work/cases/{started['ref']}"}]


def _case_by_ref(factory: Factory, ref: str) -> Case:
    with factory() as uow:
        case = uow.case_by_ref(ref)
    assert case is not None
    return case


def test_the_pollers_reads_are_primary_key_searches_never_a_table_scan(engine: Engine) -> None:
    from frontliner.store.live_queries import _select
    from frontliner.store.tables import audit_entries

    with engine.connect() as connection:
        for query in (_select(audit_entries.c.id > 10).limit(500),
                      _select(audit_entries.c.id.in_([3, 4]))):
            sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
            if engine.dialect.name == "sqlite":
                plan = " ".join(str(r[-1]) for r in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + sql))
                assert "SEARCH audit_entries USING INTEGER PRIMARY KEY" in plan, plan
            else:  # PostgreSQL picks a sequential scan on a small table unless told not to
                connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
                plan = " ".join(r[0] for r in connection.exec_driver_sql("EXPLAIN " + sql))
                assert "Seq Scan on audit_entries" not in plan, plan
                assert "pk_audit_entries" in plan, plan
