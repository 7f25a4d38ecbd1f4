"""Who is looking at a page: the page-route helper, and the login and logout pages.

Pages use the same signed session as `POST /api/v1/auth/login` (one login serves both).
`page_user(*roles)` is the gate of every page: nobody logged in -> the login page, which
comes back to where the person was going; logged in with another role -> a 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.desk.customers import normalise_email
from frontliner.desk.errors import Invalid
from frontliner.desk.model import Role, User
from frontliner.desk.passwords import MAX_LENGTH, hash_password, verify_password
from frontliner.desk.ports import UnitOfWork
from frontliner.web.deps import (
    SESSION_FINGERPRINT,
    SESSION_USER,
    UowDep,
    note_seen,
    password_fingerprint,
)
from frontliner.web.pages.errors import LoginRequired, PageError
from frontliner.web.pages.security import renew_csrf_token
from frontliner.web.pages.templating import current_page_user, render, set_page_user

router = APIRouter()

STAFF = (Role.AGENT, Role.LEAD, Role.ADMIN)
AUTHORITY = (Role.LEAD, Role.ADMIN)
HOME_BY_ROLE = {Role.AGENT: "/work", Role.LEAD: "/work", Role.ADMIN: "/work",
                Role.CUSTOMER: "/portal"}
_BAD_LOGIN = "Wrong e-mail or password. Check both and try again."
_THROTTLED = "Too many failed logins for this address. Wait a few minutes, then try again."
# Verifying against a real hash when the e-mail is unknown keeps login timing the same
# whether or not the account exists.
_ABSENT = hash_password("no account has this password")


def session_user(request: Request, uow: UnitOfWork) -> User | None:
    """The logged-in user of this session, or None (and a cleared session) when the
    account is gone, deactivated, or its password changed since the login."""
    user_id = request.session.get(SESSION_USER)
    if not isinstance(user_id, int):
        return None
    user = uow.get(User, user_id)
    if user is None or not user.active or (
        request.session.get(SESSION_FINGERPRINT) != password_fingerprint(user)
    ):
        request.session.clear()
        return None
    return user


def page_user(*roles: Role) -> Callable[..., User]:
    """Dependency for a page route: the logged-in user, who must have one of `roles`."""

    def gate(request: Request, uow: UowDep) -> User:
        user = session_user(request, uow)
        if user is None:
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(here)
        set_page_user(request, user)
        note_seen(uow, user)
        if roles and user.role not in roles:
            raise PageError(403, "Your account cannot open this page.")
        return user

    return gate


StaffPageUser = Annotated[User, Depends(page_user(*STAFF))]
LeadPageUser = Annotated[User, Depends(page_user(*AUTHORITY))]
CustomerPageUser = Annotated[User, Depends(page_user(Role.CUSTOMER))]
AnyPageUser = Annotated[User, Depends(page_user())]


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site: never send a freshly logged-in user elsewhere."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target:
        return fallback
    return target


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


@router.get("/", include_in_schema=False)
def home(request: Request, uow: UowDep) -> Response:
    user = session_user(request, uow)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME_BY_ROLE[user.role], status_code=303)


@router.get("/login", include_in_schema=False)
def login_page(request: Request, uow: UowDep, next: str | None = None) -> Response:
    user = session_user(request, uow)
    if user is not None:
        return RedirectResponse(safe_next(next, HOME_BY_ROLE[user.role]), status_code=303)
    return render(request, "login.html", {"next": safe_next(next, ""), "email": "",
                                          "error": None})


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    uow: UowDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=MAX_LENGTH * 4)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    # The API's login throttle, when the app has one: one count per address for both.
    throttle = getattr(request.app.state, "login_throttle", None)
    key = " ".join(email.split()).lower()
    if throttle is not None and throttle.blocked_for(key):
        context = {"next": safe_next(next, ""), "email": email, "error": _THROTTLED}
        return render(request, "login.html", context, status_code=429)
    user = authenticate(uow, email, password)
    if user is None:
        if throttle is not None:
            throttle.failed(key)
        context = {"next": safe_next(next, ""), "email": email, "error": _BAD_LOGIN}
        return render(request, "login.html", context, status_code=401)
    if throttle is not None:
        throttle.succeeded(key)
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_FINGERPRINT] = password_fingerprint(user)
    renew_csrf_token(request)
    return RedirectResponse(safe_next(next, HOME_BY_ROLE[user.role]), status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request) -> Response:
    request.session.clear()
    renew_csrf_token(request)
    return RedirectResponse("/login", status_code=303)


__all__ = [
    "AnyPageUser",
    "CustomerPageUser",
    "LeadPageUser",
    "StaffPageUser",
    "current_page_user",
    "page_user",
    "router",
    "session_user",
]
