"""The public doors of the desk: the contact form, the chat (start, sockets, widget) and
the pages behind the "is it solved?" links in our mail (`/confirm/...`).

`install(app, settings)` wires them into an app: the broker and rate limiter on
`app.state`, units of work that announce committed chat messages, the routes, and
`/static` (the embeddable `chat.js` and the public stylesheet). `close(app)` ends the
broker when the app stops.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from frontliner.channels.chat import open_broker
from frontliner.channels.chat.live import announcing
from frontliner.channels.chat.tokens import ChatTokens
from frontliner.config import Settings
from frontliner.web.public.chat_start import router as chat_start_router
from frontliner.web.public.confirm import router as confirm_router
from frontliner.web.public.contact import router as contact_router
from frontliner.web.public.contact_confirm import router as contact_confirm_router
from frontliner.web.public.security import redact_server_logs
from frontliner.web.public.socket_cap import SocketsPerClient
from frontliner.web.ratelimit import RateLimiter
from frontliner.web.ws import router as ws_router

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI, settings: Settings) -> None:
    broker = open_broker(settings.redis_url, settings.redis_prefix)
    app.state.broker = broker
    app.state.rate_limiter = RateLimiter(settings.rate_limit_url or settings.redis_url,
                                         namespace=settings.redis_prefix)
    app.state.chat_sockets = SocketsPerClient(settings.chat_sockets_per_client)
    app.state.chat_tokens = ChatTokens(settings.secret_key.get_secret_value())
    app.state.uow_factory = announcing(app.state.uow_factory, broker)
    app.include_router(contact_router)
    app.include_router(chat_start_router)
    app.include_router(ws_router)
    app.include_router(confirm_router)  # the "is it solved?" links from our mail
    app.include_router(contact_confirm_router)  # "is this message yours?" links
    if not any(getattr(route, "name", None) == "static" for route in app.routes):
        # The pages (`web/pages`) mount the same folder when they are installed.
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # nosniff (and the rest of the security headers) come from the pages' SecurityHeaders,
    # which wraps every response of the app.
    redact_server_logs()


async def close(app: FastAPI) -> None:
    broker = getattr(app.state, "broker", None)
    if broker is not None:
        await broker.close()
