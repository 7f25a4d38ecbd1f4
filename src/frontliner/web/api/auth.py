"""Logging in and out (server-side session, `web/sessions.py`), signing out everywhere,
and managing your own API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from frontliner.desk.model import User
from frontliner.web.deps import CurrentUser, UowDep
from frontliner.web.errors import ApiError, unauthorized
from frontliner.web.lookup import render
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.common import ERRORS
from frontliner.web.schemas.users import (
    LoginIn,
    NewTokenOut,
    SignOutEverywhereIn,
    TokenIn,
    TokenOut,
    UserOut,
)
from frontliner.web.sessions import end_session
from frontliner.web.sign_in import sign_out_everywhere as sign_out_everywhere_
from frontliner.web.sign_in import try_password
from frontliner.web.tokens import issue_token, revoke_token, tokens_of

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERRORS)

_BAD_LOGIN = "Wrong e-mail or password."


@router.post("/login", response_model=UserOut, summary="Log in; sets the session cookie")
def login(body: LoginIn, request: Request, uow: UowDep) -> Any:
    user = try_password(request, uow, body.email, body.password)
    if user is None:
        raise unauthorized(_BAD_LOGIN)
    if not isinstance(user, User):
        raise ApiError(429, "too_many_requests", user.message,
                       {"retry_after_seconds": user.seconds},
                       headers={"Retry-After": str(user.seconds)})
    return render(UserOut, user)


@router.post("/logout", status_code=204, summary="End the session (on the server: a copy "
             "of the cookie stops working)")
def logout(request: Request) -> None:
    end_session(request)


@router.post("/sign-out-everywhere", status_code=204,
             summary="End all your sessions, here too; with tokens=true your API tokens too")
def sign_out_everywhere(body: SignOutEverywhereIn, request: Request, user: CurrentUser,
                        uow: UowDep) -> None:
    sign_out_everywhere_(request, uow, user, tokens=body.tokens)


@router.get("/me", response_model=UserOut, summary="Who you are")
def me(user: CurrentUser) -> Any:
    return render(UserOut, user)


@router.post(
    "/tokens",
    response_model=NewTokenOut,
    status_code=201,
    summary="Create an API token for yourself (the secret is shown once)",
)
def create_token(body: TokenIn, user: CurrentUser, uow: UowDep) -> Any:
    assert user.id is not None
    issued = issue_token(uow, user, user.id, body.name)
    uow.commit()
    out = render(TokenOut, issued.token).model_dump()
    return NewTokenOut(**out, token=issued.secret)


@router.get("/tokens", response_model=list[TokenOut], summary="Your API tokens (at most 200)")
def list_tokens(user: CurrentUser, uow: UowDep) -> Any:
    return [render(TokenOut, t) for t in tokens_of(uow, user)]


@router.delete("/tokens/{token_id}", response_model=TokenOut, summary="Revoke an API token")
def revoke(token_id: Id, user: CurrentUser, uow: UowDep) -> Any:
    token = revoke_token(uow, user, token_id)
    uow.commit()
    return render(TokenOut, token)
