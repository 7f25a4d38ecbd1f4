"""Logging in and out (signed session cookie) and managing your own API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from frontliner.desk.customers import normalise_email
from frontliner.desk.errors import Invalid
from frontliner.desk.model import User
from frontliner.desk.passwords import hash_password, verify_password
from frontliner.web.deps import (
    SESSION_FINGERPRINT,
    SESSION_USER,
    CurrentUser,
    UowDep,
    password_fingerprint,
)
from frontliner.web.errors import ApiError, unauthorized
from frontliner.web.lookup import render
from frontliner.web.schemas.common import ERRORS
from frontliner.web.schemas.users import LoginIn, NewTokenOut, TokenIn, TokenOut, UserOut
from frontliner.web.throttle import LoginThrottle
from frontliner.web.tokens import issue_token, revoke_token, tokens_of

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERRORS)

# Verifying against a real hash when the e-mail is unknown keeps login timing the same
# whether or not the account exists.
_ABSENT = hash_password("no account has this password")
_BAD_LOGIN = "Wrong e-mail or password."


def _find_login(uow: UowDep, email: str) -> User | None:
    try:
        address = normalise_email(email)
    except Invalid:
        return None
    found = uow.find(User, limit=1, email=address)
    return found[0] if found else None


@router.post("/login", response_model=UserOut, summary="Log in; sets the session cookie")
def login(body: LoginIn, request: Request, uow: UowDep) -> Any:
    throttle: LoginThrottle = request.app.state.login_throttle
    key = " ".join(body.email.split()).lower()
    wait = throttle.blocked_for(key)
    if wait:
        raise ApiError(
            429,
            "too_many_requests",
            "Too many failed logins for this address; try again later.",
            {"retry_after_seconds": int(wait) + 1},
            headers={"Retry-After": str(int(wait) + 1)},
        )
    user = _find_login(uow, body.email)
    ok = verify_password(
        user.password_hash if user and user.password_hash else _ABSENT, body.password
    )
    if user is None or not ok or not user.password_hash or not user.active:
        throttle.failed(key)
        raise unauthorized(_BAD_LOGIN)
    throttle.succeeded(key)
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_FINGERPRINT] = password_fingerprint(user)
    return render(UserOut, user)


@router.post("/logout", status_code=204, summary="End the session")
def logout(request: Request) -> None:
    request.session.clear()


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
def revoke(token_id: int, user: CurrentUser, uow: UowDep) -> Any:
    token = revoke_token(uow, user, token_id)
    uow.commit()
    return render(TokenOut, token)
