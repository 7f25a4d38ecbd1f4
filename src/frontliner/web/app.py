"""The FastAPI application: `create_app(settings)` builds one, nothing happens at import.

Storage comes from `store/` (engine + unit-of-work factory); tests may hand in their own
factory so the same app runs on SQLite or PostgreSQL. The schema is upgraded on start
when `settings.upgrade_on_start` asks for it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI

from frontliner.config import Settings, get_settings
from frontliner.desk.ports import UowFactory
from frontliner.web import heap, live, public
from frontliner.web.api import router as api_router
from frontliner.web.api_docs import install_api_docs
from frontliner.web.errors import install_error_handlers
from frontliner.web.health import router as health_router
from frontliner.web.limits import BodyLimit
from frontliner.web.origin import same_origin_writes
from frontliner.web.pages import install_pages
from frontliner.web.redact import install_redaction
from frontliner.web.sessions import ServerSessions
from frontliner.web.storage import Storage, open_storage
from frontliner.web.throttle import SignInThrottle

log = logging.getLogger("frontliner.web")

# The largest body a request may carry: a long message is 100,000 characters; anything
# far beyond that is a mistake or an attack, refused (413) before it is parsed.
MAX_BODY_BYTES = 2 * 1024 * 1024


def create_app(
    settings: Settings | None = None,
    *,
    uow_factory: UowFactory | None = None,
    health_check: Callable[[], Any] | None = None,
    settle_heap: bool = False,
) -> FastAPI:
    settings = settings or get_settings()
    storage: Storage | None = None
    if uow_factory is None:
        storage = open_storage(settings)
        uow_factory, health_check = storage.uow_factory, storage.ping

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.upgrade_on_start and storage is not None:
            storage.upgrade()
        if settle_heap:
            heap.settle()
        yield
        await live.close(app)
        await public.close(app)
        if storage is not None:
            storage.dispose()

    app = FastAPI(
        title="Frontliner",
        summary="Customer-service desk API: cases, owners, empowerment, escalations, closing.",
        version="1",
        openapi_url="/openapi.json",
        docs_url=None,  # our own /docs, from the package (web/api_docs.py)
        redoc_url=None,  # ReDoc would load from a CDN: one explorer is enough
        lifespan=lifespan,
        # Unsafe requests riding on cookies must come from our own pages (web/origin.py).
        dependencies=[Depends(same_origin_writes)],
    )
    app.state.settings = settings
    app.state.uow_factory = uow_factory
    app.state.health_check = health_check
    app.state.sign_in_throttle = SignInThrottle(settings)  # counts in the database
    app.add_middleware(ServerSessions, settings=settings)  # web/sessions.py
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    install_error_handlers(app)
    install_redaction()  # link secrets never reach the access log
    app.include_router(health_router)
    app.include_router(api_router, prefix="/api/v1")
    install_api_docs(app)  # /docs: Swagger UI from the package, under the CSP
    install_pages(app)  # the browser pages: /login, /work, /lead, /portal, /static
    public.install(app, settings)  # /contact, /chat/start, /ws/chat/{token}, /ws/agent
    live.install(app)  # the agents' live feed (behind /ws/agent)
    return app


def create_served_app() -> FastAPI:
    """The app as `frontliner serve` runs it in each worker: settings from the
    environment, and the collector settled once started (web/heap.py)."""
    return create_app(settle_heap=True)
