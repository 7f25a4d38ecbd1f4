"""A chat visitor asked "is it solved?" in the chat: the question arrives live (and again
on reconnect), the answer goes back over the socket, and the desk records it for the
case and customer the chat token names. SQLite and PostgreSQL."""

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
from tests.channels.test_chat import start_chat

from frontliner.desk.confirmation_question import CHAT_QUESTION
from frontliner.desk.model import (
    AuditEntry,
    Case,
    CaseStatus,
    Direction,
    Interaction,
    SatisfactionRating,
)
from frontliner.store.uow import SqlUnitOfWork

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

Factory = Callable[[], SqlUnitOfWork]


@pytest.fixture
def desk(uow_factory: Factory) -> Desk:
    return seed_desk(uow_factory)


@pytest.fixture
def client(database_url: str, uow_factory: Factory, engine: Engine,
           desk: Desk) -> Iterator[TestClient]:
    with TestClient(public_app(database_url, uow_factory, engine)) as test_client:
        yield test_client


def ask(client: TestClient, desk: Desk, ref: str) -> None:
    for step in ("acknowledge", "request-confirmation"):
        done = client.post(f"{API}/cases/{ref}/{step}", headers=desk.agent.auth)
        assert done.status_code == 200, done.text


def case_of(factory: Factory, ref: str) -> Case:
    with factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None
        return case


def connect(client: TestClient, chat: dict[str, Any]) -> Any:
    return client.websocket_connect(chat["socket"], headers={"Origin": SHOP})


def test_the_question_arrives_live_and_yes_then_a_rating_close_the_loop(
    client: TestClient, desk: Desk, uow_factory: Factory,
) -> None:
    chat = start_chat(client)
    with connect(client, chat) as visitor:
        assert next_frame(visitor)["type"] == "history"
        assert next_frame(visitor) == {"type": "confirmation", "state": "none"}
        ask(client, desk, chat["ref"])
        question = frame_until(visitor, "message", **{"from": "agent"})
        assert question["body"] == CHAT_QUESTION
        frame_until(visitor, "confirmation", state="asked")

        visitor.send_json({"type": "confirm", "answer": "yes"})
        assert frame_until(visitor, "answered") == {"type": "answered", "answer": "yes"}
        frame_until(visitor, "confirmation", state="rate")
        case = case_of(uow_factory, chat["ref"])
        assert case.status == CaseStatus.RESOLVED and case.confirmed_by_customer

        visitor.send_json({"type": "rate", "score": 5, "comment": "Fast and friendly"})
        assert frame_until(visitor, "answered")["answer"] == "rating"
        frame_until(visitor, "confirmation", state="none")
    with uow_factory() as uow:
        [rating] = uow.find(SatisfactionRating, limit=5, case_id=case.id)
        confirmed = [e for e in uow.find(AuditEntry, limit=50, case_id=case.id)
                     if e.action == "confirmed_by_customer"]
    assert (rating.score, rating.comment) == (5, "Fast and friendly")
    assert [(e.actor_id, e.detail["via"]) for e in confirmed] == [(None, "chat")]


def test_not_yet_in_the_chat_reopens_the_case_and_the_owner_sees_the_words_live(
    client: TestClient, desk: Desk, uow_factory: Factory,
) -> None:
    chat = start_chat(client)
    ask(client, desk, chat["ref"])
    with client.websocket_connect("/ws/agent", headers=desk.agent.auth) as agent, \
            connect(client, chat) as visitor:
        next_frame(agent)
        history = next_frame(visitor)
        assert [m["body"] for m in history["messages"]][-1] == CHAT_QUESTION  # on reconnect
        assert next_frame(visitor) == {"type": "confirmation", "state": "asked"}
        visitor.send_json({"type": "confirm", "answer": "not_yet",
                           "body": "The tracking still says delivered, nothing came."})
        assert frame_until(visitor, "answered")["answer"] == "not_yet"
        frame_until(visitor, "confirmation", state="none")
        seen = frame_until(agent, "message", case_ref=chat["ref"], direction="inbound",
                           body="The tracking still says delivered, nothing came.")
        assert seen["channel"] == "chat"
    case = case_of(uow_factory, chat["ref"])
    assert case.status == CaseStatus.OPEN and case.owner_id == desk.agent.id
    with uow_factory() as uow:
        last = uow.find(Interaction, limit=10, case_id=case.id)[-1]
    assert (last.direction, last.author_id) == (Direction.INBOUND, None)


def test_an_answer_that_no_longer_fits_or_makes_no_sense_is_refused_with_a_reason(
    client: TestClient, uow_factory: Factory,
) -> None:
    chat = start_chat(client)
    with connect(client, chat) as visitor:
        next_frame(visitor)
        next_frame(visitor)
        visitor.send_json({"type": "confirm", "answer": "yes"})
        assert frame_until(visitor, "error")["code"] == "conflict"
        assert next_frame(visitor) == {"type": "confirmation", "state": "none"}
        visitor.send_json({"type": "confirm", "answer": "maybe"})
        assert frame_until(visitor, "error")["code"] == "invalid"
        visitor.send_json({"type": "rate", "score": "five"})
        assert frame_until(visitor, "error")["code"] == "invalid"
    case = case_of(uow_factory, chat["ref"])
    assert case.status == CaseStatus.NEW and not case.confirmed_by_customer


def test_a_chat_token_answers_for_its_own_case_only(
    client: TestClient, desk: Desk, uow_factory: Factory,
) -> None:
    mine = start_chat(client)
    theirs = start_chat(client, name="Tess Other", email="tess@example.org")
    for chat in (mine, theirs):
        ask(client, desk, chat["ref"])
    with connect(client, mine) as visitor:
        next_frame(visitor)
        next_frame(visitor)
        visitor.send_json({"type": "confirm", "answer": "yes", "case_id": 2, "ref": theirs["ref"]})
        frame_until(visitor, "answered")
    assert case_of(uow_factory, mine["ref"]).status == CaseStatus.RESOLVED
    assert case_of(uow_factory, theirs["ref"]).status == CaseStatus.AWAITING_CONFIRMATION
