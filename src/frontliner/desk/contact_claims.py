"""Messages through the open doors that give a customer's address: kept apart until the
address confirms.

Anyone may type any address into the contact form or the chat. When it is the e-mail
address of a customer who has a login, joining their record at once would put a
stranger's words in that customer's portal (and let the stranger write as them). So such
a case opens on a record of its own, with a claim on the login-holder's record; the
address is mailed a signed link (`channels/claim_links.py`), and only when it is opened
and confirmed does the case join the customer's record. Staff see the claim on the case
until then. A signed-in customer, staff, and mail whose origin was checked need none of
this: they open cases as before.
"""

from __future__ import annotations

from datetime import datetime

from frontliner.desk.audit import record
from frontliner.desk.clock import resolve_now
from frontliner.desk.customers import (
    current_customer,
    customer_by_contact,
    fold_into,
    parse_contact,
)
from frontliner.desk.errors import NotFound
from frontliner.desk.model import Case, ContactClaim, ContactKind, Customer, Role, User
from frontliner.desk.ports import UnitOfWork


def login_holder(uow: UnitOfWork, contact: str) -> Customer | None:
    """The customer whose e-mail address `contact` is, when that customer has a login."""
    kind, _value = parse_contact(contact)
    if kind != ContactKind.EMAIL:
        return None
    customer = customer_by_contact(uow, contact)
    if customer is None:
        return None
    logins = uow.find(User, limit=1, customer_id=customer.id, role=Role.CUSTOMER)
    return customer if logins else None


def record_claim(uow: UnitOfWork, case: Case, holder: Customer, contact: str,
                 at: datetime) -> ContactClaim:
    """Note that `case` (on a record of its own) gave the address of `holder`."""
    assert case.id is not None and holder.id is not None
    _kind, email = parse_contact(contact)
    claim = ContactClaim(case_id=case.id, customer_id=holder.id, email=email, created_at=at)
    uow.add(claim)
    uow.flush()
    record(uow, case, "contact_unconfirmed", None, at, claimed_customer_id=holder.id)
    return claim


def claim_of_case(uow: UnitOfWork, case_id: int) -> ContactClaim | None:
    found = uow.find(ContactClaim, limit=1, case_id=case_id)
    return found[0] if found else None


def confirm_claim(uow: UnitOfWork, claim_id: int, now: datetime | None = None) -> Case:
    """The address opened its link and confirmed: the case joins the claimed customer's
    record (their portal shows it from now on). Confirming twice changes nothing."""
    at = resolve_now(now)
    claim = uow.get(ContactClaim, claim_id)
    case = uow.get(Case, claim.case_id) if claim is not None else None
    if claim is None or case is None:
        raise NotFound("This message is no longer on the desk.")
    if claim.confirmed_at is not None:
        return case
    holder = uow.get(Customer, claim.customer_id)
    apart = uow.get(Customer, case.customer_id)
    if holder is None or apart is None:
        raise NotFound("This message is no longer on the desk.")
    holder = current_customer(uow, holder)
    if apart.id != holder.id:
        fold_into(uow, None, holder, apart, at)
    claim.confirmed_at = at
    record(uow, case, "contact_confirmed", None, at, customer_id=holder.id)
    uow.flush()
    return case
