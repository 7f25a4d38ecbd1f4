"""The queue rows of the agent workspace on a real database: the longest-waiting customer
first, each row with the customer and the last message, in two statements per page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from frontliner.desk import intake, interactions, users
from frontliner.desk.model import Role, User
from frontliner.store.queries import CaseFilter
from frontliner.store.uow import SqlUnitOfWork
from frontliner.store.workspace_queries import PREVIEW_CHARS, queue_rows

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _agent(uow: SqlUnitOfWork) -> User:
    agent = users.create_user(uow, None, name="Sam Agent", email="sam@desk.test",
                              role=Role.AGENT, now=T0)
    uow.flush()
    return agent


def _case(uow: SqlUnitOfWork, agent: User, name: str, opened: datetime, said: str) -> int:
    case = intake.open_case(uow, agent, nature=f"{name}'s problem", customer_name=name,
                            contact=f"{name.lower()}@example.com", message=said, now=opened)
    assert case.id is not None
    return case.id


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(_c: object, _cur: object, statement: str, *_: object) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)


def test_queue_lists_the_longest_waiting_customer_first_with_their_last_message(
    uow_factory: Callable[[], SqlUnitOfWork], engine: Engine
) -> None:
    with uow_factory() as uow:
        agent = _agent(uow)
        answered = _case(uow, agent, "Ann", T0, "My order is late.")
        recent = _case(uow, agent, "Bob", T0 + timedelta(hours=2), "Charged twice!")
        old = _case(uow, agent, "Cat", T0 + timedelta(hours=1), "The lid is cracked.")
        interactions.record_outbound(uow, agent, answered, "Sorry; it ships today.",
                                     now=T0 + timedelta(hours=3))
        interactions.add_note(uow, agent, old, "internal: checked stock",
                              now=T0 + timedelta(hours=4))
        interactions.record_inbound(uow, agent, old, "Long story. " * 40, "phone",
                                    now=T0 + timedelta(hours=5))
        uow.commit()
        agent_id = agent.id

    with uow_factory() as uow, counted(engine) as statements:
        page = queue_rows(uow.session, CaseFilter(owner_id=agent_id), limit=25)
    assert len(statements) == 2  # the page, then the last messages of all its rows
    assert [r.customer for r in page.items] == ["Cat", "Bob", "Ann"]  # Ann: we answered
    cat, bob, ann = page.items
    assert cat.waiting_since == T0 + timedelta(hours=1) and ann.waiting_since is None
    assert cat.last is not None and cat.last.direction.value == "inbound"
    assert cat.last.preview.startswith("Long story. Long story.")  # not the internal note
    assert len(cat.last.preview) <= PREVIEW_CHARS and cat.last.preview.endswith("…")
    assert bob.last is not None and bob.last.preview == "Charged twice!"
    assert ann.last is not None and ann.last.direction.value == "outbound"
    assert {cat.id, bob.id, ann.id} == {old, recent, answered}


def test_queue_pages_follow_each_other_without_gaps_or_repeats(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    with uow_factory() as uow:
        agent = _agent(uow)
        ids = [_case(uow, agent, f"C{i}", T0 + timedelta(minutes=i % 3), "Broken.")
               for i in range(7)]
        for case_id in ids[:2]:  # answered: they come last, oldest case first
            interactions.record_outbound(uow, agent, case_id, "On it.", now=T0 + timedelta(1))
        uow.commit()
        agent_id = agent.id

    seen: list[int] = []
    cursor = None
    with uow_factory() as uow:
        while True:
            page = queue_rows(uow.session, CaseFilter(owner_id=agent_id), cursor, limit=2)
            seen += [r.id for r in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    waiting = sorted(ids[2:], key=lambda i: ((ids.index(i)) % 3, i))
    assert seen == waiting + sorted(ids[:2])
