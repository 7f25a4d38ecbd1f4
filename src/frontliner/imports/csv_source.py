"""A spreadsheet export: one row per message, columns named by a mapping.

Each of our fields is read from the column of the same name unless the mapping (flags
`--column FIELD=HEADER`, or a YAML/JSON file of `FIELD: HEADER`) names another. Rows of
one ticket share `ticket_id`; the first row read of a ticket gives its subject, status,
customer and owner. Unmapped columns are ignored (so a rejects file, which adds
`import_reject_reason`, imports again as it is).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from frontliner.desk.errors import Invalid
from frontliner.desk.imports import Attachment, Message, SourceState, Ticket, person
from frontliner.desk.model import Channel, Direction
from frontliner.imports.records import (
    Item,
    Unreadable,
    attachment,
    count_lines,
    parse_time,
    text_id,
    why,
)

FIELDS = (
    "ticket_id", "message_id", "created_at", "subject", "status", "channel", "direction",
    "body", "customer_email", "customer_name", "customer_phone", "agent_email",
    "agent_name", "assignee_email", "tags", "attachment_path", "attachment_url",
    "attachment_name", "attachment_base64",
)
REQUIRED = ("ticket_id", "created_at", "body")
STATES = {
    "new": SourceState.NEW, "open": SourceState.OPEN, "pending": SourceState.PENDING,
    "waiting": SourceState.PENDING, "hold": SourceState.HOLD, "on hold": SourceState.HOLD,
    "on-hold": SourceState.HOLD, "solved": SourceState.SOLVED,
    "resolved": SourceState.SOLVED, "closed": SourceState.CLOSED, "": SourceState.OPEN,
}
DIRECTIONS = {
    "": Direction.INBOUND, "inbound": Direction.INBOUND, "in": Direction.INBOUND,
    "customer": Direction.INBOUND, "outbound": Direction.OUTBOUND, "out": Direction.OUTBOUND,
    "agent": Direction.OUTBOUND, "reply": Direction.OUTBOUND, "note": Direction.NOTE,
    "internal": Direction.NOTE, "private": Direction.NOTE,
}


def load_mapping(file: Path | None, columns: list[str]) -> dict[str, str]:
    """Field -> column header, from the file then the `FIELD=HEADER` flags."""
    mapping = {f: f for f in FIELDS}
    if file is not None:
        loaded = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise ValueError(f"{file} is not a mapping of FIELD: HEADER")
        mapping.update({str(k): str(v) for k, v in loaded.items()})
    for flag in columns:
        field, sep, header = flag.partition("=")
        if not sep:
            raise ValueError(f"--column {flag!r} is not FIELD=HEADER")
        mapping[field.strip()] = header.strip()
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; fields: {', '.join(FIELDS)}")
    return mapping


class CsvReader:
    source, label, rejects_kind = "csv", "the spreadsheet", "csv"

    def __init__(self, path: Path, mapping: dict[str, str]) -> None:
        self.path, self.base, self.mapping = path, path.parent, mapping
        self.total = max(count_lines(path) - 1, 1)  # less the header
        self.done = 0
        self.header: list[str] = []

    def items(self) -> Iterator[Item]:
        with self.path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            self.header = list(reader.fieldnames or [])
            missing = [self.mapping[f] for f in REQUIRED if self.mapping[f] not in self.header]
            if missing:
                raise ValueError(f"{self.path.name} has no column {', '.join(missing)}")
            for row in reader:
                self.done = reader.line_num - 1
                source_id = (row.get(self.mapping["ticket_id"]) or "?").strip() or "?"
                try:
                    yield Item(source_id=source_id, raw=row, ticket=self.ticket(row))
                except (Unreadable, Invalid, KeyError, TypeError, ValueError) as error:
                    yield Item(source_id=source_id, raw=row, reason=why(error))

    def _get(self, row: dict[str, Any], field: str) -> str:
        return str(row.get(self.mapping[field]) or "").strip()

    def ticket(self, row: dict[str, Any]) -> Ticket:
        ticket_id = text_id(self._get(row, "ticket_id"), "ticket_id")
        at = parse_time(self._get(row, "created_at"), "created_at")
        state = STATES.get(self._get(row, "status").lower())
        if state is None:
            raise Unreadable(f"unknown status {self._get(row, 'status')!r}")
        try:
            channel = Channel(self._get(row, "channel").lower() or "email")
        except ValueError:
            raise Unreadable(f"unknown channel {self._get(row, 'channel')!r}") from None
        email, phone = self._get(row, "customer_email"), self._get(row, "customer_phone")
        requester = person(email.lower() or phone, self._get(row, "customer_name"), email, phone)
        assignee = self._get(row, "assignee_email")
        return Ticket(
            source_id=ticket_id, subject=self._get(row, "subject"), opened_at=at, updated_at=at,
            state=state, channel=channel, requester=requester,
            assignee=person(assignee.lower(), None, assignee) if assignee else None,
            tags=tuple(dict.fromkeys(t.strip() for t in
                                     self._get(row, "tags").replace("|", ",").split(",")
                                     if t.strip())),
            messages=(self._message(row, ticket_id, at, channel),))

    def _message(self, row: dict[str, Any], ticket_id: str, at: Any,
                 channel: Channel) -> Message:
        direction = DIRECTIONS.get(self._get(row, "direction").lower())
        if direction is None:
            raise Unreadable(f"unknown direction {self._get(row, 'direction')!r}")
        body = self._get(row, "body")
        message_id = self._get(row, "message_id") or _content_id(ticket_id, at, direction, body)
        agent = self._get(row, "agent_email")
        author = (person(agent.lower(), self._get(row, "agent_name"), agent)
                  if agent and direction != Direction.INBOUND else None)
        return Message(source_id=message_id, at=at, direction=direction, body=body,
                       channel=channel, author=author, attachments=self._attachments(row,
                                                                                  message_id))

    def _attachments(self, row: dict[str, Any], message_id: str) -> tuple[Attachment, ...]:
        path, url = self._get(row, "attachment_path"), self._get(row, "attachment_url")
        inline, name = self._get(row, "attachment_base64"), self._get(row, "attachment_name")
        if not (path or url or inline):
            return ()
        if path:
            file = (self.base / path).resolve()
            if not file.is_relative_to(self.base.resolve()) or not file.is_file():
                raise Unreadable(f"attachment file {path!r} is not beside the export")
            return (Attachment(source_id=f"{message_id}:attachment", filename=file.name,
                               content_type="application/octet-stream",
                               size=file.stat().st_size, data=file.read_bytes()),)
        return (attachment(self.base, f"{message_id}:attachment", name or "attachment",
                           None, None, url or None, inline or None),)


def _content_id(ticket_id: str, at: Any, direction: Direction, body: str) -> str:
    """A row without a message id is known by its content, so a re-run finds it."""
    digest = hashlib.sha256(f"{at.isoformat()}|{direction}|{body}".encode()).hexdigest()
    return f"{ticket_id}:{digest[:24]}"
