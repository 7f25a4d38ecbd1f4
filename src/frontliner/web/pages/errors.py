"""Errors on the pages answer with a page, not JSON: a login redirect, or an error page
that says what happened and what to do, in words a person can act on.

The REST API keeps its JSON errors (`web/errors.py`); `install_page_errors` only takes
over for paths outside /api.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from frontliner.desk.errors import DeskError
from frontliner.web.errors import desk_status, validation_details

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

API_PREFIX = "/api/"


class PageError(Exception):
    """Stop rendering and show an error page with this status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class LoginRequired(Exception):
    """Nobody (or nobody valid) is logged in: go to the login page, then come back."""

    def __init__(self, next_url: str, message: str = "") -> None:
        super().__init__(next_url)
        self.next_url, self.message = next_url, message


def login_url(next_url: str = "/") -> str:
    return "/login?next=" + quote(next_url, safe="/")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX) or request.url.path == "/openapi.json"


def _error_page(request: Request, status: int, message: str) -> Response:
    from frontliner.web.pages.templating import render  # templating imports this module

    return render(request, "error.html", {"status": status, "message": message},
                  status_code=status)


async def _on_page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    return _error_page(request, exc.status, exc.message)


async def _on_login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    if request.headers.get("hx-request"):
        # htmx follows redirects inside the fragment; ask it to load the login page whole.
        return Response(status_code=401, headers={"HX-Redirect": login_url(exc.next_url)})
    return RedirectResponse(login_url(exc.next_url), status_code=303)


_HTTP_MESSAGES = {
    404: "There is no page here. Check the address, or start again from the home page.",
    405: "This page cannot be used that way.",
}


def install_page_errors(app: FastAPI) -> None:
    """Register page handlers; desk and HTTP errors on page paths render HTML, the API's
    own handlers still answer JSON under /api."""
    app.add_exception_handler(PageError, _on_page_error)
    app.add_exception_handler(LoginRequired, _on_login_required)
    json_desk = app.exception_handlers[DeskError]
    json_http = app.exception_handlers[StarletteHTTPException]

    async def on_desk(request: Request, exc: Exception) -> Response:
        if _is_api(request):
            return await _call(json_desk, request, exc)
        assert isinstance(exc, DeskError)
        status, _ = desk_status(exc)
        return _error_page(request, status, exc.message)

    async def on_http(request: Request, exc: Exception) -> Response:
        if _is_api(request) or request.url.path.startswith("/static/"):
            return await _call(json_http, request, exc)
        assert isinstance(exc, StarletteHTTPException)
        message = _HTTP_MESSAGES.get(exc.status_code, "The request could not be served.")
        return _error_page(request, exc.status_code, message)

    json_invalid = app.exception_handlers[RequestValidationError]

    async def on_invalid(request: Request, exc: Exception) -> Response:
        if _is_api(request):
            return await _call(json_invalid, request, exc)
        assert isinstance(exc, RequestValidationError)
        fields = ", ".join(sorted({d["field"] for d in validation_details(exc)}))
        message = f"Some fields could not be used ({fields}). Go back, correct them and send again."
        return _error_page(request, 422, message)

    app.add_exception_handler(DeskError, on_desk)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(StarletteHTTPException, on_http)


async def _call(
    handler: Callable[[Request, Exception], Awaitable[Response] | Response],
    request: Request,
    exc: Exception,
) -> Response:
    result = handler(request, exc)
    if isinstance(result, Response):
        return result
    return await result
