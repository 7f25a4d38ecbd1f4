"""FastAPI dependencies as `Annotated` aliases: one unit of work per request, the caller.

`CurrentUser` accepts either an API token (`Authorization: Bearer fl_...`) or the
server-side session (`web/sessions.py`) opened by `POST /api/v1/auth/login`. Anything
else is a 401 with the same message whether the token is unknown, revoked or malformed,
so probing learns nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from frontliner.config import Settings
from frontliner.desk import presence
from frontliner.desk.model import ApiToken, Role, User
from frontliner.desk.ports import UnitOfWork, UowFactory
from frontliner.store import queries
from frontliner.web.errors import ApiError, unauthorized
from frontliner.web.lookup import session_of
from frontliner.web.sessions import session_ended, session_user_id
from frontliner.web.tokens import hash_token, looks_like_token

# Recording every use would turn each read into a write; once an hour is enough to
# tell a live token from a forgotten one.
LAST_USED_GRANULARITY = timedelta(hours=1)
MAX_PAGE = 200
DEFAULT_PAGE = 50


# Dependencies that only read the request are `async def`: FastAPI runs a plain `def`
# dependency on its thread pool, a hand-off that costs more than the work itself.
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_uow(request: Request) -> Iterator[UnitOfWork]:
    factory: UowFactory = request.app.state.uow_factory
    with factory() as uow:
        yield uow


SettingsDep = Annotated[Settings, Depends(get_settings)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]


def _user_for_token(uow: UnitOfWork, secret: str) -> User:
    if not looks_like_token(secret):
        raise unauthorized("The API token is not valid.")
    found = queries.token_holder(session_of(uow), hash_token(secret))
    if found is None:
        raise unauthorized("The API token is not valid.")
    token, user = found
    if token.revoked_at is not None or not user.active or _signed_out_since(user, token):
        raise unauthorized("The API token is not valid.")
    _note_token_use(uow, token)
    return user


def _signed_out_since(user: User, token: ApiToken) -> bool:
    """The token began before its user signed out everywhere or changed the password."""
    return user.signed_out_at is not None and token.created_at <= user.signed_out_at


def _note_token_use(uow: UnitOfWork, token: ApiToken) -> None:
    now = datetime.now(UTC)
    last = token.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    if last is None or now - last > LAST_USED_GRANULARITY:
        token.last_used_at = now
        uow.commit()


def _user_for_session(request: Request, uow: UnitOfWork) -> User:
    user_id = session_user_id(request)
    user = None if user_id is None else uow.get(User, user_id)
    if user is None or not user.active:
        if user_id is not None or session_ended(request):
            raise unauthorized("Your session has ended; please log in again.")
        raise unauthorized()
    return user


def current_user(
    request: Request,
    uow: UowDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> User:
    if authorization:
        scheme, _, secret = authorization.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise unauthorized("Use 'Authorization: Bearer <token>'.")
        user = _user_for_token(uow, secret.strip())
    else:
        user = _user_for_session(request, uow)
    note_seen(uow, user)
    return user


def note_seen(uow: UnitOfWork, user: User) -> None:
    """Staff are seen on each request (their presence times out when idle); the desk
    writes it at most once a minute, so most requests write nothing."""
    if presence.note_seen(user):
        uow.commit()


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: Role) -> Callable[[User], Awaitable[User]]:
    """Coarse gate for whole routers; the desk's access rules still decide per object."""

    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise ApiError(403, "forbidden", "Your role may not use this endpoint.")
        return user

    return check


StaffUser = Annotated[User, Depends(require_roles(Role.AGENT, Role.LEAD, Role.ADMIN))]
LeadUser = Annotated[User, Depends(require_roles(Role.LEAD, Role.ADMIN))]
AdminUser = Annotated[User, Depends(require_roles(Role.ADMIN))]


@dataclass(frozen=True)
class Page:
    """`?limit=&cursor=`: bounded page size and the opaque cursor of the previous page."""

    limit: int
    cursor: str | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page")] = DEFAULT_PAGE,
    cursor: Annotated[
        str | None, Query(max_length=500, description="next_cursor of the previous page")
    ] = None,
) -> Page:
    return Page(limit=limit, cursor=cursor)


PageDep = Annotated[Page, Depends(page_params)]


async def if_match_version(
    if_match: Annotated[str | None, Header(description="Case version (ETag) you last read")] = None,
) -> int | None:
    """`If-Match: "7"` (or `W/"7"`, or `7`) -> 7. Absent -> None (no check)."""
    if if_match is None:
        return None
    raw = if_match.strip()
    if raw.startswith("W/"):
        raw = raw[2:]
    raw = raw.strip('"')
    if not raw.isdigit():
        raise ApiError(400, "bad_request", 'If-Match must be the case version, e.g. If-Match: "3".')
    return int(raw)


IfMatch = Annotated[int | None, Depends(if_match_version)]
