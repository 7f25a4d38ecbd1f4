"""Server-rendered pages (Jinja2 + htmx) for agents, leads and customers.

Conventions every page module follows (agent pages live here; the lead console and the
customer portal follow the same rules in their own modules):

1. **One router per area**, `router = APIRouter()` in `pages/<area>.py`, added to
   `AREAS` below. Paths: `/work/...` agent workspace, `/lead/...` lead console,
   `/portal/...` customer portal, `/login`, `/logout`. Page routes use
   `include_in_schema=False` (the OpenAPI document describes the REST API only).
2. **Thin views**: parse the form, call ONE desk operation inside the request's unit of
   work (`uow: UowDep`), `uow.commit()`, then redirect (POST -> 303 -> GET) or render.
   Business rules live in `desk/`; reads go through `store/queries.py` with
   `session_of(uow)` (never load a whole table; add a bounded, indexed query there).
3. **Who may look**: every route takes its user from `pages.auth`: `StaffPageUser`,
   `LeadPageUser`, `CustomerPageUser` or `AnyPageUser` (`page_user(*roles)` for other
   sets). Not logged in -> redirect to `/login?next=<here>`; wrong role -> 403 page.
   Per-object rules are still the desk's (`access.load_case_by_ref`, etc.).
4. **Rendering**: `render(request, "area/page.html", {...})` from `pages.templating`.
   Templates extend `base.html` and fill `{% block title %}` and `{% block content %}`;
   they get `user`, `nav`, `csrf_token`, `csrf_field()` and the filters `money` (cents ->
   "12.50"), `when` (UTC datetime), `iso`, `label` (`waiting_on_customer` -> words).
   Autoescape is on everywhere; never mark user text safe.
5. **Forms and CSRF**: every `<form method="post">` contains `{{ csrf_field() }}`. htmx
   requests carry the token as the `X-CSRF-Token` header automatically
   (`static/js/csrf.js`). The check is a dependency of every page router (see
   `install_pages`); a missing or wrong token is a 403 page and changes nothing.
6. **No inline scripts or styles**: the Content-Security-Policy forbids them (no
   `<script>` bodies, no `onclick=`, no `style=`, no `hx-on`). Behaviour goes in a static
   JS file under `static/js/`, loaded with `{% block scripts %}`; styles in
   `static/css/site.css`.
7. **Errors the person can act on**: catch `desk.errors.Invalid` / `Conflict` in the view
   and re-render the form with the message and everything the person typed (nothing is
   lost). Uncaught desk errors, `PageError(status, message)` and validation errors
   render `error.html` on page paths (JSON stays JSON under /api).
8. **Accessible by default**: every input has a `<label>`; errors are linked with
   `aria-describedby` and announced (`role="alert"`); the layout has a skip link and a
   `<main id="main">` landmark; keyboard focus is always visible.

Tests: `tests/browser/conftest.py` gives a running app (`live_server`), a seeded desk
(`browser_desk`) and a logged-in Playwright page per role (`agent_page`, `lead_page`,
`customer_page`).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from frontliner.web.pages import (
    access,
    account,
    admin,
    admin_teams,
    admin_webhooks,
    assignment_pages,
    auth,
    case_abuse,
    case_actions,
    case_confirm,
    case_notes,
    case_page,
    composer,
    fire_suggestions,
    insights,
    knowledge,
    lead,
    lead_abuse,
    lead_coach,
    lead_firelog,
    lead_practice,
    lead_reviews,
    lead_team,
    live_counts,
    my_coaching,
    new_case,
    portal,
    practice,
    search,
    workspace,
)
from frontliner.web.pages.errors import install_page_errors
from frontliner.web.pages.security import SecurityHeaders, check_csrf

STATIC = Path(__file__).resolve().parent.parent / "static"

# Every page router, in one list (add yours here).
# new_case before case_page: /work/cases/new is not a case reference.
AREAS: list[APIRouter] = [auth.router, workspace.router, new_case.router, case_page.router,
                          case_actions.router, case_notes.router, composer.router, lead.router,
                          lead_team.router, lead_firelog.router, lead_coach.router,
                          portal.router, lead_abuse.router,
                          fire_suggestions.router, knowledge.router, assignment_pages.router,
                          case_abuse.router]
AREAS.append(access.router)  # e-mailed sign-in and password-reset links
AREAS += [admin.router, admin_teams.router, account.router]  # users, teams, own tokens
AREAS.append(admin_webhooks.router)  # webhooks and their delivery log
AREAS.append(live_counts.router)  # the side navigation's counts for live updates
AREAS.append(case_confirm.router)  # recording the customer's confirmation
AREAS.append(search.router)  # /work/search and /portal/search
AREAS += [lead_reviews.router, my_coaching.router]  # reply review, an agent's own coaching
AREAS.append(insights.router)  # /lead/insights, /insights/mine, /insights, /reports
AREAS += [practice.router, lead_practice.router]  # practice, graded by the coach


def install_pages(app: FastAPI) -> None:
    """Mount the static files, the page routers (each behind the CSRF check), the page
    error handlers and the security headers."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    pages = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
    for area in AREAS:
        pages.include_router(area)
    app.include_router(pages)
    install_page_errors(app)
    app.add_middleware(SecurityHeaders)
