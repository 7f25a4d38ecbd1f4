"""Starting a chat and taking in the visitor's messages, through the desk's operations.

A chat is a case on the chat channel, opened by the system (actor None) for the visitor
found or created by their e-mail; each message the visitor sends is the customer's own
message on that case (`record_inbound`), read by the coach like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontliner.channels.chat.tokens import ChatPass
from frontliner.desk import abuse, intake, interactions
from frontliner.desk.customers import current_customer
from frontliner.desk.errors import Invalid
from frontliner.desk.model import Case, Channel, Customer, Interaction
from frontliner.desk.ports import UnitOfWork
from frontliner.store.tables import interactions as interactions_table

MAX_MESSAGE = 4_000  # characters in one chat message; a long story belongs in the form
MAX_NAME = 200
NATURE_LENGTH = 200  # the case's nature: the start of the first message
HISTORY = 100  # messages replayed to a (re)connecting visitor


@dataclass(frozen=True)
class StartedChat:
    case: Case
    customer_id: int


def start_chat(uow: UnitOfWork, *, name: str, email: str, message: str) -> StartedChat:
    """A new case on the chat channel with the first message; errors name every missing
    or unusable field, like the desk's intake does."""
    check_fields(name=name, email=email, message=message)
    case = intake.open_case(uow, None, nature=nature_of(message), customer_name=name,
                            contact=email, channel=Channel.CHAT, message=message,
                            unverified=True)  # anyone may type any address: see contact_claims
    return StartedChat(case=case, customer_id=case.customer_id)


def check_fields(*, name: str, email: str, message: str) -> None:
    """Every missing or unusable field at once, each with what to do about it."""
    problems: dict[str, str] = {}
    if not name.strip():
        problems["name"] = "your name"
    elif len(name) > MAX_NAME:
        problems["name"] = f"a name of at most {MAX_NAME} characters"
    if "@" not in email:
        problems["email"] = "your e-mail address (name@example.com)"
    if not message.strip():
        problems["message"] = "your message"
    elif len(message) > MAX_MESSAGE:
        problems["message"] = f"a first message of at most {MAX_MESSAGE} characters"
    if problems:
        raise Invalid("Please give " + ", ".join(problems.values()) + ".", problems)


def check_length(body: str) -> None:
    if len(body) > MAX_MESSAGE:
        raise Invalid(f"A chat message can be at most {MAX_MESSAGE} characters.",
                      {"body": "too long"})


def nature_of(message: str) -> str:
    """The case's nature in the visitor's own words: the first line, cut at a word."""
    first = " ".join(message.strip().splitlines()[0].split()) if message.strip() else ""
    if len(first) <= NATURE_LENGTH:
        return first
    return first[:NATURE_LENGTH].rsplit(" ", 1)[0] + "..."


def chat_case(uow: UnitOfWork, chat: ChatPass) -> Case | None:
    """The case the pass was issued for, while it still belongs to that visitor."""
    case = uow.get(Case, chat.case_id)
    visitor = uow.get(Customer, chat.customer_id)
    # The visitor's record may since have joined another (a confirmed contact claim).
    if case is None or visitor is None or current_customer(uow, visitor).id != case.customer_id:
        return None
    return case


def take_message(uow: UnitOfWork, case: Case, body: str, reach_us: str = "") -> Interaction:
    """The visitor's message on their chat case (reopens it if it was resolved); refused
    politely once staff ended the chat over abuse (`abuse.ConversationEnded`)."""
    check_length(body)
    assert case.id is not None
    abuse.require_chat_open(uow, case, reach_us)
    return interactions.record_inbound(uow, None, case.id, body, channel=Channel.CHAT)


def history(uow: UnitOfWork, case_id: int, limit: int = HISTORY) -> list[Interaction]:
    """The latest messages the visitor may see (never internal notes), oldest first."""
    session: Session = getattr(uow, "session")  # noqa: B009 - the store's read side
    table = interactions_table
    query = (sa.select(Interaction)
             .where(table.c.case_id == case_id, table.c.direction != "note")
             .order_by(table.c.at.desc(), table.c.id.desc())
             .limit(limit))
    return list(reversed(session.scalars(query).all()))
