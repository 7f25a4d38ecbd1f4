"""`/ws/agent`: the agents' live view, for the pages and for programs.

Authenticated with an API token (`Authorization: Bearer`) or the staff session cookie
(then the Origin must be this site, so another site cannot ride an agent's login);
customers are refused. Frames (JSON), server to agent only:

- `ready` `{user_id, cursor}` first;
- `message` (a message on a case: the chat's instant announcement, and every channel's
  through the live feed) and `case` (any other change), see `events.py`;
- `notice` `{event_id, cursor, case_id, case_ref, actor_id, notice}` when a chat
  message was already sent by the chat's instant path, but the feed's copy adds a notice;
- `cursor` `{cursor}` when a frame was left out because it was already sent;
- `resync` when a resuming socket missed more than the feed replays: reload the page.

Resuming: connect with `?since=<the last cursor you got>` (a page passes the newest
entry at the time it was rendered) and what was missed comes first, each frame once.
Every frame is about a case the agent may see (`access.can_see_case`, asked once per
case per socket).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from frontliner.channels.chat.broker import AGENTS_TOPIC, Broker, Subscription
from frontliner.desk import access
from frontliner.desk.model import Case, Role, User
from frontliner.desk.ports import UowFactory
from frontliner.web.deps import _user_for_session, _user_for_token, note_seen
from frontliner.web.errors import ApiError
from frontliner.web.live.feed import LiveFeed
from frontliner.web.live.logins import LOGINS_TOPIC
from frontliner.web.public.security import same_origin
from frontliner.web.sessions import session_still_open

router = APIRouter()

POLICY = 1008  # close code: refused (origin, token, login)
TOO_BIG = 1009
MAX_FRAME = 16 * 1024
STAFF = (Role.AGENT, Role.LEAD, Role.ADMIN)
RECHECK_SECONDS = 60.0  # how often an open agent socket re-checks its login
REMEMBERED = 2_000  # ids of frames already sent, per socket, to send each once
NOTICE_KEYS = ("type", "event_id", "cursor", "case_id", "case_ref", "actor_id", "notice")


class LoginEnded(Exception):
    """The agent's token was revoked or their account deactivated while connected."""


class _Sent:
    """A bounded memory of what this socket already carried."""

    def __init__(self) -> None:
        self._ids: OrderedDict[tuple[str, int], None] = OrderedDict()

    def first_time(self, kind: str, value: Any) -> bool:
        if not isinstance(value, int):
            return True
        key = (kind, value)
        if key in self._ids:
            return False
        self._ids[key] = None
        if len(self._ids) > REMEMBERED:
            self._ids.popitem(last=False)
        return True


class AgentView:
    """One agent's socket: checks, deduplicates and sends each frame."""

    def __init__(self, websocket: WebSocket, user: User) -> None:
        self.websocket = websocket
        self.user = user
        self.state = websocket.app.state
        self.visible: dict[int, bool] = {}
        self.sent = _Sent()
        self.checked_at = time.monotonic()

    async def deliver(self, event: dict[str, Any]) -> None:
        case_id = event.get("case_id")
        if not isinstance(case_id, int):
            return
        await self.recheck_login()
        if case_id not in self.visible:
            self.visible[case_id] = await run_in_threadpool(
                _may_see, self.state.uow_factory, self.user, case_id)
        if not self.visible[case_id]:
            return
        fresh_event = self.sent.first_time("event", event.get("event_id"))
        fresh_message = (event.get("type") != "message"
                         or self.sent.first_time("message", event.get("id")))
        if fresh_event and fresh_message:
            await self.websocket.send_json(event)
        elif fresh_event and event.get("notice"):
            # The chat's instant copy went first, without the notice the feed adds.
            await self.websocket.send_json({**{k: event.get(k) for k in NOTICE_KEYS},
                                            "type": "notice"})
        elif fresh_event and isinstance(event.get("cursor"), int):
            await self.websocket.send_json({"type": "cursor", "cursor": event["cursor"]})

    @property
    def recheck_every(self) -> float:
        every: float = getattr(self.state, "agent_recheck_seconds", RECHECK_SECONDS)
        return every

    async def recheck_login(self, now: bool = False) -> None:
        if not now and time.monotonic() - self.checked_at < self.recheck_every:
            return
        # A revoked token, a deactivated account or an ended session ends the live view.
        again, by_session = await run_in_threadpool(_authenticate, self.websocket,
                                                    self.state.uow_factory)
        if by_session and again is not None:
            idle = timedelta(minutes=self.state.settings.session_idle_minutes)
            if not await run_in_threadpool(session_still_open, self.websocket,
                                           self.state.uow_factory, idle):
                again = None
        if again is None or again.id != self.user.id or again.role not in STAFF:
            await self.websocket.close(POLICY, "your login has ended")
            raise LoginEnded
        self.checked_at = time.monotonic()


