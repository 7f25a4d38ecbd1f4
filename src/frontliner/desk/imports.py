"""Moving in from another helpdesk: the records every source is read into, and the rules
that turn them into cases.

Each reader (`frontliner.imports`) turns its format into `Ticket`s; `check_ticket` says
whether one can come in and why not; `case_state` maps the source's state onto the
closing protocol. A ticket solved at the source carries no customer confirmation (no
helpdesk records one), so it arrives resolved under a closing exception that names the
source, never as confirmed by the customer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from frontliner.desk.customers import MAX_NAME, normalise_email, normalise_phone
from frontliner.desk.errors import Invalid
from frontliner.desk.interactions import MAX_BODY
from frontliner.desk.model import CaseStatus, Channel, Direction

MAX_NATURE = 300  # of the subject (or first words) kept as the case's nature
MAX_ATTACHMENT = 25 * 1024 * 1024  # bytes of one attachment kept from the export
MAX_TAG = 100


class SourceState(StrEnum):
    """The states every source's own are read into (Zendesk's words)."""

    NEW = "new"
    OPEN = "open"
    PENDING = "pending"  # waiting for the customer's answer
    HOLD = "hold"  # waiting for a third party
    SOLVED = "solved"
    CLOSED = "closed"


# Source state -> Frontliner's. Frontliner has no "on hold": such a case is open with
# its owner, who still follows it up.
STATUS_OF: dict[SourceState, CaseStatus] = {
    SourceState.NEW: CaseStatus.NEW,
    SourceState.OPEN: CaseStatus.OPEN,
    SourceState.PENDING: CaseStatus.WAITING_ON_CUSTOMER,
    SourceState.HOLD: CaseStatus.OPEN,
    SourceState.SOLVED: CaseStatus.RESOLVED,
    SourceState.CLOSED: CaseStatus.CLOSED,
}


@dataclass(frozen=True)
class Person:
    """Someone named by the export: a customer (requester) or a member of staff."""

    source_id: str
    name: str
    email: str | None = None  # normalised (lower case) when set
    phone: str | None = None


@dataclass(frozen=True)
class Attachment:
    source_id: str
    filename: str
    content_type: str
    size: int
    data: bytes | None = None  # from a file beside the export, or inline base64
    url: str | None = None  # the source's link, recorded and never fetched


@dataclass(frozen=True)
class Message:
    source_id: str
    at: datetime
    direction: Direction
    body: str
    channel: Channel
    author: Person | None = None  # the member of staff, for replies and notes
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Ticket:
    source_id: str
    subject: str
    opened_at: datetime
    updated_at: datetime
    state: SourceState
    channel: Channel
    requester: Person
    assignee: Person | None = None
    tags: tuple[str, ...] = ()
    messages: tuple[Message, ...] = field(default=())


@dataclass(frozen=True)
class CaseState:
    """What an imported ticket's state becomes here."""

    status: CaseStatus
    exception_reason: str | None  # a closing exception, signed for the import
    resolved_at: datetime | None
    closed_at: datetime | None


def case_state(ticket: Ticket, source_label: str) -> CaseState:
    status = STATUS_OF[ticket.state]
    if status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        return CaseState(status, None, None, None)
    reason = (f"Solved in {source_label} before the move to Frontliner (ticket "
              f"{ticket.source_id}); the customer's confirmation was not recorded there.")
    closed = ticket.updated_at if status == CaseStatus.CLOSED else None
    return CaseState(status, reason, ticket.updated_at, closed)


def waiting_since(ticket: Ticket, status: CaseStatus) -> datetime | None:
    """Since when the customer waits for us: their last words, if nothing answered them."""
    if status not in (CaseStatus.NEW, CaseStatus.OPEN):
        return None
    public = [m for m in ticket.messages if m.direction != Direction.NOTE]
    if not public or public[-1].direction != Direction.INBOUND:
        return None
    return public[-1].at


def nature_of(ticket: Ticket) -> str:
    text = " ".join(ticket.subject.split())
    if not text and ticket.messages:
        text = " ".join(ticket.messages[0].body.split())
    return text[:MAX_NATURE] or f"(no subject, ticket {ticket.source_id})"


def person(source_id: str, name: str | None, email: str | None,
           phone: str | None = None) -> Person:
    """A person with a normalised address; bad addresses are refused (Invalid)."""
    mail = normalise_email(email) if email and email.strip() else None
    tel = normalise_phone(phone) if phone and phone.strip() and not mail else None
    shown = " ".join((name or "").split())[:MAX_NAME] or (mail or tel or f"#{source_id}")
    return Person(source_id=source_id, name=shown, email=mail, phone=tel)


def check_ticket(ticket: Ticket) -> None:
    """Refuse what cannot come in, saying why (Invalid)."""
    if not ticket.source_id.strip():
        raise Invalid("The ticket has no id.", {"id": "missing"})
    if ticket.requester.email is None and ticket.requester.phone is None:
        raise Invalid("The customer who asked has no e-mail address or phone number.",
                      {"requester": "no contact"})
    for moment in (ticket.opened_at, ticket.updated_at, *(m.at for m in ticket.messages)):
        if moment.tzinfo is None:
            raise Invalid("A time has no time zone.", {"at": "naive"})
    for tag in ticket.tags:
        if len(tag) > MAX_TAG:
            raise Invalid(f"The tag {tag[:40]!r}... is longer than {MAX_TAG} characters.",
                          {"tags": "too long"})
    for message in ticket.messages:
        _check_message(message)


def _check_message(message: Message) -> None:
    if not message.source_id:
        raise Invalid("A message has no id.", {"message": "no id"})
    if len(message.body) > MAX_BODY:
        raise Invalid(f"Message {message.source_id} is longer than {MAX_BODY} characters.",
                      {"body": "too long"})
    if message.direction != Direction.INBOUND and message.author is None:
        raise Invalid(f"Message {message.source_id} is a reply or note with no author.",
                      {"author": "missing"})
    for attachment in message.attachments:
        if attachment.data is None and not attachment.url:
            raise Invalid(f"Attachment {attachment.filename!r} has neither a file nor a link.",
                          {"attachment": "no file"})
        if attachment.data is not None and len(attachment.data) > MAX_ATTACHMENT:
            raise Invalid(f"Attachment {attachment.filename!r} is larger than "
                          f"{MAX_ATTACHMENT // (1024 * 1024)} MiB.", {"attachment": "too large"})
