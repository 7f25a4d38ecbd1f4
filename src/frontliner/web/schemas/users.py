"""Users, teams, API tokens, empowerment profiles, kudos."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from frontliner.desk.model import KudosKind, Presence, Role
from frontliner.web.schemas.bounds import Cents, Days, Id
from frontliner.web.schemas.common import In, Out


class UserOut(Out):
    id: int
    name: str
    email: str
    role: Role
    team_id: int | None
    skills: list[str]
    active: bool
    customer_id: int | None
    created_at: datetime | None
    presence: Presence = Field(default=Presence.OFFLINE, description="what they said")
    capacity: int | None = Field(default=None, description="most open cases given to them "
                                 "automatically; null: the desk's default")


class UserIn(In):
    name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    role: Role
    password: str | None = Field(default=None, max_length=1_000)
    team_id: Id | None = None
    skills: list[str] = Field(default_factory=list, max_length=50)
    customer_id: Id | None = None


class RoleIn(In):
    role: Role


class SkillsIn(In):
    skills: list[str] = Field(max_length=50)


class PasswordIn(In):
    password: str = Field(max_length=1_000)


class TeamIn(In):
    name: str = Field(max_length=200)


class TeamAssignIn(In):
    team_id: Id | None = Field(description="The team, or null for none")


class TeamOut(Out):
    id: int
    name: str


class LoginIn(In):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1_000)


class SignOutEverywhereIn(In):
    tokens: bool = Field(default=False, description="Revoke all your API tokens as well")


class TokenIn(In):
    name: str = Field(default="api", min_length=1, max_length=100)


class TokenOut(Out):
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The secret. Shown once: store it now.")


class ProfileIn(In):
    role: Role | None = None
    user_id: Id | None = None
    money_per_case: Cents
    money_per_day: Cents
    extra_days: Days = 0
    remedy_kinds: list[str] = Field(default_factory=list, max_length=20)


class ProfileOut(Out):
    id: int | None
    name: str
    role: Role | None
    user_id: int | None
    money_per_case: int
    money_per_day: int
    extra_days: int
    remedy_kinds: list[str]


class KudosIn(In):
    to_user_id: Id
    message: str = Field(max_length=2_000)
    case_ref: str | None = Field(default=None, max_length=40)


class KudosOut(Out):
    id: int
    to_user_id: int
    at: datetime
    message: str
    kind: KudosKind
    from_user_id: int | None
    from_customer_id: int | None
    case_id: int | None
    fire_id: int | None


class AccountAuditOut(Out):
    id: int
    at: datetime
    action: str
    actor_id: int | None
    user_id: int | None
    team_id: int | None
    detail: dict[str, object]
