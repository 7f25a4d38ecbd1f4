"""API tokens: issue (the secret is returned once), list, revoke.

Only the sha256 of a token and a short prefix are stored, so a copy of the database
holds no working token. A user manages their own tokens; an admin may issue and revoke
anyone's. Issuing and revoking are written to the account audit trail.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from frontliner.desk import access
from frontliner.desk.account_audit import record_account
from frontliner.desk.errors import Invalid, NotFound
from frontliner.desk.model import ApiToken, Role, User
from frontliner.desk.ports import UnitOfWork

TOKEN_SCHEME = "fl_"
PREFIX_LENGTH = 10  # "fl_" + 7 characters: enough to tell tokens apart in a list
MAX_TOKENS_LISTED = 200


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once to whoever asked for it; never stored nor logged


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_token(secret: str) -> bool:
    return secret.startswith(TOKEN_SCHEME) and 20 <= len(secret) <= 200


def issue_token(
    uow: UnitOfWork,
    actor: User | None,
    user_id: int,
    name: str = "api",
    now: datetime | None = None,
) -> IssuedToken:
    """A new token for `user_id`: for yourself, or (admin / operator CLI) for anyone."""
    user = access.load_user(uow, user_id)
    if actor is not None and actor.id != user.id:
        access.require_role(actor, Role.ADMIN)
    if not user.active:
        raise Invalid(f"{user.name}'s account is deactivated.", {"user_id": "deactivated"})
    label = " ".join(name.split())
    if not label:
        raise Invalid.missing({"name": "a name to recognise the token by"})
    secret = TOKEN_SCHEME + secrets.token_urlsafe(32)
    assert user.id is not None
    token = ApiToken(
        user_id=user.id,
        name=label[:100],
        token_hash=hash_token(secret),
        prefix=secret[:PREFIX_LENGTH],
        created_at=now or datetime.now(UTC),
    )
    uow.add(token)
    uow.flush()
    record_account(uow, "token_created", actor, user_id=user.id, now=token.created_at,
                   token_id=token.id, prefix=token.prefix, name=token.name)
    return IssuedToken(token=token, secret=secret)


def tokens_of(uow: UnitOfWork, user: User) -> list[ApiToken]:
    return uow.find(ApiToken, limit=MAX_TOKENS_LISTED, user_id=user.id)


def revoke_token(
    uow: UnitOfWork, actor: User, token_id: int, now: datetime | None = None
) -> ApiToken:
    token = uow.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and actor.role != Role.ADMIN):
        raise NotFound(f"No API token with id {token_id}.", {"token_id": token_id})
    if token.revoked_at is None:
        token.revoked_at = now or datetime.now(UTC)
        record_account(uow, "token_revoked", actor, user_id=token.user_id,
                       now=token.revoked_at, token_id=token.id, prefix=token.prefix)
    return token
