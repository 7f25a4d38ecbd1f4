"""Writes come from our own pages: the Origin check against cross-site requests.

Every unsafe request (POST, PUT, PATCH, DELETE) that a browser could send with the
visitor's cookies must name this site as its Origin, or, when a browser sends no Origin,
as its Referer. "This site" is `FRONTLINER_PUBLIC_URL` when it is set, or the host the
request was sent to (a cross-site page cannot change the Host its victim's browser
sends). This sits beside the CSRF token of the forms, it does not replace it: a stolen
or leaked token is still useless from another site.

Not checked, on purpose:
- requests with an `Authorization` header (API tokens): a browser never adds one by
  itself, so another site cannot make a victim's browser send it;
- requests with neither Origin nor Referer: they do not come from a browser page
  (browsers send Origin on every cross-site POST), so no cookie is abused;
- `/chat/start`, which other sites embed by design and which checks the Origin against
  `FRONTLINER_CHAT_ORIGINS` itself (`public/chat_start.py`).
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from frontliner.web.errors import ApiError
from frontliner.web.pages.errors import PageError
from frontliner.web.public.security import origin_of, same_origin
from frontliner.web.sessions import start_no_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
OWN_ORIGIN_RULE = frozenset({"/chat/start"})


def sender_origin(connection: HTTPConnection) -> str | None:
    """The origin the browser says the request comes from: the Origin header ("null"
    for an opaque one), else the Referer's origin; None when it says nothing."""
    origin = connection.headers.get("origin")
    if origin is not None:
        return origin.strip() or "null"
    referer = connection.headers.get("referer")
    if referer is None:
        return None
    return origin_of(referer) or "null"


def is_own_origin(connection: HTTPConnection, origin: str) -> bool:
    settings = connection.app.state.settings
    public = origin_of(settings.public_url) if settings.public_url else ""
    if public and origin_of(origin) == public:
        return True
    return origin != "null" and same_origin(connection.headers, origin)


async def same_origin_writes(connection: HTTPConnection) -> None:
    """App-wide dependency: refuse an unsafe cookie-borne request from another site."""
    if connection.scope["type"] != "http" or connection.scope["method"] in SAFE_METHODS:
        return
    if "authorization" in connection.headers or connection.url.path in OWN_ORIGIN_RULE:
        return
    origin = sender_origin(connection)
    if origin is None or is_own_origin(connection, origin):
        return
    start_no_session(connection)  # the refusal must not replace the visitor's cookie
    message = (f"This request came from another site ({origin}), so Frontliner refused it "
               "and nothing was changed. If you sent it yourself, open Frontliner, reload "
               "the page and send it again.")
    if connection.url.path.startswith("/api/"):
        raise ApiError(403, "cross_origin", message)
    raise PageError(403, message)
