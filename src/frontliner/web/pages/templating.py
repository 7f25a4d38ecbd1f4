"""The Jinja2 environment of the pages and `render`, the one way a page view answers.

Autoescape is on for every template, so anything a customer or agent typed is escaped
wherever it lands; `Markup` is used only by code that escapes its pieces itself (the
coach's underlined draft). Every page gets `user`, `nav`, `csrf_token` and `csrf_field()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from frontliner.desk.model import Role, User
from frontliner.desk.triage import format_money
from frontliner.web.pages.readings import reading
from frontliner.web.pages.security import CSRF_FIELD, csrf_token

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# The user in `request.state` is set by the page-route helper (`pages.auth.page_user`).
STATE_USER = "page_user"


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str


# Role-based navigation: each role sees only where it may go. The lead console and the
# customer portal are served by their own modules under these paths.
NAV: dict[Role, tuple[NavItem, ...]] = {
    Role.AGENT: (NavItem("Queues", "/work"), NavItem("Knowledge", "/knowledge"),
                 NavItem("Fire log", "/fires"), NavItem("My figures", "/insights/mine")),
    Role.LEAD: (NavItem("Queues", "/work"), NavItem("Lead console", "/lead"),
                NavItem("Knowledge", "/knowledge")),
    Role.ADMIN: (NavItem("Queues", "/work"), NavItem("Lead console", "/lead"),
                 NavItem("Knowledge", "/knowledge")),
    Role.CUSTOMER: (NavItem("My cases", "/portal"),),
}
# Staff practise replies on scenarios graded by the coach (pages/practice.py).
for _role in (Role.AGENT, Role.LEAD, Role.ADMIN):
    NAV[_role] += (NavItem("Practice", "/practice"),)
# Everyone has their own account page (API tokens); admins also the admin pages.
NAV[Role.ADMIN] += (NavItem("Admin", "/admin"),)
NAV = {role: (*items, NavItem("My account", "/account")) for role, items in NAV.items()}


def when(value: datetime | None) -> str:
    """A moment as the desk shows it: UTC, to the minute."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def iso(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def label(value: Any) -> str:
    """`waiting_on_customer` -> `waiting on customer`."""
    return str(getattr(value, "value", value)).replace("_", " ")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,  # a typo in a template fails loudly in the tests
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=format_money, when=when, iso=iso, label=label)
    env.filters["reading"] = reading  # the coach's reading of a customer's message
    return env


ENV = _environment()


@dataclass(frozen=True)
class Viewer:
    """Who the layout shows as logged in: a copy of the user's id, name and role, taken
    while the request's unit of work is open, so an error page rendered after it closed
    never touches a detached database object."""

    id: int | None
    name: str
    role: Role
    presence: str = "offline"  # the header's presence control shows it

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(user.id, user.name, user.role, user.presence.value)


def set_page_user(request: Request, user: User) -> None:
    setattr(request.state, STATE_USER, Viewer.of(user))


def current_page_user(request: Request) -> Viewer | None:
    viewer = getattr(request.state, STATE_USER, None)
    return viewer if isinstance(viewer, Viewer) else None


def page_context(request: Request) -> dict[str, Any]:
    user = current_page_user(request)
    token = csrf_token(request)
    field = Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)
    return {
        "request": request,
        "user": user,
        "nav": NAV.get(user.role, ()) if user else (),
        "search_action": "/portal/search" if user and user.role == Role.CUSTOMER
        else "/work/search",
        "path": request.url.path,
        "csrf_token": token,
        "csrf_field": lambda: field,
        "live_cursor": lambda: live_cursor(request),
    }


def live_cursor(request: Request) -> str:
    """Where a page's live updates resume from: the newest change as it is rendered
    (one read of the audit table's primary key; empty when the app has no live feed)."""
    feed = getattr(request.app.state, "live_feed", None)
    return "" if feed is None else str(feed.head())


def render_text(request: Request, template: str, context: dict[str, Any] | None = None) -> str:
    return ENV.get_template(template).render({**page_context(request), **(context or {})})


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page or an htmx fragment. Pages are private: never cached by the browser."""
    html = render_text(request, template, context)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


__all__ = ["ENV", "Markup", "current_page_user", "escape", "render", "render_text"]
