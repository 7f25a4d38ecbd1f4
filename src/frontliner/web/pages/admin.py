"""The admin pages (`/admin/...`, role admin): users -- find, add, change role, team and
skills, deactivate and reactivate -- and each user's API tokens and audit trail.

Every change is one operation of `desk/accounts.py` (audited); a mistake re-renders the
page with the message and what was typed. Teams are in `admin_teams.py`; anyone's own
account and tokens in `account.py`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.channels.email import access_mail
from frontliner.desk import access, access_links, accounts
from frontliner.desk.errors import Conflict, DeskError, Forbidden, Invalid
from frontliner.desk.model import AccessPurpose, Role, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store import account_queries, queries, webhook_queries
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import page_user
from frontliner.web.pages.lead import done, flash
from frontliner.web.pages.templating import render
from frontliner.web.schemas.bounds import Id
from frontliner.web.tokens import issue_token, revoke_token

router = APIRouter(prefix="/admin")

AdminPageUser = Annotated[User, Depends(page_user(Role.ADMIN))]
PAGE_SIZE = 50
TRAIL_SIZE = 20
STAFF_ROLES = [Role.AGENT, Role.LEAD, Role.ADMIN]
Text = Annotated[str, Form(max_length=2000)]


def parse_skills(text: str) -> list[str]:
    return [s for s in (part.strip() for part in text.split(",")) if s]


def _team_id(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


@router.get("")
def admin_home() -> Response:
    return RedirectResponse("/admin/users", status_code=303)


# --- the list of users, and adding one -----------------------------------------------------


@router.get("/users")
def users_page(
    request: Request, user: AdminPageUser, uow: UowDep,
    q: Annotated[str, Query(max_length=200)] = "",
    role: Annotated[str, Query(max_length=20)] = "",
    state: Annotated[str, Query(max_length=20)] = "",
    team: Annotated[str, Query(max_length=20)] = "",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    filters = {"q": q, "role": role, "state": state, "team": team}
    return _users_page(request, uow, filters, cursor)


def _users_page(request: Request, uow: UnitOfWork, filters: dict[str, str],
                cursor: str | None = None, form: dict[str, Any] | None = None,
                error: str = "", status_code: int = 200) -> Response:
    role = Role(filters["role"]) if filters["role"] in {r.value for r in Role} else None
    active = {"active": True, "deactivated": False}.get(filters["state"])
    found = queries.list_users(session_of(uow), role, active, filters["q"] or None,
                                       _team_id(filters["team"]), cursor, PAGE_SIZE)
    teams = account_queries.all_teams(session_of(uow))
    context = {"section": "users", "rows": found.items, "next_cursor": found.next_cursor,
               "filters": filters, "roles": list(Role), "staff_roles": STAFF_ROLES,
               "teams": teams, "team_names": {t.id: t.name for t in teams},
               "form": form or {"invite": "on"}, "error": error, "done": flash(request),
               "webhook_notices": webhook_queries.disabled_for_failing(session_of(uow))}
    return render(request, "admin/users.html", context, status_code=status_code)


@router.post("/users")
def add_user(
    request: Request, user: AdminPageUser, uow: UowDep, name: Text = "", email: Text = "",
    role: Text = "agent", team_id: Text = "", skills: Text = "", invite: Text = "",
) -> Response:
    form = {"name": name, "email": email, "role": role, "team_id": team_id, "skills": skills,
            "invite": invite}
    try:
        if role not in {r.value for r in STAFF_ROLES}:
            raise Invalid("Choose agent, lead or admin. Customers sign in with an e-mailed "
                          "link and need no account made for them.", {"role": "staff only"})
        added = accounts.add_user(uow, user, name=name, email=email, role=role,
                                  team_id=_team_id(team_id), skills=parse_skills(skills))
        if invite:
            settings = request.app.state.settings
            access_links.request_link(uow, AccessPurpose.PASSWORD_RESET, added.email,
                                      access_mail.seal(settings))
        uow.commit()
    except (Invalid, Conflict) as bad:
        uow.rollback()
        status = 409 if isinstance(bad, Conflict) else 422
        empty = {"q": "", "role": "", "state": "", "team": ""}
        return _users_page(request, uow, empty, form=form, error=bad.message,
                           status_code=status)
    invited = " A link to set a password is on its way to them." if invite else ""
    return done(request, f"/admin/users/{added.id}", f"{added.name} was added.{invited}")


# --- one user ---------------------------------------------------------------------------


@router.get("/users/{user_id}")
def user_page(request: Request, user: AdminPageUser, uow: UowDep, user_id: Id,
              cursor: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    return _user_page(request, uow, user_id, cursor=cursor)


def _user_page(request: Request, uow: UnitOfWork, user_id: int, error: str = "",
               status_code: int = 200, secret: str = "", cursor: str | None = None,
               ) -> Response:
    shown = access.load_user(uow, user_id)
    session = session_of(uow)
    tokens = account_queries.list_tokens(session, user_id, None, PAGE_SIZE)
    trail = account_queries.audit_trail(session, user_id, cursor, TRAIL_SIZE)
    teams = account_queries.all_teams(session)
    context = {"section": "users", "shown": shown, "tokens": tokens.items,
               "more_tokens": tokens.next_cursor is not None, "trail": trail.items,
               "trail_next": trail.next_cursor, "teams": teams,
               "team_names": {t.id: t.name for t in teams},
               "names": account_queries.user_names(session, [e.actor_id for e in trail.items]),
               "roles": [Role.CUSTOMER] if shown.role == Role.CUSTOMER else STAFF_ROLES,
               "error": error, "secret": secret, "done": flash(request)}
    return render(request, "admin/user.html", context, status_code=status_code)


def _change(request: Request, uow: UnitOfWork, user_id: int, action: Any,
            message: str) -> Response:
    """Run one desk operation for the user's page; errors re-render it with the reason."""
    try:
        action()
        uow.commit()
    except (Invalid, Conflict, Forbidden) as refused:
        uow.rollback()
        status = {Invalid: 422, Conflict: 409, Forbidden: 403}[type(refused)]
        return _user_page(request, uow, user_id, refused.message, status)
    return done(request, f"/admin/users/{user_id}", message)


