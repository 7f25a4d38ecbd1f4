"""E-mailed links: passwordless sign-in to the portal (`/portal/sign-in`, `/register`)
and password reset (`/forgot`, `/reset/{token}`), for staff and customers.

Asking for a link answers the same page, with the same work done, whether or not the
address has an account (see `desk.access_links`). Requests are rate-limited per address
(over the limit: the same answer, nothing more is sent) and per client (a 429 page that
names only the client's own pace). Opening a link (GET) changes nothing, because mail
scanners open links; the button on that page (POST) signs in or sets the password.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.config import Settings
from frontliner.desk import access_links
from frontliner.desk.errors import Conflict, Invalid, NotFound
from frontliner.desk.model import AccessLink, AccessPurpose, User
from frontliner.desk.passwords import MAX_LENGTH, MIN_LENGTH
from frontliner.desk.ports import UnitOfWork
from frontliner.web.access_requests import ask_for_link, link_for_token
from frontliner.web.deps import UowDep
from frontliner.web.pages.security import renew_csrf_token
from frontliner.web.pages.templating import render
from frontliner.web.sign_in import open_signed_in

router = APIRouter()

SIGN_IN, RESET = AccessPurpose.SIGN_IN, AccessPurpose.PASSWORD_RESET
ASK_PAGES = {SIGN_IN: "access/sign_in.html", RESET: "access/forgot.html"}
EmailField = Annotated[str, Form(max_length=320)]


# --- asking for a link -----------------------------------------------------------------


@router.get("/register")
def register() -> Response:
    """There is nothing to register: every customer we have an address for can sign in."""
    return RedirectResponse("/portal/sign-in", status_code=303)


@router.get("/portal/sign-in")
def sign_in_page(request: Request) -> Response:
    return _ask_page(request, SIGN_IN)


@router.post("/portal/sign-in")
def ask_sign_in(request: Request, uow: UowDep, email: EmailField = "") -> Response:
    return _ask(request, uow, SIGN_IN, email)


@router.get("/forgot")
def forgot_page(request: Request) -> Response:
    return _ask_page(request, RESET)


@router.post("/forgot")
def ask_reset(request: Request, uow: UowDep, email: EmailField = "") -> Response:
    return _ask(request, uow, RESET, email)


def _ask_page(request: Request, purpose: AccessPurpose, email: str = "", error: str = "",
              status_code: int = 200) -> Response:
    return render(request, ASK_PAGES[purpose], {"email": email, "error": error},
                  status_code=status_code)


def _ask(request: Request, uow: UnitOfWork, purpose: AccessPurpose, email: str) -> Response:
    try:
        wait = ask_for_link(request, uow, purpose, email)
    except Invalid:
        return _ask_page(request, purpose, email,
                         "Write your e-mail address, like name@example.com.", 422)
    if wait:
        message = (f"We have had many requests from your connection. Please wait {wait} "
                   "seconds and ask again.")
        return _ask_page(request, purpose, email, message, 429)
    settings: Settings = request.app.state.settings
    return render(request, "access/sent.html",
                  {"email": " ".join(email.split()).lower(),
                   "minutes": settings.access_link_minutes, "purpose": purpose.value})


# --- using a link ----------------------------------------------------------------------


def _link(request: Request, uow: UnitOfWork, token: str, purpose: AccessPurpose) -> AccessLink:
    return link_for_token(request, uow, token, purpose)


def _unusable(request: Request, purpose: AccessPurpose, message: str) -> Response:
    return render(request, "access/unusable.html",
                  {"message": message, "again": "/portal/sign-in" if purpose == SIGN_IN
                   else "/forgot"}, status_code=404)


@router.get("/portal/sign-in/{token}")
def sign_in_link(request: Request, uow: UowDep, token: str) -> Response:
    try:
        _link(request, uow, token, SIGN_IN)
    except NotFound as gone:
        return _unusable(request, SIGN_IN, gone.message)
    return render(request, "access/use_sign_in.html", {"token": token})


@router.post("/portal/sign-in/{token}")
def use_sign_in_link(request: Request, uow: UowDep, token: str) -> Response:
    try:
        user = access_links.redeem_sign_in(uow, _link(request, uow, token, SIGN_IN))
        uow.commit()
    except (NotFound, Conflict):
        return _unusable(request, SIGN_IN, access_links.NOT_USABLE)
    open_session(request, uow, user)
    return RedirectResponse("/portal", status_code=303)


@router.get("/reset/{token}")
def reset_link(request: Request, uow: UowDep, token: str) -> Response:
    try:
        _link(request, uow, token, RESET)
    except NotFound as gone:
        return _unusable(request, RESET, gone.message)
    return _reset_form(request, token)


def _reset_form(request: Request, token: str, error: str = "", status_code: int = 200,
                ) -> Response:
    return render(request, "access/reset.html",
                  {"token": token, "error": error, "min_length": MIN_LENGTH},
                  status_code=status_code)


@router.post("/reset/{token}")
def use_reset_link(
    request: Request,
    uow: UowDep,
    token: str,
    password: Annotated[str, Form(max_length=MAX_LENGTH * 4)] = "",
    repeat: Annotated[str, Form(max_length=MAX_LENGTH * 4)] = "",
) -> Response:
    if password != repeat:
        return _reset_form(request, token, "The two passwords differ. Type the same "
                           "password in both boxes.", 422)
    try:
        user = access_links.redeem_reset(uow, _link(request, uow, token, RESET), password)
        uow.commit()
    except Invalid as weak:
        return _reset_form(request, token, weak.message, 422)
    except (NotFound, Conflict):
        return _unusable(request, RESET, access_links.NOT_USABLE)
    open_session(request, uow, user)
    return RedirectResponse("/", status_code=303)


def open_session(request: Request, uow: UnitOfWork, user: User) -> None:
    """Sign `user` in, exactly as the login form does (a fresh session and CSRF token)."""
    open_signed_in(request, uow, user)
    renew_csrf_token(request)
