"""Zendesk's JSON export: tickets with their comments, users and organizations.

A folder (or a tickets file, its companions beside it) holding `tickets.json` (JSON
lines, one ticket a line with its `comments`, as the full JSON export writes them; or
an API page `{"tickets": [...]}`), `users.json` and optionally `organizations.json`.
Attachment bytes are read from `attachments/<attachment id>/<file name>` beside the
export when there; otherwise the attachment's `content_url` is recorded as a link.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from frontliner.desk.imports import Message, Person, SourceState, Ticket, person
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

STAFF_ROLES = {"agent", "admin"}
# via.channel -> ours; anything else came through the web (help center, widget, social)
CHANNELS = {
    "email": Channel.EMAIL, "web": Channel.WEB, "web_form": Channel.WEB,
    "web_widget": Channel.WEB, "chat": Channel.CHAT, "native_messaging": Channel.CHAT,
    "voice": Channel.PHONE, "phone": Channel.PHONE, "api": Channel.API,
}


class ZendeskReader(JsonTicketReader):
    source, label, rejects_kind = "zendesk", "Zendesk", "jsonl"

    def __init__(self, path: Path) -> None:
        self.path = tickets_file(path)
        self.base = self.path.parent
        users_path = beside(self.base, "users.json", "users.jsonl", "users.ndjson")
        if users_path is None:
            raise FileNotFoundError(f"no users.json beside {self.path.name} in {self.base}")
        self.users = load_people(users_path, "users")
        orgs = beside(self.base, "organizations.json", "organizations.jsonl")
        self.organizations = {k: str(v.get("name") or "")
                              for k, v in load_people(orgs, "organizations").items()}
        self.records = JsonRecords(self.path, "tickets")

    def _user(self, user_id: Any) -> dict[str, Any]:
        return self.users.get(str(user_id)) or {}

    def _person(self, user_id: Any) -> Person:
        user = self._user(user_id)
        return person(str(user_id), user.get("name"), user.get("email"), user.get("phone"))

    def _is_staff(self, user_id: Any) -> bool:
        return self._user(user_id).get("role") in STAFF_ROLES

    def ticket(self, raw: dict[str, Any]) -> Ticket:
        ticket_id = text_id(raw.get("id"), "ticket id")
        requester_id = text_id(raw.get("requester_id"), "requester_id")
        if str(requester_id) not in self.users:
            raise Unreadable(f"requester {requester_id} is not in users.json")
        channel = CHANNELS.get(str((raw.get("via") or {}).get("channel")), Channel.WEB)
        assignee = raw.get("assignee_id")
        return Ticket(
            source_id=ticket_id,
            subject=str(raw.get("subject") or raw.get("raw_subject") or ""),
            opened_at=parse_time(raw.get("created_at"), "created_at"),
            updated_at=parse_time(raw.get("updated_at") or raw.get("created_at"), "updated_at"),
            state=_state(raw.get("status")),
            channel=channel,
            requester=self._person(requester_id),
            assignee=self._person(assignee) if assignee is not None else None,
            tags=self._tags(raw),
            messages=self._messages(raw, ticket_id, requester_id, channel),
        )

    def _tags(self, raw: dict[str, Any]) -> tuple[str, ...]:
        found = [str(t).strip() for t in raw.get("tags") or [] if str(t).strip()]
        organization = self.organizations.get(str(raw.get("organization_id")))
        if organization:
            found.append(f"organization:{organization}")
        return tuple(dict.fromkeys(found))

    def _messages(self, raw: dict[str, Any], ticket_id: str, requester_id: str,
                  channel: Channel) -> tuple[Message, ...]:
        comments = raw.get("comments")
        if not comments:  # a ticket exported without comments: its description
            body = str(raw.get("description") or "")
            at = parse_time(raw.get("created_at"), "created_at")
            return (Message(f"{ticket_id}-description", at, Direction.INBOUND, body, channel),)
        return tuple(self._message(c, requester_id, channel) for c in comments)

    def _message(self, comment: dict[str, Any], requester_id: str,
                 channel: Channel) -> Message:
        comment_id = text_id(comment.get("id"), "comment id")
        author_id = comment.get("author_id")
        staff = self._is_staff(author_id) and str(author_id) != requester_id
        public = comment.get("public", True) is not False
        direction = (Direction.INBOUND if not staff
                     else Direction.OUTBOUND if public else Direction.NOTE)
        body = comment.get("plain_body") or comment.get("body") or ""
        via = CHANNELS.get(str((comment.get("via") or {}).get("channel")), channel)
        return Message(
            source_id=comment_id,
            at=parse_time(comment.get("created_at"), f"comment {comment_id} created_at"),
            direction=direction, body=str(body), channel=via,
            author=self._person(author_id) if staff else None,
            attachments=tuple(
                attachment(self.base, text_id(a.get("id"), "attachment id"), a.get("file_name"),
                           a.get("content_type"), a.get("size"), a.get("content_url"))
                for a in comment.get("attachments") or []),
        )


def _state(value: Any) -> SourceState:
    try:
        return SourceState(str(value).lower())
    except ValueError:
        raise Unreadable(f"unknown status {value!r}") from None
