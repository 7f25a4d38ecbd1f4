"""Announce committed chat messages to the sockets listening for them.

The units of work the app hands out are wrapped so that, right AFTER a commit, every
chat message written in that transaction is published: the visitor's topic gets what
the visitor may see (the conversation), the agents' topic gets the message with its
case and the coach's reading. Hooking the commit (not each view) means a reply posted
through the REST API, a page or a job reaches the visitor alike, and a message that was
rolled back is never announced.

A change of where a chat case stands on "is it solved?" (asked, solved, reopened, rated:
any status change or rating in the transaction) is announced the same way, as a
`confirmation` event on the visitor's topic, so the widget shows or hides its answer
buttons live.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import nh3

from frontliner.channels.chat.answers import confirmation_event
from frontliner.channels.chat.broker import AGENTS_TOPIC, Broker, Event, case_topic
from frontliner.desk.abuse import ended_chat_status
from frontliner.desk.model import (
    AbuseAction,
    AbuseReport,
    AuditEntry,
    Case,
    Channel,
    Direction,
    Interaction,
)
from frontliner.desk.ports import UnitOfWork, UowFactory

log = logging.getLogger("frontliner.chat")



def as_html(body: str) -> str:
    """The message as safe HTML for a page that renders it: escaped text, line breaks
    kept, and nh3 as the last word on what may reach the browser."""
    escaped = html.escape(body).replace("\n", "<br>\n")
    return nh3.clean(escaped, tags={"br"}, attributes={})


def visitor_event(message: Interaction) -> Event:
    """What the visitor's widget shows: the conversation, not the desk's workings."""
    return {
        "type": "message",
        "id": message.id,
        "from": "visitor" if message.direction == Direction.INBOUND else "agent",
        "body": message.body,
        "at": message.at.isoformat(),
    }


def agent_event(message: Interaction, case: Case | None) -> Event:
    return {
        "type": "message",
        "id": message.id,
        "case_id": message.case_id,
        "case_ref": None if case is None else case.ref,
        "customer_id": message.customer_id,
        "direction": message.direction.value,
        "channel": message.channel.value,
        "author_id": message.author_id,
        "body": message.body,
        "html": as_html(message.body),
        "analysis": message.analysis,
        "at": message.at.isoformat(),
    }


class AnnouncingUnitOfWork:
    """A unit of work that publishes its chat messages once they are committed; every
    other call goes straight to the wrapped one."""

    def __init__(self, inner: UnitOfWork, broker: Broker) -> None:
        self._inner = inner
        self._broker = broker
        self._written: list[Interaction] = []
        self._ended: list[AbuseReport] = []  # chats staff ended over abuse
        self._moved: set[int] = set()  # cases whose status changed or that were rated

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def add(self, obj: Any) -> None:
        self._inner.add(obj)
        self._note(obj)

    # Rows written at once (desk intake) are noted like staged ones.
    def insert(self, obj: Any) -> None:
        self._inner.insert(obj)
        self._note(obj)

    def insert_all(self, objs: Sequence[Any]) -> None:
        self._inner.insert_all(objs)
        for obj in objs:
            self._note(obj)

    def _note(self, obj: Any) -> None:
        if isinstance(obj, Interaction):
            self._written.append(obj)
        elif isinstance(obj, AbuseReport) and obj.action == AbuseAction.ENDED:
            self._ended.append(obj)
        elif isinstance(obj, AuditEntry) and ("to" in obj.detail or obj.action == "rated"):
            self._moved.add(obj.case_id)

    def commit(self) -> None:
        if not self._written and not self._ended and not self._moved:
            self._inner.commit()
            return
        self._inner.flush()  # ids and the coach's analysis are final before we copy them
        announcements = self._announcements()
        self._inner.commit()
        self._written.clear()
        self._ended.clear()
        self._moved.clear()
        for topic, event in announcements:
            self._publish(topic, event)

    def rollback(self) -> None:
        self._written.clear()
        self._ended.clear()
        self._moved.clear()
        self._inner.rollback()

    def _announcements(self) -> list[tuple[str, Event]]:
        out: list[tuple[str, Event]] = []
        for message in self._written:
            if message.channel != Channel.CHAT or message.direction == Direction.NOTE:
                continue
            assert message.id is not None
            case = self._inner.get(Case, message.case_id)
            out.append((case_topic(message.case_id), visitor_event(message)))
            out.append((AGENTS_TOPIC, agent_event(message, case)))
        for report in self._ended:  # after the notice itself, so the visitor reads it first
            case = self._inner.get(Case, report.case_id)
            if case is not None and case.channel == Channel.CHAT:
                out.append((case_topic(report.case_id),
                            {"type": "ended", "message": ended_chat_status(case)}))
        for case_id in sorted(self._moved):
            moved = self._inner.get(Case, case_id)
            if moved is not None and moved.channel == Channel.CHAT:
                out.append((case_topic(case_id), confirmation_event(self._inner, moved)))
        return out

    def _publish(self, topic: str, event: Event) -> None:
        try:
            self._broker.publish(topic, event)
        except Exception:  # committed is committed: a lost live event must not fail it
            log.warning("could not announce a chat message on %s", topic, exc_info=True)


def announcing(factory: UowFactory, broker: Broker) -> UowFactory:
    """`factory`, with each unit of work announcing its committed chat messages."""

    @contextmanager
    def open_announcing() -> Iterator[UnitOfWork]:
        with factory() as uow:
            wrapped: Any = AnnouncingUnitOfWork(uow, broker)
            yield wrapped

    return open_announcing
