"""Administering accounts: the user and team operations of `users.py`, each leaving an
entry in the account audit trail, plus what was missing (reactivate, rename a team).

Pages and API call these; `users.py` keeps the rules themselves (who may, what is valid,
what deactivation does to the user's cases), so there is one place for each rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from frontliner.desk import access, users
from frontliner.desk.account_audit import record_account
from frontliner.desk.clock import resolve_now
from frontliner.desk.customers import clean_name
from frontliner.desk.errors import Conflict, NotFound
from frontliner.desk.model import Role, Team, User
from frontliner.desk.ports import UnitOfWork


def add_user(uow: UnitOfWork, actor: User | None, now: datetime | None = None,
             **fields: Any) -> User:
    """`users.create_user`, audited (the password, if any, is never in the trail)."""
    user = users.create_user(uow, actor, now=now, **fields)
    record_account(uow, "user_added", actor, user_id=user.id, team_id=user.team_id, now=now,
                   role=user.role.value, email=user.email)
    return user


def change_role(uow: UnitOfWork, actor: User | None, user_id: int, role: Role | str,
                now: datetime | None = None) -> User:
    before = access.load_user(uow, user_id).role
    user = users.set_role(uow, actor, user_id, role)
    if user.role != before:
        record_account(uow, "role_changed", actor, user_id=user_id, now=now,
                       before=before.value, after=user.role.value)
    return user


def move_to_team(uow: UnitOfWork, actor: User | None, user_id: int, team_id: int | None,
                 now: datetime | None = None) -> User:
    before = access.load_user(uow, user_id).team_id
    user = users.set_team(uow, actor, user_id, team_id)
    if team_id != before:
        record_account(uow, "team_changed", actor, user_id=user_id, team_id=team_id, now=now,
                       before=before, after=team_id)
    return user


def change_skills(uow: UnitOfWork, actor: User | None, user_id: int, skills: Sequence[str],
                  now: datetime | None = None) -> User:
    before = list(access.load_user(uow, user_id).skills)
    user = users.set_skills(uow, actor, user_id, skills)
    if user.skills != before:
        record_account(uow, "skills_changed", actor, user_id=user_id, now=now,
                       before=before, after=list(user.skills))
    return user


def deactivate(uow: UnitOfWork, actor: User | None, user_id: int,
               now: datetime | None = None) -> User:
    """`users.deactivate_user` (which decides what happens to the user's open cases),
    audited. Their sessions and API tokens end at once, for good (`users.end_sign_ins`)."""
    user = users.deactivate_user(uow, actor, user_id)
    record_account(uow, "deactivated", actor, user_id=user_id, now=now)
    return user


def reactivate(uow: UnitOfWork, actor: User | None, user_id: int,
               now: datetime | None = None) -> User:
    """Let a deactivated user sign in again (with new sessions and tokens: the old ones
    ended with the deactivation)."""
    access.require_role(actor, Role.ADMIN)
    user = access.load_user(uow, user_id)
    if user.active:
        raise Conflict(f"{user.name}'s account is already active.", {"active": True})
    user.active = True
    record_account(uow, "reactivated", actor, user_id=user_id, now=now)
    return user


def sign_out_everywhere(uow: UnitOfWork, actor: User, user_id: int, *, tokens: bool,
                        now: datetime | None = None) -> User:
    """Sign a user out everywhere (yours, or anyone's as admin), audited. With `tokens`,
    every session and API token ends here (`users.end_sign_ins`); without, the caller
    deletes the user's sessions (the web's own rows) and the tokens keep working."""
    user = access.load_user(uow, user_id)
    if actor.id != user.id:
        access.require_role(actor, Role.ADMIN)
    revoked = users.end_sign_ins(uow, user) if tokens else 0
    record_account(uow, "signed_out_everywhere", actor, user_id=user_id, now=now,
                   tokens_revoked=revoked)
    return user


def add_team(uow: UnitOfWork, actor: User | None, name: str,
             now: datetime | None = None) -> Team:
    team = users.create_team(uow, actor, name, now=now)
    record_account(uow, "team_added", actor, team_id=team.id, now=now, name=team.name)
    return team


def rename_team(uow: UnitOfWork, actor: User | None, team_id: int, name: str,
                now: datetime | None = None) -> Team:
    access.require_role(actor, Role.ADMIN)
    resolve_now(now)
    team = uow.get(Team, team_id)
    if team is None:
        raise NotFound(f"No team with id {team_id}.", {"team_id": team_id})
    clean = clean_name(name)
    taken = uow.find(Team, limit=1, name=clean)
    if taken and taken[0] is not team:
        raise Conflict(f"A team named {clean!r} already exists.", {"name": clean})
    if clean != team.name:
        record_account(uow, "team_renamed", actor, team_id=team_id, now=now,
                       before=team.name, after=clean)
        team.name = clean
    return team


def set_password(uow: UnitOfWork, actor: User | None, user_id: int, password: str,
                 now: datetime | None = None) -> User:
    """`users.set_password` (yours, or anyone's as admin), audited without the password."""
    user = users.set_password(uow, actor, user_id, password)
    record_account(uow, "password_set", actor, user_id=user_id, now=now)
    return user
