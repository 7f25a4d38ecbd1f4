"""Signing in, one implementation for the login page and `POST /api/v1/auth/login`, and
for the e-mailed links: the throttle first (`web/throttle.py`), then the password, then
a new server-side session (`web/sessions.py`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import HTTPConnection

from frontliner.desk import accounts
from frontliner.desk.customers import normalise_email
from frontliner.desk.errors import Invalid
from frontliner.desk.model import User
from frontliner.desk.passwords import MAX_LENGTH, hash_password, verify_password
from frontliner.desk.ports import UnitOfWork
from frontliner.store.session_tables import delete_sessions_of
from frontliner.web.lookup import session_of
from frontliner.web.public.security import client_ip
from frontliner.web.sessions import end_session, start_session
from frontliner.web.throttle import SignInThrottle, Throttled

# Verifying against a real hash when the e-mail is unknown keeps sign-in timing the same
# whether or not the account exists.
_ABSENT = hash_password("no account has this password")


def authenticate(uow: UnitOfWork, email: str, password: str) -> User | None:
    try:
        address = normalise_email(email)
    except Invalid:
        address = None
    found = uow.find(User, limit=1, email=address) if address else []
    user = found[0] if found else None
    # An over-long password is refused without hashing it (hashing a megabyte is a DoS).
    candidate = password if len(password) <= MAX_LENGTH else ""
    ok = verify_password(user.password_hash if user and user.password_hash else _ABSENT,
                         candidate)
    if user is None or not ok or not user.password_hash or not user.active:
        return None
    return user


def throttle_of(connection: HTTPConnection) -> SignInThrottle:
    throttle: SignInThrottle = connection.app.state.sign_in_throttle
    return throttle


def try_password(connection: HTTPConnection, uow: UnitOfWork, email: str,
                 password: str) -> User | Throttled | None:
    """The user, signed in (session started); `Throttled` when this attempt may not be
    made now (the password is not checked); None for a wrong address or password (the
    failure is counted)."""
    throttle, client, now = throttle_of(connection), client_ip(connection), datetime.now(UTC)
    db = session_of(uow)
    refused = throttle.check(db, email, client, now)
    if refused is not None:
        return refused
    user = authenticate(uow, email, password)
    if user is None:
        throttle.failed(db, email, client, now)
        uow.commit()
        return None
    open_signed_in(connection, uow, user)
    return user


def open_signed_in(connection: HTTPConnection, uow: UnitOfWork, user: User) -> None:
    """Start `user`'s session (password or e-mailed link, the caller's work committed):
    this client becomes one of their usual places, its failures forgotten."""
    assert user.id is not None
    throttle_of(connection).succeeded(session_of(uow), user.email, client_ip(connection),
                                      datetime.now(UTC))
    uow.commit()
    start_session(connection, user.id)


def sign_out_everywhere(connection: HTTPConnection, uow: UnitOfWork, user: User, *,
                        tokens: bool) -> None:
    """End every session of `user`, this one too (and with `tokens` their API tokens),
    in every app process: the desk marks the moment, the rows go."""
    assert user.id is not None
    accounts.sign_out_everywhere(uow, user, user.id, tokens=tokens)
    delete_sessions_of(session_of(uow), user.id)
    uow.commit()
    end_session(connection)
