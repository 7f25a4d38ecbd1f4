"""The admin pages of teams (`/admin/teams`, role admin): add, rename, members.

A member is added by e-mail address (the people list can be long) and removed with one
button; both are `desk.accounts.move_to_team`, audited like every account change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from frontliner.desk import accounts
from frontliner.desk.customers import normalise_email
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.model import Team, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store import account_queries, queries
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.admin import AdminPageUser
from frontliner.web.pages.lead import done, flash
from frontliner.web.pages.templating import render
from frontliner.web.schemas.bounds import Id

router = APIRouter(prefix="/admin/teams")
PAGE_SIZE = 50
Callable0 = Callable[[], Any]
Name = Annotated[str, Form(max_length=200)]


@router.get("")
def teams_page(request: Request, user: AdminPageUser, uow: UowDep) -> Response:
    return _teams_page(request, uow)


def _teams_page(request: Request, uow: UnitOfWork, name: str = "", error: str = "",
                status_code: int = 200) -> Response:
    context = {"section": "teams", "teams": account_queries.all_teams(session_of(uow)),
               "name": name, "error": error, "done": flash(request)}
    return render(request, "admin/teams.html", context, status_code=status_code)


@router.post("")
def add_team(request: Request, user: AdminPageUser, uow: UowDep, name: Name = "") -> Response:
    try:
        team = accounts.add_team(uow, user, name)
        uow.commit()
    except (Invalid, Conflict) as bad:
        uow.rollback()
        return _teams_page(request, uow, name, bad.message,
                           409 if isinstance(bad, Conflict) else 422)
    return done(request, f"/admin/teams/{team.id}", f"Team {team.name} was added.")


@router.get("/{team_id}")
def team_page(request: Request, user: AdminPageUser, uow: UowDep, team_id: Id,
              cursor: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    return _team_page(request, uow, team_id, cursor=cursor)


def _team_page(request: Request, uow: UnitOfWork, team_id: int, error: str = "",
               status_code: int = 200, cursor: str | None = None, typed: str = "",
               ) -> Response:
    team = uow.get(Team, team_id)
    if team is None:
        raise NotFound(f"No team with id {team_id}.", {"team_id": team_id})
    members = queries.list_users(session_of(uow), team_id=team_id, cursor=cursor,
                                         limit=PAGE_SIZE)
    context = {"section": "teams", "team": team, "members": members.items,
               "next_cursor": members.next_cursor, "error": error, "typed": typed,
               "done": flash(request)}
    return render(request, "admin/team.html", context, status_code=status_code)


def _act(request: Request, uow: UnitOfWork, team_id: int, action: Callable0, message: str,
         typed: str = "") -> Response:
    try:
        action()
        uow.commit()
    except (Invalid, Conflict, Forbidden, NotFound) as refused:
        uow.rollback()
        status = {Invalid: 422, Conflict: 409, Forbidden: 403, NotFound: 404}[type(refused)]
        return _team_page(request, uow, team_id, refused.message, status, typed=typed)
    return done(request, f"/admin/teams/{team_id}", message)


@router.post("/{team_id}/name")
def rename(request: Request, user: AdminPageUser, uow: UowDep, team_id: Id,
           name: Name = "") -> Response:
    return _act(request, uow, team_id, lambda: accounts.rename_team(uow, user, team_id, name),
                "Team renamed.")


@router.post("/{team_id}/members")
def add_member(request: Request, user: AdminPageUser, uow: UowDep, team_id: Id,
               email: Annotated[str, Form(max_length=320)] = "") -> Response:
    def add() -> None:
        found = uow.find(User, limit=1, email=normalise_email(email))
        if not found:
            raise Invalid(f"No user has the e-mail {email.strip()}.", {"email": "no such user"})
        accounts.move_to_team(uow, user, found[0].id or 0, team_id)

    return _act(request, uow, team_id, add, f"{email.strip()} is now in this team.",
                typed=email)


@router.post("/{team_id}/members/{user_id}/remove")
def remove_member(request: Request, user: AdminPageUser, uow: UowDep, team_id: Id,
                  user_id: Id) -> Response:
    return _act(request, uow, team_id,
                lambda: accounts.move_to_team(uow, user, user_id, None),
                "Removed from the team.")
