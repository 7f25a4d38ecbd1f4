"""Freshdesk's JSON export: tickets with their conversations, contacts and agents.

A folder (or a tickets file, its companions beside it) holding `tickets.json` (JSON
lines or an array of API ticket objects, each with its `conversations` as
`GET /api/v2/tickets/{id}/conversations` returns them; `requester` may be embedded),
`contacts.json` and optionally `agents.json`. The ticket's `description_text` is its
first message. Attachments: `attachments/<attachment id>/<name>` beside the export when
there, otherwise the `attachment_url` recorded as a link.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from frontliner.desk.imports import Attachment, Message, Person, SourceState, Ticket, person
from frontliner.desk.model import Channel, Direction
from frontliner.imports.records import (
    JsonRecords,
    JsonTicketReader,
    Unreadable,
    attachment,
    beside,
    load_people,
    parse_time,
    text_id,
    tickets_file,
)

# Freshdesk's status codes; 6 and 7 are the "waiting on customer / third party" that
# many accounts add. Other custom statuses are refused (the rejects file says which).
STATES = {2: SourceState.OPEN, 3: SourceState.PENDING, 4: SourceState.SOLVED,
          5: SourceState.CLOSED, 6: SourceState.PENDING, 7: SourceState.HOLD}
# Freshdesk's source codes -> our channels (portal, widget and social are the web).
CHANNELS = {1: Channel.EMAIL, 2: Channel.WEB, 3: Channel.PHONE, 5: Channel.WEB,
            6: Channel.WEB, 7: Channel.CHAT, 9: Channel.WEB, 10: Channel.EMAIL}


class FreshdeskReader(JsonTicketReader):
    source, label, rejects_kind = "freshdesk", "Freshdesk", "jsonl"

    def __init__(self, path: Path) -> None:
        self.path = tickets_file(path)
        self.base = self.path.parent
        self.contacts = load_people(beside(self.base, "contacts.json", "contacts.jsonl"),
                                    "contacts")
        self.agents = load_people(beside(self.base, "agents.json", "agents.jsonl"), "agents")
        self.records = JsonRecords(self.path, "tickets")

    def _requester(self, raw: dict[str, Any]) -> Person:
        requester_id = text_id(raw.get("requester_id"), "requester_id")
        found = raw.get("requester") or self.contacts.get(requester_id)
        if not found:
            raise Unreadable(f"requester {requester_id} is not in contacts.json")
        return person(requester_id, found.get("name"), found.get("email"),
                      found.get("phone") or found.get("mobile"))

    def _agent(self, agent_id: Any) -> Person:
        record = self.agents.get(str(agent_id)) or {}
        contact = record.get("contact") or record
        name = contact.get("name") or f"Freshdesk agent {agent_id}"
        return person(str(agent_id), name, contact.get("email"))

    def ticket(self, raw: dict[str, Any]) -> Ticket:
        ticket_id = text_id(raw.get("id"), "ticket id")
        status = raw.get("status")
        if not isinstance(status, int) or status not in STATES:
            raise Unreadable(f"unknown status {status!r}")
        channel = CHANNELS.get(raw.get("source"), Channel.API)  # type: ignore[arg-type]
        opened = parse_time(raw.get("created_at"), "created_at")
        responder = raw.get("responder_id")
        first = Message(
            source_id=f"ticket-{ticket_id}", at=opened,
            direction=Direction.OUTBOUND if raw.get("source") == 10 else Direction.INBOUND,
            body=str(raw.get("description_text") or raw.get("description") or ""),
            channel=channel,
            author=self._agent(responder) if raw.get("source") == 10 and responder else None,
            attachments=self._attachments(raw))
        rest = tuple(self._message(c, channel) for c in raw.get("conversations") or [])
        return Ticket(
            source_id=ticket_id, subject=str(raw.get("subject") or ""), opened_at=opened,
            updated_at=parse_time(raw.get("updated_at") or raw.get("created_at"), "updated_at"),
            state=STATES[status], channel=channel, requester=self._requester(raw),
            assignee=self._agent(responder) if responder is not None else None,
            tags=tuple(dict.fromkeys(str(t).strip() for t in raw.get("tags") or []
                                     if str(t).strip())),
            messages=(first, *rest))

    def _message(self, raw: dict[str, Any], channel: Channel) -> Message:
        message_id = text_id(raw.get("id"), "conversation id")
        private, incoming = raw.get("private") is True, raw.get("incoming") is True
        direction = (Direction.NOTE if private else
                     Direction.INBOUND if incoming else Direction.OUTBOUND)
        author = None if direction == Direction.INBOUND else self._agent(raw.get("user_id"))
        return Message(
            source_id=message_id,
            at=parse_time(raw.get("created_at"), f"conversation {message_id} created_at"),
            direction=direction, body=str(raw.get("body_text") or raw.get("body") or ""),
            channel=channel, author=author, attachments=self._attachments(raw))

    def _attachments(self, raw: dict[str, Any]) -> tuple[Attachment, ...]:
        return tuple(
            attachment(self.base, text_id(a.get("id"), "attachment id"), a.get("name"),
                       a.get("content_type"), a.get("size"), a.get("attachment_url"))
            for a in raw.get("attachments") or [])
