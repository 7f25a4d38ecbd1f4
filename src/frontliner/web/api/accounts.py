"""Administering accounts over the API, beside `users.py`: reactivate a user, rename a
team and list its members, anyone's API tokens (admin) or your own, the audit trail.

The same desk operations as the admin pages (`desk/accounts.py`, `web/tokens.py`), so
the API allows exactly what the pages do. Agents, leads and customers get 403 on the
admin-only endpoints; someone else's token is 404 unless you are an admin.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from frontliner.desk import access, accounts
from frontliner.desk.errors import NotFound
from frontliner.desk.model import Role, User
from frontliner.store import account_queries, queries
from frontliner.web.deps import AdminUser, CurrentUser, PageDep, StaffUser, UowDep
from frontliner.web.lookup import render, render_page, session_of
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.common import ERRORS, PageOut
from frontliner.web.schemas.users import (
    AccountAuditOut,
    NewTokenOut,
    TeamIn,
    TeamOut,
    TokenIn,
    TokenOut,
    UserOut,
)
from frontliner.web.tokens import issue_token, revoke_token

router = APIRouter(tags=["users"], responses=ERRORS)


@router.post("/users/{user_id}/reactivate", response_model=UserOut,
             summary="Let a deactivated user sign in again (admin)")
def reactivate(user_id: Id, user: AdminUser, uow: UowDep) -> Any:
    changed = accounts.reactivate(uow, user, user_id)
    uow.commit()
    return render(UserOut, changed)


@router.get("/audit", response_model=PageOut[AccountAuditOut],
            summary="The desk-wide audit trail: accounts, teams, empowerment profiles, "
                    "knowledge articles and prepared replies, newest first (admin)")
def whole_audit(user: AdminUser, uow: UowDep, page: PageDep) -> Any:
    found = account_queries.audit_trail(session_of(uow), None, page.cursor, page.limit)
    return render_page(found, AccountAuditOut)


@router.get("/users/{user_id}/audit", response_model=PageOut[AccountAuditOut],
            summary="What was done to a user's account, newest first (admin)")
def audit(user_id: Id, user: AdminUser, uow: UowDep, page: PageDep) -> Any:
    access.load_user(uow, user_id)
    found = account_queries.audit_trail(session_of(uow), user_id, page.cursor, page.limit)
    return render_page(found, AccountAuditOut)


@router.put("/teams/{team_id}", response_model=TeamOut, summary="Rename a team (admin)")
def rename_team(team_id: Id, body: TeamIn, user: AdminUser, uow: UowDep) -> Any:
    team = accounts.rename_team(uow, user, team_id, body.name)
    uow.commit()
    return render(TeamOut, team)


@router.get("/teams/{team_id}/members", response_model=PageOut[UserOut],
            summary="A team's members (staff)")
def members(team_id: Id, user: StaffUser, uow: UowDep, page: PageDep) -> Any:
    found = queries.list_users(session_of(uow), team_id=team_id, cursor=page.cursor,
                                       limit=page.limit)
    return render_page(found, UserOut)


def _own_or_admin(actor: User, user_id: int) -> None:
    if actor.id != user_id and actor.role != Role.ADMIN:
        raise NotFound(f"No user with id {user_id}.", {"user_id": user_id})


@router.get("/tokens", response_model=PageOut[TokenOut],
            summary="API tokens, newest first: your own, or anyone's as admin "
                    "(?user_id= for one user's)")
def list_tokens(user: CurrentUser, uow: UowDep, page: PageDep,
                user_id: Id | None = None) -> Any:
    if user.role != Role.ADMIN:
        assert user.id is not None
        _own_or_admin(user, user.id if user_id is None else user_id)
        user_id = user.id
    found = account_queries.list_tokens(session_of(uow), user_id, page.cursor, page.limit)
    return render_page(found, TokenOut)


@router.post("/users/{user_id}/tokens", response_model=NewTokenOut, status_code=201,
             summary="Create an API token for a user: yourself, or anyone as admin (the "
                     "secret is shown once)")
def create_token(user_id: Id, body: TokenIn, user: CurrentUser, uow: UowDep) -> Any:
    _own_or_admin(user, user_id)
    issued = issue_token(uow, user, user_id, body.name)
    uow.commit()
    return NewTokenOut(**render(TokenOut, issued.token).model_dump(), token=issued.secret)


@router.delete("/tokens/{token_id}", response_model=TokenOut,
               summary="Revoke an API token: your own, or anyone's as admin")
def revoke(token_id: Id, user: CurrentUser, uow: UowDep) -> Any:
    token = revoke_token(uow, user, token_id)
    uow.commit()
    return render(TokenOut, token)
