"""E-mailed links over the API: ask for a sign-in or reset link, and use one.

The same rules as the pages (`web/access_requests.py`): the same answer whether or not
the address is known, rate limits per address and per client, single-use links.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from frontliner.desk import access_links
from frontliner.desk.errors import Conflict, NotFound
from frontliner.desk.model import AccessPurpose
from frontliner.desk.ports import UnitOfWork
from frontliner.web.access_requests import ask_for_link, link_for_token
from frontliner.web.deps import UowDep
from frontliner.web.errors import ApiError
from frontliner.web.lookup import render
from frontliner.web.schemas.access import LinkRequestIn, LinkRequestOut, ResetLinkIn, SignInLinkIn
from frontliner.web.schemas.common import ERRORS
from frontliner.web.schemas.users import UserOut
from frontliner.web.sign_in import open_signed_in

router = APIRouter(prefix="/auth/links", tags=["auth"], responses=ERRORS)
ANSWER = "If the address is one we know, a link is on its way to it."


@router.post("", response_model=LinkRequestOut, status_code=202,
             summary="E-mail a sign-in (customers) or password-reset link; same answer for "
                     "every address")
def ask(body: LinkRequestIn, request: Request, uow: UowDep) -> Any:
    wait = ask_for_link(request, uow, body.purpose, body.email)
    if wait:
        raise ApiError(429, "too_many_requests",
                       "Too many link requests from this client; try again later.",
                       {"retry_after_seconds": wait}, headers={"Retry-After": str(wait)})
    return LinkRequestOut(message=ANSWER)


@router.post("/sign-in", response_model=UserOut,
             summary="Use a sign-in link: sets the session cookie (creates the customer "
                     "login on first use)")
def sign_in(body: SignInLinkIn, request: Request, uow: UowDep) -> Any:
    link = link_for_token(request, uow, body.token, AccessPurpose.SIGN_IN)
    user = access_links.redeem_sign_in(uow, link)
    _commit(uow)
    open_signed_in(request, uow, user)
    return render(UserOut, user)


@router.post("/reset", response_model=UserOut,
             summary="Use a reset link: set the new password and sign in")
def reset(body: ResetLinkIn, request: Request, uow: UowDep) -> Any:
    link = link_for_token(request, uow, body.token, AccessPurpose.PASSWORD_RESET)
    user = access_links.redeem_reset(uow, link, body.password)
    _commit(uow)
    open_signed_in(request, uow, user)
    return render(UserOut, user)


def _commit(uow: UnitOfWork) -> None:
    try:
        uow.commit()
    except Conflict:  # the same link used twice at once: the second is too late
        raise NotFound(access_links.NOT_USABLE, {"link": "already used"}) from None

