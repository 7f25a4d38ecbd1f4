"""What every reader shares: one read record (a ticket, or why it cannot come in, with
the raw record for the rejects file), times, JSON exports and files beside them."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from frontliner.desk.errors import Invalid
from frontliner.desk.imports import MAX_ATTACHMENT, Attachment, Ticket


class Unreadable(ValueError):
    """A record the reader cannot make sense of; the message says why."""


@dataclass(frozen=True)
class Item:
    """One record of the export: its ticket, or the reason it cannot come in."""

    source_id: str
    raw: Any  # the record as read (a dict), written back unchanged to the rejects file
    ticket: Ticket | None = None
    reason: str | None = None


class Reader(Protocol):
    source: str  # the key's source: zendesk, freshdesk, csv
    label: str  # the source's name in words
    rejects_kind: str  # "jsonl" or "csv": the rejects file is in the input's format

    @property
    def total(self) -> int:
        """Units of progress (lines or records) in the whole export."""

    @property
    def done(self) -> int:
        """Units read so far."""

    def items(self) -> Iterator[Item]: ...


def parse_time(value: Any, what: str = "time") -> datetime:
    """ISO 8601 (`2026-03-02T09:30:00Z`); a time without a zone is read as UTC."""
    if not isinstance(value, str) or not value.strip():
        raise Unreadable(f"no {what}")
    try:
        moment = datetime.fromisoformat(value.strip().replace(" UTC", "+00:00"))
    except ValueError:
        raise Unreadable(f"{what} {value!r} is not an ISO 8601 time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def why(error: Exception) -> str:
    """A reason for the rejects file, from whatever reading a record raised."""
    if isinstance(error, Invalid):
        return error.message
    if isinstance(error, KeyError):
        return f"missing field {error}"
    return str(error) or type(error).__name__


def text_id(value: Any, what: str) -> str:
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        raise Unreadable(f"no {what}")
    return str(value).strip()


class JsonRecords:
    """The records of one JSON export file: JSON lines (one object a line, as Zendesk's
    full export and our rejects files are), a JSON array, or an API page whose `key`
    holds the list (`{"tickets": [...], "next_page": ...}`)."""

    def __init__(self, path: Path, key: str) -> None:
        self.path, self.key = path, key
        self.total = count_lines(path)
        self.done = 0

    def __iter__(self) -> Iterator[tuple[Any, str | None]]:
        """(record, None), or (the raw line, why it is not JSON) for a broken line."""
        with self.path.open("rb") as handle:
            first = handle.readline()
            handle.seek(0)
            if _is_whole_document(first, self.key):
                yield from self._whole(handle.read())
                return
            for line in handle:
                self.done += 1
                if line.strip():
                    yield _parse_line(line)

    def _whole(self, data: bytes) -> Iterator[tuple[Any, str | None]]:
        document = json.loads(data)
        records = document.get(self.key, []) if isinstance(document, dict) else document
        self.total = len(records) or 1
        for record in records:
            self.done += 1
            yield record, None


def _parse_line(line: bytes) -> tuple[Any, str | None]:
    try:
        return json.loads(line), None
    except ValueError as error:
        return line.decode("utf-8", "replace").rstrip("\n"), f"not JSON: {error}"


def _is_whole_document(first: bytes, key: str) -> bool:
    stripped = first.strip()
    if stripped.startswith(b"["):
        return True
    try:
        record = json.loads(stripped)
    except ValueError:
        return stripped.startswith(b"{")  # a pretty-printed document spans lines
    return isinstance(record, dict) and key in record and "id" not in record


def count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            count += block.count(b"\n")
    return max(count, 1)


def load_people(path: Path | None, key: str) -> dict[str, dict[str, Any]]:
    """Records by id from a users/contacts/agents file (missing file: none)."""
    if path is None:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for record, problem in JsonRecords(path, key):
        if problem is None and isinstance(record, dict) and record.get("id") is not None:
            found[str(record["id"])] = record
    return found


def beside(base: Path, *names: str) -> Path | None:
    """The first of `names` that exists in the folder `base`."""
    for name in names:
        if (base / name).is_file():
            return base / name
    return None


def attachment(base: Path, source_id: str, filename: Any, content_type: Any, size: Any,
               url: Any, inline: Any = None) -> Attachment:
    """An attachment from the bytes inline (base64), a file beside the export
    (`attachments/<id>/<file name>`), or else only the source's link."""
    name = Path(str(filename or f"attachment-{source_id}")).name or f"attachment-{source_id}"
    data = _decoded(inline, name) if inline else _file_beside(base, source_id, name)
    link = str(url) if isinstance(url, str) and url.strip() else None
    kind = str(content_type or "application/octet-stream")
    shown = len(data) if data is not None else int(size) if str(size or "").isdigit() else 0
    return Attachment(source_id=source_id, filename=name, content_type=kind, size=shown,
                      data=data, url=link)


def _decoded(inline: Any, name: str) -> bytes:
    try:
        return base64.b64decode(str(inline), validate=True)
    except (binascii.Error, ValueError):
        raise Unreadable(f"attachment {name!r} is not valid base64") from None


def _file_beside(base: Path, source_id: str, name: str) -> bytes | None:
    path = base / "attachments" / Path(source_id).name / name
    if not path.is_file():
        return None
    if path.stat().st_size > MAX_ATTACHMENT:
        raise Unreadable(f"attachment {name!r} is larger than {MAX_ATTACHMENT} bytes")
    return path.read_bytes()


def tickets_file(path: Path) -> Path:
    """The tickets file of an export given as its folder or as the file itself."""
    if path.is_dir():
        found = beside(path, "tickets.json", "tickets.jsonl", "tickets.ndjson")
        if found is None:
            raise FileNotFoundError(f"no tickets.json in {path}")
        return found
    return path


class JsonTicketReader:
    """The reading loop the JSON exports share: a record that is not JSON, or that
    `ticket` cannot read, becomes an item with the reason instead of its ticket."""

    records: JsonRecords

    @property
    def total(self) -> int:
        return self.records.total

    @property
    def done(self) -> int:
        return self.records.done

    def ticket(self, raw: dict[str, Any]) -> Ticket:
        raise NotImplementedError

    def items(self) -> Iterator[Item]:
        for raw, problem in self.records:
            if problem is not None:
                yield Item(source_id="?", raw=raw, reason=problem)
                continue
            source_id = str(raw.get("id", "?")) if isinstance(raw, dict) else "?"
            try:
                yield Item(source_id=source_id, raw=raw, ticket=self.ticket(raw))
            except (Unreadable, Invalid, KeyError, TypeError, AttributeError,
                    ValueError) as error:
                yield Item(source_id=source_id, raw=raw, reason=why(error))
