"""The chat's WebSockets: `/ws/chat/{token}` for a visitor, `/ws/agent` for staff.

Visitor socket: the token (from `POST /chat/start`) names one case and one customer; the
socket replays that conversation, then carries the visitor's messages in (each stored
through the desk before it is confirmed) and the agents' replies out, live.

Agent socket: `web/live/agent_socket.py` (every change an agent needs live, chat
messages among them), served on this router too.

Frames: JSON objects. In: `{"type": "message", "body": "..."}`, and the visitor's answer
to "is it solved?": `{"type": "confirm", "answer": "yes"}`, `{"type": "confirm",
"answer": "not_yet", "body": "what is still wrong"}`, `{"type": "rate", "score": 1..5,
"comment": "..."}`. Out: `history`, `message`, `sent` (the visitor's message, once
stored), `ended` (staff ended the chat over abuse; later messages are refused with
another `ended`), `confirmation` (`{"state": "asked"|"rate"|"none"}`: after the history,
and on every change), `answered` (`{"answer": "yes"|"not_yet"|"rating"}`, once the answer
is stored) and `error` (`{"code", "message"}`; the socket stays open unless the close
code says otherwise). See `channels/chat/answers.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from frontliner.channels.chat.answers import ANSWER_FRAMES, confirmation_event, take_answer
from frontliner.channels.chat.broker import Broker, Subscription, case_topic
from frontliner.channels.chat.conversation import MAX_MESSAGE, chat_case, history, take_message
from frontliner.channels.chat.live import visitor_event
from frontliner.channels.chat.tokens import ChatPass, ChatTokens
from frontliner.channels.email.addresses import desk_address
from frontliner.desk import abuse
from frontliner.desk.errors import Conflict, DeskError
from frontliner.desk.model import Case
from frontliner.desk.ports import UowFactory
from frontliner.web.live.agent_socket import router as agent_router
from frontliner.web.public.security import client_ip, origin_allowed
from frontliner.web.public.socket_cap import SocketsPerClient
from frontliner.web.ratelimit import RateLimiter

log = logging.getLogger("frontliner.chat")
router = APIRouter()
router.include_router(agent_router)

MAX_FRAME = 16 * 1024  # bytes of one incoming frame; a 4,000-character message fits
POLICY = 1008  # close code: refused (origin, token, login)
TOO_BIG = 1009  # close code: frame larger than MAX_FRAME
TRY_LATER = 1013  # close code: this address holds too many chat sockets already
TOO_MANY_SOCKETS = ("Too many chats are open from your address. Close one, then try "
                    "again.")


# --- the visitor -----------------------------------------------------------------------


@router.websocket("/ws/chat/{token}")
async def visitor_socket(websocket: WebSocket, token: str) -> None:
    state = websocket.app.state
    if not origin_allowed(websocket.headers, state.settings.chat_origins):
        await websocket.close(POLICY, "origin not allowed")
        return
    sockets: SocketsPerClient = state.chat_sockets
    with sockets.hold(client_ip(websocket)) as allowed:
        if not allowed:  # said in a frame (a browser sees no reason in a refused handshake)
            await websocket.accept()
            await websocket.send_json({"type": "error", "code": "too_many_connections",
                                       "message": TOO_MANY_SOCKETS})
            await websocket.close(TRY_LATER, "too many chat connections from this address")
            return
        await _visitor_chat(websocket, token)


async def _visitor_chat(websocket: WebSocket, token: str) -> None:
    state = websocket.app.state
    tokens: ChatTokens = state.chat_tokens
    chat = tokens.read(token)
    case = None if chat is None else await run_in_threadpool(_load_chat, state.uow_factory, chat)
    if case is None or case.id is None:
        await websocket.close(POLICY, "unknown or expired chat")
        return
    await websocket.accept()
    broker: Broker = state.broker
    async with broker.subscribe(case_topic(case.id)) as subscription:
        # Subscribed first, then the history: a reply committed in between is sent
        # twice rather than never (the widget ignores ids it already shows).
        past, where = await run_in_threadpool(_history, state.uow_factory, case.id)
        await websocket.send_json({"type": "history", "ref": case.ref, "messages": past})
        ended = await run_in_threadpool(_ended_status, state.uow_factory, case,
                                        desk_address(state.settings))
        if ended is not None:  # staff ended this chat over abuse: say so, take nothing in
            await websocket.send_json({"type": "ended", "message": ended})
        await websocket.send_json(where)
        await _pump(websocket, subscription, lambda frame: _visitor_frame(websocket, case, frame))


def _load_chat(factory: UowFactory, chat: ChatPass) -> Case | None:
    with factory() as uow:
        return chat_case(uow, chat)


def _history(factory: UowFactory, case_id: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The conversation so far, and where the case stands on "is it solved?"."""
    with factory() as uow:
        case = uow.get(Case, case_id)
        assert case is not None
        return [visitor_event(m) for m in history(uow, case_id)], confirmation_event(uow, case)


def _ended_status(factory: UowFactory, case: Case, reach_us: str) -> str | None:
    with factory() as uow:
        ended = abuse.conversation_ended(uow, case.id) if case.id is not None else None
        return None if ended is None else abuse.ended_chat_status(case, reach_us)


