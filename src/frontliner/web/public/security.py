"""What keeps the public doors safe: CSRF tokens, the client's address, allowed origins,
and the headers every public page carries.

CSRF is a synchronizer token: a random value kept in the visitor's signed session and
repeated in the form; a cross-site post cannot read it, so it cannot send it.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import Response

CSRF_KEY = "csrf"
# Public pages run no inline script or style and are never framed.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def csrf_token(connection: HTTPConnection) -> str:
    """The visitor's token, created on first use."""
    token = connection.session.get(CSRF_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        connection.session[CSRF_KEY] = token
    return token


def csrf_ok(connection: HTTPConnection, sent: str | None) -> bool:
    expected = connection.session.get(CSRF_KEY)
    if not isinstance(expected, str) or not sent:
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())


def client_ip(connection: HTTPConnection) -> str:
    """The peer address as uvicorn reports it (it applies X-Forwarded-For only from
    trusted proxies, `--forwarded-allow-ips`), so a visitor cannot pick their own key."""
    return connection.client.host if connection.client else "unknown"


def origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def same_origin(headers: Headers, origin: str) -> bool:
    """The Origin names the host this request was sent to (scheme aside: a TLS-ending
    proxy in front changes it)."""
    host = headers.get("host", "").lower()
    return bool(host) and urlsplit(origin).netloc.lower() == host


def origin_allowed(headers: Headers, allowed: Iterable[str]) -> bool:
    """A browser always sends Origin on a WebSocket or cross-site request; it must be
    this site or one configured to embed the widget."""
    origin = headers.get("origin")
    if origin is None:
        return True  # not a browser: no ambient cookies to abuse, tokens still required
    normal = origin_of(origin)
    return same_origin(headers, origin) or normal in {origin_of(a) for a in allowed}


def harden(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


_CHAT_PATH = re.compile(r"(/ws/chat/|/confirm/)[^\s\"?/]+")


def redact_chat_tokens(text: str) -> str:
    """The chat token and the "is it solved?" link token, blanked out of a log line."""
    return _CHAT_PATH.sub(r"\1<token>", text)


class RedactChatTokens(logging.Filter):
    """The visitor's chat token is in the socket's path, and a bearer secret: servers'
    access and connection logs get the path with the token blanked out."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_chat_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_chat_tokens(a) if isinstance(a, str) else a
                                for a in record.args)
        return True


def redact_server_logs() -> None:
    """Install the filter on uvicorn's loggers, once per process."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactChatTokens) for f in logger.filters):
            logger.addFilter(RedactChatTokens())
