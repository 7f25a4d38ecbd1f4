"""Anyone's own account (`/account`): who they are, where they are signed in (with "sign
out everywhere", which can revoke their API tokens too), and their own API tokens --
create (the secret is shown once), list with prefix and last use, revoke. The same
operations as `POST /api/v1/auth/sign-out-everywhere` and `POST/GET/DELETE
/api/v1/auth/tokens` (`web/sign_in.py`, `web/tokens.py`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.desk.errors import DeskError
from frontliner.desk.model import User
from frontliner.desk.ports import UnitOfWork
from frontliner.store import account_queries
from frontliner.store.session_tables import sessions_of
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import AnyPageUser
from frontliner.web.pages.lead import done, flash
from frontliner.web.pages.templating import render
from frontliner.web.schemas.bounds import Id
from frontliner.web.sessions import current_session_id
from frontliner.web.sign_in import sign_out_everywhere
from frontliner.web.tokens import issue_token, revoke_token

router = APIRouter(prefix="/account")
PAGE_SIZE = 50


@router.get("")
def account_home() -> Response:
    return RedirectResponse("/account/tokens", status_code=303)


def _tokens_page(request: Request, uow: UnitOfWork, user: User, secret: str = "",
                 error: str = "", status_code: int = 200) -> Response:
    assert user.id is not None
    found = account_queries.list_tokens(session_of(uow), user.id, None, PAGE_SIZE)
    idle = timedelta(minutes=request.app.state.settings.session_idle_minutes)
    signed_in = sessions_of(session_of(uow), user.id, datetime.now(UTC), idle)
    context = {"me": user, "tokens": found.items, "secret": secret, "error": error,
               "done": flash(request), "revoke_base": "/account/tokens",
               "create_action": "/account/tokens", "sessions": signed_in,
               "this_session": current_session_id(request)}
    return render(request, "admin/account.html", context, status_code=status_code)


@router.get("/tokens")
def tokens_page(request: Request, user: AnyPageUser, uow: UowDep) -> Response:
    return _tokens_page(request, uow, user)


@router.post("/tokens")
def create_token(request: Request, user: AnyPageUser, uow: UowDep,
                 name: Annotated[str, Form(max_length=100)] = "") -> Response:
    assert user.id is not None
    try:
        issued = issue_token(uow, user, user.id, name)
        uow.commit()
    except DeskError as refused:
        uow.rollback()
        return _tokens_page(request, uow, user, error=refused.message, status_code=422)
    # Rendered, not redirected: the secret must not travel in the session or an address.
    return _tokens_page(request, uow, user, secret=issued.secret, status_code=201)


@router.post("/tokens/{token_id}/revoke")
def revoke(request: Request, user: AnyPageUser, uow: UowDep, token_id: Id) -> Response:
    revoke_token(uow, user, token_id)  # someone else's token: 404, nothing changes
    uow.commit()
    return done(request, "/account/tokens", "Token revoked: it no longer works.")


@router.post("/sign-out-everywhere")
def sign_out_all(request: Request, user: AnyPageUser, uow: UowDep,
                 tokens: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Every session ends, this one too (so: back to the sign-in page); with the box
    ticked, every API token is revoked as well."""
    sign_out_everywhere(request, uow, user, tokens=tokens == "yes")
    return RedirectResponse("/login", status_code=303)