async def _visitor_frame(websocket: WebSocket, case: Case, raw: str) -> None:
    state = websocket.app.state
    try:
        frame = json.loads(raw)
    except ValueError:
        frame = None
    if isinstance(frame, dict) and frame.get("type") in ANSWER_FRAMES:
        await _visitor_answer(websocket, case, frame)
        return
    body = frame.get("body") if isinstance(frame, dict) else None
    if not isinstance(frame, dict) or frame.get("type") != "message" or not isinstance(body, str):
        await _error(websocket, "bad_frame", 'Send {"type": "message", "body": "..."}.')
        return
    if len(body) > MAX_MESSAGE:
        await _error(websocket, "too_large",
                     f"A chat message can be at most {MAX_MESSAGE} characters; "
                     "nothing was sent. Please split it.")
        return
    limiter: RateLimiter = state.rate_limiter
    if not limiter.hit(state.settings.chat_rate_limit, "chat-message", str(case.id),
                       client_ip(websocket)):
        await _error(websocket, "too_many_requests",
                     "That was a lot of messages at once; please wait a moment and send again.")
        return
    try:
        stored = await run_in_threadpool(_store_message, state.uow_factory, case, body,
                                         desk_address(state.settings))
    except abuse.ConversationEnded as ended:
        await websocket.send_json({"type": "ended", "message": ended.message})
        return
    except DeskError as bad:
        await _error(websocket, "invalid", bad.message)
        return
    await websocket.send_json({**stored, "type": "sent"})


async def _visitor_answer(websocket: WebSocket, case: Case, frame: dict[str, Any]) -> None:
    """Yes / not yet / a rating, for the case and customer this chat's token names."""
    state = websocket.app.state
    limiter: RateLimiter = state.rate_limiter
    if not limiter.hit(state.settings.chat_rate_limit, "chat-message", str(case.id),
                       client_ip(websocket)):
        await _error(websocket, "too_many_requests",
                     "That was a lot of answers at once; please wait a moment and try again.")
        return
    try:
        answered, where = await run_in_threadpool(_store_answer, state.uow_factory, case, frame,
                                                  desk_address(state.settings))
    except abuse.ConversationEnded as ended:
        await websocket.send_json({"type": "ended", "message": ended.message})
        return
    except Conflict as late:
        await _error(websocket, "conflict", late.message)
        await websocket.send_json(await run_in_threadpool(_where, state.uow_factory, case))
        return
    except DeskError as bad:
        await _error(websocket, "invalid", bad.message)
        return
    await websocket.send_json({"type": "answered", "answer": answered})
    await websocket.send_json(where)


def _store_answer(factory: UowFactory, case: Case, frame: dict[str, Any], reach_us: str,
                  ) -> tuple[str, dict[str, Any]]:
    assert case.id is not None
    with factory() as uow:
        abuse.require_chat_open(uow, case, reach_us)  # an ended chat takes nothing in
        answered = take_answer(uow, case.id, case.customer_id, frame)
        uow.commit()
        fresh = uow.get(Case, case.id)
        assert fresh is not None
        return answered, confirmation_event(uow, fresh)


def _where(factory: UowFactory, case: Case) -> dict[str, Any]:
    with factory() as uow:
        fresh = uow.get(Case, case.id) if case.id is not None else None
        if fresh is None:
            return {"type": "confirmation", "state": "none"}
        return confirmation_event(uow, fresh)


def _store_message(factory: UowFactory, case: Case, body: str, reach_us: str) -> dict[str, Any]:
    with factory() as uow:
        fresh = uow.get(Case, case.id) if case.id is not None else None
        if fresh is None:
            raise DeskError("This chat's case no longer exists.")
        message = take_message(uow, fresh, body, reach_us)
        uow.commit()
        return visitor_event(message)


# --- shared ----------------------------------------------------------------------------


async def _error(websocket: WebSocket, code: str, message: str) -> None:
    await websocket.send_json({"type": "error", "code": code, "message": message})


async def _pump(
    websocket: WebSocket,
    subscription: Subscription,
    on_frame: Callable[[str], Awaitable[None]],
    on_event: Callable[[dict[str, Any]], Awaitable[None]] | None = None,
) -> None:
    """Read frames and forward broker events at the same time, until either side ends."""
    send = on_event or websocket.send_json

    async def forward() -> None:
        while True:
            await send(await subscription.get())

    tasks = {asyncio.create_task(_read(websocket, on_frame)), asyncio.create_task(forward())}
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            # The socket is gone or was closed by us; anything left to send goes with it.
            with contextlib.suppress(asyncio.CancelledError, RuntimeError, WebSocketDisconnect):
                await task


async def _read(websocket: WebSocket, on_frame: Callable[[str], Awaitable[None]]) -> None:
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text")
        if raw is None:
            data = message.get("bytes") or b""
            raw = data.decode("utf-8", errors="replace")
        if len(raw.encode("utf-8")) > MAX_FRAME:
            await websocket.close(TOO_BIG, f"frames are limited to {MAX_FRAME // 1024} KiB")
            return
        await on_frame(raw)
