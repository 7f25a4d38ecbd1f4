"""Which case an inbound message belongs to, and whether it may join it.

Three clues, strongest first: a signed reply token in a recipient address, a Message-ID
in In-Reply-To/References (one of ours, or an earlier message of this customer), and a
case reference in the subject. A clue counts only when the From address is that case's
customer: a stranger quoting someone's reference, or forwarding their reply, gets a case
of their own and never sees or touches the other one.

A From line proves nothing by itself, so a message joins the case only when it carries
one of our signed tokens (the reply address, or one of our Message-IDs it answers) or a
trusted receiving host checked its origin (`origin.py`). Otherwise it is held on the case
for staff to accept or reject (`desk/held_mail.py`), unseen by the customer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from frontliner.channels.email.addresses import case_ref_from_address, ids_from_message_id
from frontliner.channels.email.parsing import ParsedMail
from frontliner.config import Settings
from frontliner.desk.customers import customer_by_contact
from frontliner.desk.errors import Invalid
from frontliner.desk.model import Case, Customer
from frontliner.desk.refs import looks_like_case_ref
from frontliner.store.mail import case_of_message_ids
from frontliner.store.uow import SqlUnitOfWork

_SUBJECT_REF = re.compile(r"\bFL-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}\b")


def sender_customer(uow: SqlUnitOfWork, parsed: ParsedMail) -> Customer | None:
    """The customer whose e-mail contact is the From address (merges followed)."""
    try:
        return customer_by_contact(uow, parsed.from_address)
    except Invalid:
        return None


@dataclass(frozen=True)
class Thread:
    """Where a message goes: `case` None for a new conversation; `held` with the reason
    when it claims to continue `case` but nothing vouches for its sender."""

    case: Case | None
    vouched_by: str | None = None  # "our signed reply token", or the checked origin
    held: str | None = None


def find_case(
    uow: SqlUnitOfWork, connection: Connection, parsed: ParsedMail, settings: Settings
) -> Thread:
    """The case this message continues (and whether it may join it), or a new one.

    Our signed tokens are looked at first: a reply that carries one for the sender's case
    (a customer pressing Reply always does) is settled without the lookups of the weaker
    clues, which could only have lost to it."""
    signed = _signed_candidates(uow, parsed, settings)
    unsigned = None if signed else _unsigned_candidates(uow, connection, parsed)
    if not signed and not unsigned:
        return Thread(None)  # a new conversation
    customer = sender_customer(uow, parsed)
    if customer is None:
        return Thread(None)  # a stranger's message never threads onto anyone's case
    mine = next((case for case in signed if case.customer_id == customer.id), None)
    if mine is not None:
        return Thread(mine, vouched_by="our signed reply token")
    if unsigned is None:
        unsigned = _unsigned_candidates(uow, connection, parsed)
    theirs = [case for case in unsigned if case.customer_id == customer.id]
    if not theirs:
        return Thread(None)
    if parsed.origin is not None:
        return Thread(theirs[0], vouched_by=parsed.origin)
    return Thread(theirs[0], held=(
        "it names the case but carries none of our signed reply tokens, and no trusted "
        "mail server checked that it comes from the customer's address"))


def _signed_candidates(uow: SqlUnitOfWork, parsed: ParsedMail, settings: Settings) -> list[Case]:
    """The cases our signed tokens name: a reply address among the recipients, one of our
    Message-IDs in In-Reply-To/References."""
    # In the order they come, each looked up once (the same case is often named twice).
    refs = [case_ref_from_address(address, settings) for address in parsed.recipients]
    found = [uow.case_by_ref(ref) for ref in dict.fromkeys(refs) if ref is not None]
    ids = [ids_from_message_id(message_id, settings) for message_id in parsed.thread_ids]
    case_ids = dict.fromkeys(ours.case_id for ours in ids if ours is not None)
    found += [uow.get(Case, case_id) for case_id in case_ids]
    return [case for case in found if case is not None]


def _unsigned_candidates(
    uow: SqlUnitOfWork, connection: Connection, parsed: ParsedMail
) -> list[Case]:
    """The cases weaker clues name, in this order: an earlier inbound mail whose
    Message-ID this one answers, a case reference in the subject."""
    found: list[Case | None] = []
    earlier = case_of_message_ids(connection, parsed.thread_ids)
    if earlier is not None:
        found.append(uow.get(Case, earlier))
    refs = dict.fromkeys(_SUBJECT_REF.findall(parsed.subject.upper()))
    found += [uow.case_by_ref(ref) for ref in refs if looks_like_case_ref(ref)]
    return [case for case in found if case is not None]
