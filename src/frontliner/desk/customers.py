"""Customers and their contacts: create, add a contact, merge duplicates.

Contacts are stored normalised (lower-case e-mail; phone as digits with an optional
leading +) so the same person writing from "Ann@Example.com " and "ann@example.com" is
recognised as one customer. A contact belongs to one customer record at a time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from frontliner.desk import access
from frontliner.desk.account_audit import record_account
from frontliner.desk.audit import record
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.model import (
    AccessLink,
    Case,
    Contact,
    ContactKind,
    Customer,
    Interaction,
    Kudos,
    SatisfactionRating,
    User,
)
from frontliner.desk.ports import UnitOfWork

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE_NOISE = re.compile(r"[\s\-().]")
MIN_PHONE_DIGITS = 6
MAX_PHONE_DIGITS = 15  # E.164
MAX_NAME = 200
MAX_LOGINS = 20  # logins of one customer record looked at when merging
MAX_LINKS_SEEN = 1000  # e-mailed links of one address looked at for a used one
_BATCH = 200  # rows moved per query when merging, so a merge never loads a whole table


def normalise_email(value: str) -> str:
    email = value.strip().lower()
    if not _EMAIL.match(email):
        raise Invalid(f"{value!r} is not an e-mail address.", {"contact": "not an e-mail address"})
    return email


def normalise_phone(value: str) -> str:
    raw = _PHONE_NOISE.sub("", value.strip())
    plus = raw.startswith("+")
    digits = raw[1:] if plus else raw
    if not digits.isdigit() or not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        raise Invalid(
            f"{value!r} is not a phone number ({MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits).",
            {"contact": "not a phone number"},
        )
    return ("+" if plus else "") + digits


def parse_contact(value: str) -> tuple[ContactKind, str]:
    """An e-mail if it has an @, otherwise a phone number; normalised either way."""
    if "@" in value:
        return ContactKind.EMAIL, normalise_email(value)
    return ContactKind.PHONE, normalise_phone(value)


def clean_name(value: str, field: str = "name") -> str:
    name = " ".join(value.split())
    if not name:
        raise Invalid.missing({field: "the customer's name"})
    if len(name) > MAX_NAME:
        raise Invalid(f"The {field} is longer than {MAX_NAME} characters.", {field: "too long"})
    return name


def current_customer(uow: UnitOfWork, customer: Customer) -> Customer:
    """Follow merges to the record that is kept today."""
    seen: set[int | None] = set()
    while customer.merged_into_id is not None and customer.id not in seen:
        seen.add(customer.id)
        kept = uow.get(Customer, customer.merged_into_id)
        if kept is None:
            break
        customer = kept
    return customer


def customer_by_contact(uow: UnitOfWork, value: str) -> Customer | None:
    kind, normal = parse_contact(value)
    contact = uow.contact_by_value(kind, normal)
    if contact is None:
        return None
    customer = uow.get(Customer, contact.customer_id)
    return None if customer is None else current_customer(uow, customer)


def create_customer(
    uow: UnitOfWork,
    actor: User | None,
    name: str,
    contacts: Sequence[str] = (),
    now: datetime | None = None,
) -> Customer:
    """A new customer record with its contacts; the first contact is the primary one."""
    access.require_staff(actor)
    at = resolve_now(now)
    parsed = [parse_contact(v) for v in contacts]
    for kind, value in parsed:
        _refuse_taken(uow, kind, value)
    customer = Customer(name=clean_name(name), created_at=at)
    uow.add(customer)
    uow.flush()
    for i, (kind, value) in enumerate(parsed):
        _attach(uow, customer, kind, value, primary=(i == 0))
    return customer


def add_contact(
    uow: UnitOfWork,
    actor: User | None,
    customer_id: int,
    value: str,
    primary: bool = False,
    now: datetime | None = None,
) -> Contact:
    """Staff, or the customer for their own record, add an e-mail or phone number."""
    # load_customer already hides other customers' records from a customer (404).
    customer = access.load_customer(uow, actor, customer_id)
    kind, normal = parse_contact(value)
    _refuse_taken(uow, kind, normal)
    if primary:
        for other in uow.find(Contact, limit=_BATCH, customer_id=customer.id):
            other.is_primary = False
    return _attach(uow, customer, kind, normal, primary=primary)


def merge_customers(
    uow: UnitOfWork,
    actor: User | None,
    keep_id: int,
    duplicate_id: int,
    now: datetime | None = None,
) -> Customer:
    """Fold a duplicate record into `keep`: its contacts, cases, messages, ratings and
    logins move over; the duplicate stays, marked as merged, so old links still resolve.

    When both records have a login, each login would see the other's cases afterwards:
    only a lead (or admin) may do it, only once both logins' addresses are confirmed
    (each has used an e-mailed link), and it is written in both logins' audit trail.
    Any staff member may merge when at most one record has a login."""
    access.require_staff(actor)
    at = resolve_now(now)
    if keep_id == duplicate_id:
        raise Invalid("A customer cannot be merged into itself.", {"duplicate_id": "same as keep"})
    keep = access.load_customer(uow, actor, keep_id)
    duplicate = access.load_customer(uow, actor, duplicate_id)
    for merged in (keep, duplicate):
        if merged.merged_into_id is not None:
            raise Conflict(
                f"Customer {merged.id} was already merged into {merged.merged_into_id}.",
                {"customer_id": merged.id, "merged_into_id": merged.merged_into_id},
            )
    assert keep.id is not None and duplicate.id is not None
    logins = _check_login_merge(uow, actor, keep.id, duplicate.id)
    fold_into(uow, actor, keep, duplicate, at)
    for login in logins:
        record_account(uow, "customers_merged", actor, user_id=login.id, now=at,
                       kept_customer_id=keep.id, merged_customer_id=duplicate.id)
    return keep


def fold_into(
    uow: UnitOfWork, actor: User | None, keep: Customer, duplicate: Customer, at: datetime
) -> None:
    """Move everything of `duplicate` onto `keep` and mark it merged. No checks: the
    caller decided it may be done (`merge_customers`, or a confirmed contact claim)."""
    assert keep.id is not None and duplicate.id is not None
    _move_contacts(uow, duplicate.id, keep.id)
    _move_cases(uow, actor, duplicate.id, keep.id, at)
    for kind in (Interaction, SatisfactionRating):
        _move_attr(uow, kind, "customer_id", duplicate.id, keep.id)
    _move_attr(uow, User, "customer_id", duplicate.id, keep.id)
    _move_attr(uow, Kudos, "from_customer_id", duplicate.id, keep.id)
    duplicate.merged_into_id = keep.id


def _check_login_merge(
    uow: UnitOfWork, actor: User | None, keep_id: int, duplicate_id: int
) -> list[User]:
    """The logins of both records when each has one (after checking who may merge
    them), else []: a merge that joins no two logins needs nothing more."""
    keep_logins = uow.find(User, limit=MAX_LOGINS, customer_id=keep_id)
    duplicate_logins = uow.find(User, limit=MAX_LOGINS, customer_id=duplicate_id)
    if not keep_logins or not duplicate_logins:
        return []
    if not access.has_authority(actor):
        raise Forbidden("Both customers have a login, so each would see the other's cases: "
                        "a lead merges them.", {"duplicate_id": "both have a login"})
    unconfirmed = [u.email for u in keep_logins + duplicate_logins
                   if not address_confirmed(uow, u.email)]
    if unconfirmed:
        raise Conflict("Both customers have a login; each address must be confirmed (its "
                       "owner has used an e-mailed sign-in or reset link) before they are "
                       f"merged. Not yet confirmed: {', '.join(unconfirmed)}.",
                       {"unconfirmed": unconfirmed})
    return keep_logins + duplicate_logins


def address_confirmed(uow: UnitOfWork, email: str) -> bool:
    """Whether the owner of `email` has proved it: one of the links mailed to it was used
    (a link is only ever marked used when one of that address's links is redeemed)."""
    links = uow.find(AccessLink, limit=MAX_LINKS_SEEN, email=email)
    return any(link.used_at is not None for link in links)


def _refuse_taken(uow: UnitOfWork, kind: ContactKind, value: str) -> None:
    taken = uow.contact_by_value(kind, value)
    if taken is not None:
        raise Conflict(
            f"The {kind.value} {value} already belongs to customer {taken.customer_id}; "
            "merge the two records instead.",
            {"customer_id": taken.customer_id, "contact": value},
        )


def _attach(
    uow: UnitOfWork, customer: Customer, kind: ContactKind, value: str, primary: bool
) -> Contact:
    assert customer.id is not None
    contact = Contact(customer_id=customer.id, kind=kind, value=value, is_primary=primary)
    uow.add(contact)
    uow.flush()
    return contact


def _move_contacts(uow: UnitOfWork, from_id: int, to_id: int) -> None:
    while batch := uow.find(Contact, limit=_BATCH, customer_id=from_id):
        for contact in batch:
            contact.customer_id = to_id
            contact.is_primary = False  # the kept record keeps its own primary contact
        uow.flush()


def _move_cases(
    uow: UnitOfWork, actor: User | None, from_id: int, to_id: int, at: datetime
) -> None:
    while batch := uow.find(Case, limit=_BATCH, customer_id=from_id):
        for case in batch:
            case.customer_id = to_id
            record(uow, case, "customer_merged", actor, at, from_customer_id=from_id,
                   to_customer_id=to_id)
        uow.flush()


def _move_attr(uow: UnitOfWork, kind: type[object], attr: str, from_id: int, to_id: int) -> None:
    while batch := uow.find(kind, limit=_BATCH, **{attr: from_id}):
        for obj in batch:
            setattr(obj, attr, to_id)
        uow.flush()
