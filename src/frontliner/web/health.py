"""`GET /healthz`: 200 when the app can reach its database, 503 otherwise."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from frontliner.web.errors import error_response

log = logging.getLogger("frontliner.web")
router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness and database check")
def healthz(request: Request) -> Any:
    check = request.app.state.health_check
    try:
        if check is not None:
            check()
    except Exception as exc:  # any failure to reach the database is "unhealthy"
        log.warning("health check failed: %s", type(exc).__name__)
        return error_response(503, "unavailable", "The database is not reachable.")
    return JSONResponse({"status": "ok", "database": "ok" if check else "unchecked"})
