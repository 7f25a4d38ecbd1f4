"""Browser safety for the pages: a per-session CSRF token and the security headers.

CSRF: every session gets one random token (kept in the signed session cookie). Every
unsafe request to a page route must echo it, either as the `csrf_token` form field (plain
forms, via the `csrf_field()` template helper) or as the `X-CSRF-Token` header (htmx
requests; `static/js/csrf.js` adds it from the `<meta name="csrf-token">` of the layout).
The REST API under /api takes no token: programs use it with Bearer tokens, and
cookie-borne writes anywhere must name our own Origin (web/origin.py).

Headers: a strict Content-Security-Policy (scripts and styles only from our own origin,
no inline script, no framing) plus nosniff and a referrer policy, on every response,
the API explorer at /docs included (it runs from the package: web/api_docs.py).
"""

from __future__ import annotations

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontliner.web.pages.errors import PageError

# One session token for every form of the site: the public contact form keeps it too.
from frontliner.web.public.security import CSRF_KEY, csrf_ok, csrf_token

__all__ = ["CSRF_FIELD", "SecurityHeaders", "check_csrf", "csrf_token", "renew_csrf_token"]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)


def renew_csrf_token(request: Request) -> str:
    """A fresh token, e.g. after logging in, so a token seen before login is useless."""
    request.session.pop(CSRF_KEY, None)
    return csrf_token(request)


async def check_csrf(request: Request) -> None:
    """Router dependency of every page route: unsafe methods must carry the token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and _is_form(request):
        form = await request.form()  # cached by Starlette: the view reads the same form
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not csrf_ok(request, sent):
        raise PageError(
            403,
            "This form has expired or did not come from Frontliner. "
            "Go back, reload the page and send it again; nothing was changed.",
        )


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [h for h in SECURITY_HEADERS if h[0] not in present]
                if b"content-security-policy" not in present:
                    extra.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
