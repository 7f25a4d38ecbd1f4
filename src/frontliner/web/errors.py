"""Every error the API returns has one shape: `{"error": {"code", "message", "details"}}`.

Desk errors map onto HTTP statuses here and only here, so a view never picks a status
for a domain failure. A crash answers 500 with a generic message: internals (SQL, paths,
stack traces) stay in the server log, never in the response.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from frontliner.desk.errors import Conflict, DeskError, Forbidden, Invalid, NotFound

log = logging.getLogger("frontliner.web")

_DESK_STATUS: tuple[tuple[type[DeskError], int, str], ...] = (
    (NotFound, 404, "not_found"),
    (Forbidden, 403, "forbidden"),
    (Invalid, 422, "invalid"),
    (Conflict, 409, "conflict"),
)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    428: "precondition_required",
    429: "too_many_requests",
}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


class ApiError(Exception):
    """An error decided by the web layer itself (authentication, headers, cursors)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details, self.headers = details, headers


AUTH_REQUIRED = "Authentication required: send a Bearer API token or log in."


def unauthorized(message: str = AUTH_REQUIRED) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def desk_status(exc: DeskError) -> tuple[int, str]:
    for kind, status, code in _DESK_STATUS:
        if isinstance(exc, kind):
            return status, code
    return 400, "bad_request"


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    # ("body", "customer", "name") -> "customer.name"; the source ("body", "query") is
    # kept only when it is the whole location, so a missing body still says "body".
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts)


def validation_details(exc: RequestValidationError) -> list[dict[str, str]]:
    details = []
    for err in exc.errors():
        field = _field_path(err.get("loc", ()))
        message = str(err.get("msg", "is invalid"))
        if err.get("type") == "missing":
            message = "is required"
        details.append({"field": field, "message": message})
    return details


def _validation_message(details: list[dict[str, str]]) -> str:
    listed = "; ".join(f"{d['field']}: {d['message']}" for d in details[:5])
    more = f" (and {len(details) - 5} more)" if len(details) > 5 else ""
    return f"The request is not valid: {listed}{more}."


async def _on_desk_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DeskError)
    status, code = desk_status(exc)
    return error_response(status, code, exc.message, exc.details or None)


async def _on_api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


async def _on_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = validation_details(exc)
    return error_response(422, "invalid", _validation_message(details), details)


async def _on_http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else "Request failed."
    if exc.status_code == 404 and message == "Not Found":
        message = "No such resource."
    if exc.status_code == 405:
        message = "This method is not allowed on this resource."
    return error_response(exc.status_code, code, message, None, exc.headers)


async def _on_crash(request: Request, exc: Exception) -> JSONResponse:
    # Log the type and the route, not the request: bodies and headers may hold secrets.
    log.error(
        "unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path, exc_info=exc
    )
    return error_response(500, "internal", "Something went wrong on our side; it has been logged.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DeskError, _on_desk_error)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_crash)
