"""Server-side sessions: the browser's cookie holds only a random id.

`ServerSessions` (ASGI middleware) finds the session row of the cookie
(`store/session_tables.py`: only the id's sha256 is stored), hands its data to the app as
`request.session` (a plain dict, as Starlette's own sessions do), and writes changes back
before the response starts. Signing in and out are explicit: `start_session` makes a new
session with a new id (an id seen before sign-in is worthless after it), `end_session`
deletes the row, so a copy of the cookie stops working at once, in every app process.

The cookie: `HttpOnly`, `SameSite=Lax`, `Secure` on HTTPS (and always in production),
and it lives no longer than the session's lifetime. A session also ends when it has not
been used for the idle timeout, and when its user is deactivated, changes their password
or signs out everywhere (`users.signed_out_at`). Last use is written at most once a
minute, so most requests read the session and write nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio.to_thread
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontliner.config import Settings
from frontliner.desk.ports import UowFactory
from frontliner.store import session_tables as store
from frontliner.web.live.logins import announce_login_ended
from frontliner.web.lookup import session_of
from frontliner.web.public.security import client_ip

SESSION_COOKIE = "frontliner_session"
STATE = "frontliner.session"  # the scope key of this request's `SessionState`
TOUCH_EVERY = timedelta(minutes=1)
_KEEP = object()  # no sign-in or sign-out happened in this request
_UNTOUCHED_PREFIXES = ("/static/",)  # assets never use the session: no lookup, no cookie


@dataclass
class SessionState:
    row: store.SessionRow | None
    presented: bool  # the request carried a session cookie (known or not)
    switch_to: object = _KEEP  # a user id to sign in, None to sign out
    loaded: dict[str, Any] = field(default_factory=dict)
    may_start: bool = True  # False: answer without beginning a session (no Set-Cookie)

    @property
    def user_id(self) -> int | None:
        if self.switch_to is not _KEEP:
            return self.switch_to if isinstance(self.switch_to, int) else None
        return None if self.row is None else self.row.user_id


def _state(connection: HTTPConnection) -> SessionState | None:
    found = connection.scope.get(STATE)
    return found if isinstance(found, SessionState) else None


def session_user_id(connection: HTTPConnection) -> int | None:
    """The user this request's session is signed in as, or None."""
    state = _state(connection)
    return None if state is None else state.user_id


def session_ended(connection: HTTPConnection) -> bool:
    """The request carried a session cookie that no longer opens a session."""
    state = _state(connection)
    return state is not None and state.presented and state.row is None


def current_session_id(connection: HTTPConnection) -> int | None:
    state = _state(connection)
    return None if state is None or state.row is None else state.row.id


def start_session(connection: HTTPConnection, user_id: int) -> None:
    """Sign `user_id` in: this response carries a new session id; the old one ends."""
    connection.session.clear()
    state = _state(connection)
    assert state is not None, "ServerSessions is installed"
    state.switch_to = user_id


def session_still_open(connection: HTTPConnection, factory: UowFactory,
                       idle: timedelta) -> bool:
    """Whether the session this connection was opened with is still valid in the
    database. A long-lived socket asks again: any app process may have ended it."""
    token = connection.cookies.get(SESSION_COOKIE)
    if not token:
        return False
    with factory() as uow:
        found = store.find_session(session_of(uow), hash_session_id(token),
                                   datetime.now(UTC), idle)
    return found is not None


def end_session(connection: HTTPConnection) -> None:
    """Sign out: the session's row goes, so no copy of its cookie works any more."""
    connection.session.clear()
    state = _state(connection)
    if state is not None:
        state.switch_to = None


def start_no_session(connection: HTTPConnection) -> None:
    """Answer this request without beginning a session. For a request refused as coming
    from another site: a cross-site POST carries no `SameSite=Lax` cookie, and a new
    session's cookie on the answer would replace the visitor's own, signing them out."""
    state = _state(connection)
    if state is not None:
        state.may_start = False


def hash_session_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ServerSessions:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.lifetime = timedelta(hours=settings.session_hours)
        self.idle = timedelta(minutes=settings.session_idle_minutes)
        self.always_secure = settings.environment == "production"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(_UNTOUCHED_PREFIXES):
            scope["session"] = {}
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        token = connection.cookies.get(SESSION_COOKIE)
        factory: UowFactory = scope["app"].state.uow_factory
        row = await anyio.to_thread.run_sync(self._load, factory, token) if token else None
        state = SessionState(row=row, presented=bool(token),
                             loaded=dict(row.data) if row else {})
        scope["session"] = dict(state.loaded)
        scope[STATE] = state
        if scope["type"] == "websocket":  # a socket sets no cookie: it only reads
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookie = await self._save(factory, connection, state)
                if cookie:
                    MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _load(self, factory: UowFactory, token: str) -> store.SessionRow | None:
        with factory() as uow:
            return store.find_session(session_of(uow), hash_session_id(token),
                                      datetime.now(UTC), self.idle)

    async def _save(self, factory: UowFactory, connection: HTTPConnection,
                    state: SessionState) -> str | None:
        data: dict[str, Any] = connection.scope["session"]
        now = datetime.now(UTC)
        row = state.row
        if state.switch_to is not _KEEP or (row is None and data and state.may_start):
            if state.switch_to is None and not data:  # signed out, nothing to keep
                await anyio.to_thread.run_sync(self._replace, factory, connection, state, None)
                return self._cookie(connection, "", 0)
            token = secrets.token_urlsafe(32)
            await anyio.to_thread.run_sync(self._replace, factory, connection, state, token)
            return self._cookie(connection, token, int(self.lifetime.total_seconds()))
        if row is None:
            # An ended session's cookie is dropped, so the browser stops sending it.
            return self._cookie(connection, "", 0) if state.presented else None
        changed = data != state.loaded
        if changed or now - row.last_seen_at >= TOUCH_EVERY:
            await anyio.to_thread.run_sync(self._touch, factory, row.id, now,
                                           data if changed else None)
        return None

    def _replace(self, factory: UowFactory, connection: HTTPConnection, state: SessionState,
                 token: str | None) -> None:
        """End the request's session (if any) and, given a token, begin a new one."""
        now = datetime.now(UTC)
        with factory() as uow:
            db = session_of(uow)
            if state.row is not None:
                store.delete_session(db, state.row.id)
            if token is not None:
                store.prune_sessions(db, now, self.idle)
                store.create_session(
                    db, hash_session_id(token), state.user_id, dict(connection.session), now,
                    self.lifetime, connection.headers.get("user-agent", ""),
                    client_ip(connection))
            uow.commit()
        ended = None if state.row is None else state.row.user_id
        if ended is not None:  # its live views, in any app process, close now
            announce_login_ended(connection.app.state, ended)

    def _touch(self, factory: UowFactory, session_id: int, now: datetime,
               data: dict[str, Any] | None) -> None:
        with factory() as uow:
            store.save_session(session_of(uow), session_id, now, data)
            uow.commit()

    def _cookie(self, connection: HTTPConnection, token: str, max_age: int) -> str:
        secure = self.always_secure or connection.url.scheme in ("https", "wss")
        return (f"{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; "
                f"SameSite=Lax{'; Secure' if secure else ''}")
