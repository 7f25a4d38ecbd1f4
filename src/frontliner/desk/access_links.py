"""E-mailed access links: passwordless sign-in to the customer portal, password reset.

Asking (`request_link`) takes the same path whether or not the address has an account:
one lookup of the login, one of the customer contact, one link recorded. Only a link for
an address the desk knows is *deliverable* (the outbox mails it); the others are kept
unsent, so neither the answer nor the work done tells anyone which addresses exist.

Who may get which link:
- sign-in: an active customer login, or a customer record with that e-mail address and
  no login yet (the login is created when the link is used, not before);
- reset: any active login (staff or customer), or such a customer record (the reset
  creates their login with the new password).

The link's secret never reaches the desk: the caller passes `seal`, which turns the
link's id into the hash of its secret (the web and the mail sender derive the secret
from the id with the app's key). A link is single use and short-lived; using one also
ends the other open links of the same address and purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from frontliner.desk.account_audit import record_account
from frontliner.desk.clock import resolve_now
from frontliner.desk.customers import current_customer, normalise_email
from frontliner.desk.errors import Conflict, NotFound
from frontliner.desk.model import (
    AccessLink,
    AccessPurpose,
    ContactKind,
    Customer,
    Role,
    User,
    id_of,
)
from frontliner.desk.passwords import check_strength, hash_password
from frontliner.desk.ports import UnitOfWork
from frontliner.desk.users import end_sign_ins

DEFAULT_TTL = timedelta(minutes=30)
MAX_OPEN = 50  # open links of one address superseded at once (rate limits keep it small)
# One sentence for every link that cannot be used, whatever the reason, so a link
# reveals nothing about the account behind it.
NOT_USABLE = ("This link has expired or was already used. Ask for a new one: it is sent "
              "to the same address.")


def request_link(
    uow: UnitOfWork,
    purpose: AccessPurpose,
    email: str,
    seal: Callable[[int], str],
    *,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
) -> AccessLink:
    """Record a request for a link to `email`; deliverable only for a known account."""
    at = resolve_now(now)
    address = normalise_email(email)
    user_id, customer_id = _holder_of(uow, purpose, address)
    link = AccessLink(purpose=purpose, email=address, created_at=at, expires_at=at + ttl,
                      user_id=user_id, customer_id=customer_id)
    uow.add(link)
    uow.flush()
    link.token_hash = seal(id_of(link))
    return link


def _holder_of(uow: UnitOfWork, purpose: AccessPurpose,
               address: str) -> tuple[int | None, int | None]:
    found = uow.find(User, limit=1, email=address)
    if found:
        user = found[0]
        allowed = user.active and (purpose == AccessPurpose.PASSWORD_RESET
                                   or user.role == Role.CUSTOMER)
        return (user.id, user.customer_id) if allowed else (None, None)
    contact = uow.contact_by_value(ContactKind.EMAIL, address)
    customer = uow.get(Customer, contact.customer_id) if contact is not None else None
    if customer is None:
        return None, None
    return None, current_customer(uow, customer).id


def open_link(
    uow: UnitOfWork, link_id: int, token_hash: str, purpose: AccessPurpose,
    now: datetime | None = None,
) -> AccessLink:
    """The link if it can be used now (GET shows it; nothing changes). Any other case is
    the same `NotFound`, with `NOT_USABLE`."""
    at = resolve_now(now)
    link = uow.get(AccessLink, link_id)
    if (link is None or link.token_hash != token_hash or link.purpose != purpose
            or not link.deliverable or link.used_at is not None or link.expires_at <= at):
        raise NotFound(NOT_USABLE, {"link": "expired or used"})
    return link


def redeem_sign_in(uow: UnitOfWork, link: AccessLink, now: datetime | None = None) -> User:
    """Use a sign-in link: the customer login it is for (created now if the customer had
    none). The caller opens the session after committing."""
    at = resolve_now(now)
    user = _login_for(uow, link, at)
    if user.role != Role.CUSTOMER:
        raise NotFound(NOT_USABLE, {"link": "not a customer login"})
    _use(uow, link, at)
    return user


def redeem_reset(
    uow: UnitOfWork, link: AccessLink, password: str, now: datetime | None = None
) -> User:
    """Use a reset link: set the new password (argon2id). Every session and API token
    opened before ends (`users.end_sign_ins`); the caller opens a new session."""
    at = resolve_now(now)
    check_strength(password)  # before anything changes: a weak password keeps the link
    user = _login_for(uow, link, at)
    user.password_hash = hash_password(password)
    end_sign_ins(uow, user)
    _use(uow, link, at)
    record_account(uow, "password_reset", None, user_id=user.id, now=at, by="e-mailed link")
    return user


def _login_for(uow: UnitOfWork, link: AccessLink, at: datetime) -> User:
    """The login the link is for; for a customer with none yet, a new customer login."""
    if link.user_id is not None:
        user = uow.get(User, link.user_id)
        if user is None or not user.active or user.email != link.email:
            raise NotFound(NOT_USABLE, {"link": "login changed"})
        return user
    found = uow.find(User, limit=1, email=link.email)
    if found:  # a login for this address appeared since the link was sent
        if found[0].role != Role.CUSTOMER or found[0].customer_id != link.customer_id:
            raise NotFound(NOT_USABLE, {"link": "login changed"})
        return found[0]
    return _new_customer_login(uow, link, at)


def _new_customer_login(uow: UnitOfWork, link: AccessLink, at: datetime) -> User:
    customer = uow.get(Customer, link.customer_id) if link.customer_id is not None else None
    if customer is None:
        raise NotFound(NOT_USABLE, {"link": "customer gone"})
    customer = current_customer(uow, customer)
    user = User(name=customer.name, email=link.email, role=Role.CUSTOMER,
                customer_id=customer.id, created_at=at)
    uow.add(user)
    uow.flush()
    record_account(uow, "customer_login_created", None, user_id=user.id, now=at,
                   customer_id=customer.id, by=f"{link.purpose.value} link")
    return user


def _use(uow: UnitOfWork, link: AccessLink, at: datetime) -> None:
    if link.used_at is not None:
        raise Conflict(NOT_USABLE, {"link": "already used"})
    link.used_at = at
    for other in uow.find(AccessLink, limit=MAX_OPEN, email=link.email,
                          purpose=link.purpose, used_at=None):
        if other is not link:
            other.used_at = at  # superseded: an older mail's link no longer works


__all__ = ["NOT_USABLE", "open_link", "redeem_reset", "redeem_sign_in",
           "request_link"]
