"""`POST /chat/start`: the chat widget's first call, from the page that embeds it.

The widget posts name, e-mail and the first message as an ordinary form (a "simple"
cross-site request, no preflight); the answer carries the visitor's chat token and the
socket to open. Only this site and the origins in `FRONTLINER_CHAT_ORIGINS` may start
a chat from a browser, and the answer is readable only by them (CORS).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from frontliner.channels.chat.conversation import start_chat
from frontliner.channels.chat.tokens import ChatTokens
from frontliner.desk.errors import Invalid
from frontliner.desk.ports import UowFactory
from frontliner.web.errors import error_response
from frontliner.web.public.security import client_ip, origin_allowed
from frontliner.web.ratelimit import RateLimiter

router = APIRouter(include_in_schema=False)


def _cors(request: Request, response: Response) -> Response:
    origin = request.headers.get("origin")
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@router.options("/chat/start")
def chat_start_preflight(request: Request) -> Response:
    if not origin_allowed(request.headers, request.app.state.settings.chat_origins):
        return error_response(403, "forbidden", "This site may not start a chat here.")
    response = Response(status_code=204)
    response.headers["Access-Control-Allow-Methods"] = "POST"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = "600"
    return _cors(request, response)


@router.post("/chat/start", name="chat_start")
async def chat_start(request: Request) -> Response:
    settings = request.app.state.settings
    if not origin_allowed(request.headers, settings.chat_origins):
        return error_response(403, "forbidden", "This site may not start a chat here.")
    limiter: RateLimiter = request.app.state.rate_limiter
    ip = client_ip(request)
    if not limiter.hit(settings.chat_rate_limit, "chat", ip):
        wait = limiter.retry_after(settings.chat_rate_limit, "chat", ip)
        return _cors(request, error_response(
            429, "too_many_requests",
            f"Several chats were started from here just now; please try again in {wait} s.",
            headers={"Retry-After": str(wait)}))
    posted = await request.form()
    fields = {k: str(posted.get(k) or "") for k in ("name", "email", "message")}
    try:
        started = await run_in_threadpool(_start, request.app.state.uow_factory,
                                          request.app.state.chat_tokens, fields)
    except Invalid as bad:
        return _cors(request, error_response(422, "invalid", bad.message, bad.details))
    return _cors(request, JSONResponse(started, status_code=201))


def _start(factory: UowFactory, tokens: ChatTokens, fields: dict[str, str]) -> dict[str, Any]:
    with factory() as uow:
        chat = start_chat(uow, name=fields["name"], email=fields["email"],
                          message=fields["message"])
        uow.commit()
        assert chat.case.id is not None
        token = tokens.issue(chat.case.id, chat.customer_id)
        return {"ref": chat.case.ref, "token": token, "socket": f"/ws/chat/{token}"}
