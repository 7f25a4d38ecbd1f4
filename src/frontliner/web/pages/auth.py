"""Who is looking at a page: the page-route helper, and the login and logout pages.

Pages use the same server-side session as `POST /api/v1/auth/login` (one login serves
both; `web/sessions.py`). Signing in goes through `web/sign_in.py` (throttle, password).
`page_user(*roles)` is the gate of every page: nobody logged in -> the login page, which
comes back to where the person was going; logged in with another role -> a 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.desk.model import Role, User
from frontliner.desk.passwords import MAX_LENGTH
from frontliner.desk.ports import UnitOfWork
from frontliner.desk.practice.operations import welcome_on_first_sign_in
from frontliner.web.deps import UowDep, note_seen
from frontliner.web.pages.errors import LoginRequired, PageError
from frontliner.web.pages.security import renew_csrf_token
from frontliner.web.pages.templating import current_page_user, render, set_page_user
from frontliner.web.sessions import end_session, session_user_id
from frontliner.web.sign_in import try_password

router = APIRouter()

STAFF = (Role.AGENT, Role.LEAD, Role.ADMIN)
AUTHORITY = (Role.LEAD, Role.ADMIN)
HOME_BY_ROLE = {Role.AGENT: "/work", Role.LEAD: "/work", Role.ADMIN: "/work",
                Role.CUSTOMER: "/portal"}
# A new agent's first sign-in opens practice with its welcome (once; desk/practice).
PRACTICE_WELCOME = "/practice?welcome=1"
_BAD_LOGIN = "Wrong e-mail or password. Check both and try again."


def session_user(request: Request, uow: UnitOfWork) -> User | None:
    """The logged-in user of this session, or None when nobody is, or the account is gone
    or deactivated (a session also ends when its user signs out everywhere or changes
    their password: `web/sessions.py` no longer finds it)."""
    user_id = session_user_id(request)
    user = None if user_id is None else uow.get(User, user_id)
    if user is None or not user.active:
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


def home_of(uow: UnitOfWork, user: User) -> str:
    """Where a signed-in user starts: a new agent's first time opens practice with its
    welcome (whether they came through the login form or a password link), once."""
    if welcome_on_first_sign_in(uow, user):
        uow.commit()  # shown once: recorded as this first sign-in succeeds
        return PRACTICE_WELCOME
    return HOME_BY_ROLE[user.role]


@router.get("/", include_in_schema=False)
def home(request: Request, uow: UowDep) -> Response:
    user = session_user(request, uow)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(home_of(uow, user), status_code=303)


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
    user = try_password(request, uow, email, password)
    if not isinstance(user, User):
        context = {"next": safe_next(next, ""), "email": email,
                   "error": user.message if user else _BAD_LOGIN}
        if user is None:
            return render(request, "login.html", context, status_code=401)
        answer = render(request, "login.html", context, status_code=429)
        answer.headers["Retry-After"] = str(user.seconds)
        return answer
    renew_csrf_token(request)
    target = safe_next(next, HOME_BY_ROLE[user.role])
    if target == HOME_BY_ROLE[user.role]:
        target = home_of(uow, user)
    return RedirectResponse(target, status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request) -> Response:
    end_session(request)  # the session's row goes: a copy of the cookie is worthless now
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
