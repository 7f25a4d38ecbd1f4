"""Which case an inbound message belongs to.

Three clues, strongest first: a signed reply token in a recipient address, a Message-ID
in In-Reply-To/References (one of ours, or an earlier message of this customer), and a
case reference in the subject. A clue counts only when the sender IS that case's customer
(by their From address): a stranger quoting someone's reference, or forwarding their
reply, gets a case of their own and never sees or touches the other one.
"""

from __future__ import annotations

import re

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


def find_case(
    uow: SqlUnitOfWork, connection: Connection, parsed: ParsedMail, settings: Settings
) -> Case | None:
    """The case this message continues, or None for a new conversation."""
    candidates = [c for c in _candidates(uow, connection, parsed, settings) if c is not None]
    if not candidates:
        return None  # a new conversation
    customer = sender_customer(uow, parsed)
    if customer is None:
        return None  # a stranger's message never threads onto anyone's case
    return next((c for c in candidates if c.customer_id == customer.id), None)


def _candidates(
    uow: SqlUnitOfWork, connection: Connection, parsed: ParsedMail, settings: Settings
) -> list[Case | None]:
    found: list[Case | None] = []
    for address in parsed.recipients:
        ref = case_ref_from_address(address, settings)
        if ref is not None:
            found.append(uow.case_by_ref(ref))
    for message_id in parsed.thread_ids:
        ours = ids_from_message_id(message_id, settings)
        if ours is not None:
            found.append(uow.get(Case, ours.case_id))
    earlier = case_of_message_ids(connection, parsed.thread_ids)
    if earlier is not None:
        found.append(uow.get(Case, earlier))
    for ref in _SUBJECT_REF.findall(parsed.subject.upper()):
        if looks_like_case_ref(ref):
            found.append(uow.case_by_ref(ref))
    return found