@router.post("/users/{user_id}/role")
def change_role(request: Request, user: AdminPageUser, uow: UowDep, user_id: Id,
                role: Text = "") -> Response:
    return _change(request, uow, user_id,
                   lambda: accounts.change_role(uow, user, user_id, role), "Role changed.")


@router.post("/users/{user_id}/team")
def change_team(request: Request, user: AdminPageUser, uow: UowDep, user_id: Id,
                team_id: Text = "") -> Response:
    return _change(request, uow, user_id,
                   lambda: accounts.move_to_team(uow, user, user_id, _team_id(team_id)),
                   "Team changed.")


@router.post("/users/{user_id}/skills")
def change_skills(request: Request, user: AdminPageUser, uow: UowDep, user_id: Id,
                  skills: Text = "") -> Response:
    return _change(request, uow, user_id,
                   lambda: accounts.change_skills(uow, user, user_id, parse_skills(skills)),
                   "Skills saved.")


@router.post("/users/{user_id}/deactivate")
def deactivate(request: Request, user: AdminPageUser, uow: UowDep, user_id: Id) -> Response:
    return _change(request, uow, user_id, lambda: accounts.deactivate(uow, user, user_id),
                   "Deactivated: they can no longer sign in, and their API tokens stop "
                   "working.")


@router.post("/users/{user_id}/reactivate")
def reactivate(request: Request, user: AdminPageUser, uow: UowDep, user_id: Id) -> Response:
    return _change(request, uow, user_id, lambda: accounts.reactivate(uow, user, user_id),
                   "Reactivated: they can sign in again.")


@router.post("/users/{user_id}/tokens")
def create_token(request: Request, user: AdminPageUser, uow: UowDep, user_id: Id,
                 name: Annotated[str, Form(max_length=100)] = "") -> Response:
    try:
        issued = issue_token(uow, user, user_id, name)
        uow.commit()
    except DeskError as refused:
        uow.rollback()
        return _user_page(request, uow, user_id, refused.message, 422)
    # Rendered, not redirected: the secret must not travel in the session or an address.
    return _user_page(request, uow, user_id, secret=issued.secret, status_code=201)


@router.post("/users/{user_id}/tokens/{token_id}/revoke")
def revoke(request: Request, user: AdminPageUser, uow: UowDep, user_id: Id,
           token_id: Id) -> Response:
    revoke_token(uow, user, token_id)
    uow.commit()
    return done(request, f"/admin/users/{user_id}", "Token revoked: it no longer works.")