@router.websocket("/ws/agent")
async def agent_socket(websocket: WebSocket) -> None:
    state = websocket.app.state
    user, by_session = await run_in_threadpool(_authenticate, websocket, state.uow_factory)
    origin = websocket.headers.get("origin")
    origin_ok = (same_origin(websocket.headers, origin) if origin is not None
                 else not by_session)  # a cookie-borne login needs a same-site page
    if user is None or user.role not in STAFF or not origin_ok:
        await websocket.close(POLICY, "staff login required")
        return
    since = _since(websocket.query_params.get("since"))
    await websocket.accept()
    view = AgentView(websocket, user)
    broker: Broker = state.broker
    feed: LiveFeed = state.live_feed
    async with broker.subscribe(AGENTS_TOPIC) as chat, feed.subscribe() as live, \
            broker.subscribe(LOGINS_TOPIC) as logins:
        await websocket.send_json({"type": "ready", "user_id": user.id,
                                   "cursor": feed.cursor if since is None else since})
        await _serve(websocket, view, since, (chat, live), logins)


async def _watch_login(view: AgentView, logins: Subscription) -> None:
    """Check the login again when one of this user's logins ended in any process
    (web/live/logins.py), and every `recheck_every` seconds even when nothing happens
    (a revoked token, a deactivated account); ends by raising LoginEnded."""
    while True:
        try:
            event = await asyncio.wait_for(logins.get(), max(view.recheck_every, 1.0))
            if event.get("user_id") != view.user.id:
                continue
        except TimeoutError:
            pass
        await view.recheck_login(now=True)


async def _serve(websocket: WebSocket, view: AgentView, since: int | None,
                 feeds: tuple[Subscription, ...], logins: Subscription) -> None:
    """Catch up from `since`, then forward every feed until the agent goes away."""

    async def catch_up_then_forward(subscription: Subscription, catch_up: bool) -> None:
        if catch_up and since is not None:
            replay = await websocket.app.state.live_feed.replay(since)
            for event in replay.events:
                await view.deliver(event)
            if not replay.complete:
                await websocket.send_json({"type": "resync", "message":
                                           "More changed than can be replayed: reload."})
        while True:
            await view.deliver(await subscription.get())

    # The live feed's own frames wait in its queue while the replay is sent, so nothing
    # published meanwhile is lost, and the memory of what was sent drops the overlap.
    tasks = {asyncio.create_task(_until_closed(websocket)),
             asyncio.create_task(_watch_login(view, logins))}
    tasks |= {asyncio.create_task(catch_up_then_forward(s, i == len(feeds) - 1))
              for i, s in enumerate(feeds)}
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            # The socket is gone or was closed by us; anything left to send goes with it.
            with contextlib.suppress(asyncio.CancelledError, RuntimeError, WebSocketDisconnect,
                                     LoginEnded):
                await task


async def _until_closed(websocket: WebSocket) -> None:
    """Agents answer through the API and the pages; their socket only listens."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        size = len(message.get("text") or "") + len(message.get("bytes") or b"")
        if size > MAX_FRAME:
            await websocket.close(TOO_BIG, f"frames are limited to {MAX_FRAME // 1024} KiB")
            return


def _since(raw: str | None) -> int | None:
    if raw is None or not raw.strip().isdigit() or len(raw) > 18:
        return None
    return int(raw)


def _authenticate(websocket: WebSocket, factory: UowFactory) -> tuple[User | None, bool]:
    """(the user, whether the session cookie proved it); (None, False) when neither an
    API token nor a session identifies an active user."""
    authorization = websocket.headers.get("authorization")
    with factory() as uow:
        try:
            if authorization:
                scheme, _, secret = authorization.partition(" ")
                if scheme.lower() != "bearer":
                    return None, False
                user, by_session = _user_for_token(uow, secret.strip()), False
            else:
                user, by_session = _user_for_session(websocket, uow), True  # type: ignore[arg-type]
            note_seen(uow, user)  # an open live view counts as being here (presence)
            return user, by_session
        except ApiError:
            return None, False


def _may_see(factory: UowFactory, user: User, case_id: int) -> bool:
    with factory() as uow:
        case = uow.get(Case, case_id)
        return case is not None and access.can_see_case(user, case)
