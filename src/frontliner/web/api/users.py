"""Users, teams, skills, empowerment profiles and kudos."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from frontliner.desk import access, accounts, empowerment, recognition
from frontliner.desk.errors import NotFound
from frontliner.desk.model import EmpowermentProfile, Role, Team
from frontliner.store import queries
from frontliner.web.deps import AdminUser, CurrentUser, LeadUser, PageDep, StaffUser, UowDep
from frontliner.web.lookup import case_for, case_id, render, render_page, session_of
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.common import ERRORS, PageOut
from frontliner.web.schemas.users import (
    KudosIn,
    KudosOut,
    PasswordIn,
    ProfileIn,
    ProfileOut,
    RoleIn,
    SkillsIn,
    TeamAssignIn,
    TeamIn,
    TeamOut,
    UserIn,
    UserOut,
)

router = APIRouter(tags=["users"], responses=ERRORS)
MAX_TEAMS = 200
MAX_PROFILES = 200


@router.get("/users", response_model=PageOut[UserOut], summary="Users (staff)")
def list_users(
    user: StaffUser,
    uow: UowDep,
    page: PageDep,
    role: Role | None = None,
    active: bool | None = None,
    q: Annotated[str | None, Query(max_length=200, description="part of a name or e-mail")] = None,
    team_id: Id | None = None,
) -> Any:
    found = queries.list_users(session_of(uow), role, active, q, team_id, page.cursor,
                                       page.limit)
    return render_page(found, UserOut)


@router.post("/users", response_model=UserOut, status_code=201, summary="Add a user (admin)")
def create_user(body: UserIn, user: AdminUser, uow: UowDep) -> Any:
    created = accounts.add_user(
        uow,
        user,
        name=body.name,
        email=body.email,
        role=body.role,
        password=body.password,
        team_id=body.team_id,
        skills=body.skills,
        customer_id=body.customer_id,
    )
    uow.commit()
    return render(UserOut, created)


@router.get("/users/{user_id}", response_model=UserOut, summary="A user (staff, or yourself)")
def get_user(user_id: Id, user: CurrentUser, uow: UowDep) -> Any:
    if user.id != user_id and not access.is_staff(user):
        raise NotFound(f"No user with id {user_id}.", {"user_id": user_id})
    return render(UserOut, access.load_user(uow, user_id))


@router.put("/users/{user_id}/role", response_model=UserOut, summary="Change a role (admin)")
def set_role(user_id: Id, body: RoleIn, user: AdminUser, uow: UowDep) -> Any:
    changed = accounts.change_role(uow, user, user_id, body.role)
    uow.commit()
    return render(UserOut, changed)


@router.put("/users/{user_id}/team", response_model=UserOut, summary="Put in a team (admin)")
def set_team(user_id: Id, body: TeamAssignIn, user: AdminUser, uow: UowDep) -> Any:
    changed = accounts.move_to_team(uow, user, user_id, body.team_id)
    uow.commit()
    return render(UserOut, changed)


@router.put("/users/{user_id}/skills", response_model=UserOut, summary="Set skills (lead)")
def set_skills(user_id: Id, body: SkillsIn, user: StaffUser, uow: UowDep) -> Any:
    changed = accounts.change_skills(uow, user, user_id, body.skills)
    uow.commit()
    return render(UserOut, changed)


@router.put(
    "/users/{user_id}/password",
    status_code=204,
    summary="Set a password (yours, or anyone's as admin)",
)
def set_password(user_id: Id, body: PasswordIn, user: CurrentUser, uow: UowDep) -> None:
    if user.id != user_id and user.role != Role.ADMIN:
        raise NotFound(f"No user with id {user_id}.", {"user_id": user_id})
    accounts.set_password(uow, user, user_id, body.password)
    uow.commit()


@router.post(
    "/users/{user_id}/deactivate",
    response_model=UserOut,
    summary="Deactivate a user; their open cases go back to a lead (admin)",
)
def deactivate(user_id: Id, user: AdminUser, uow: UowDep) -> Any:
    changed = accounts.deactivate(uow, user, user_id)
    uow.commit()
    return render(UserOut, changed)


@router.get(
    "/users/{user_id}/limits",
    response_model=ProfileOut,
    summary="The empowerment limits that apply to a user (staff)",
)
def limits(user_id: Id, user: StaffUser, uow: UowDep) -> Any:
    return render(ProfileOut, empowerment.limits_for(uow, access.load_user(uow, user_id)))


@router.get(
    "/users/{user_id}/kudos",
    response_model=PageOut[KudosOut],
    summary="Kudos and fix credits a colleague received (staff)",
)
def kudos_received(user_id: Id, user: StaffUser, uow: UowDep, page: PageDep) -> Any:
    target = access.load_user(uow, user_id)
    assert target.id is not None
    return render_page(
        queries.kudos_for(session_of(uow), target.id, page.cursor, page.limit), KudosOut
    )


@router.get("/teams", response_model=list[TeamOut], summary="Teams (staff; at most 200)")
def list_teams(user: StaffUser, uow: UowDep) -> Any:
    return [render(TeamOut, t) for t in uow.find(Team, limit=MAX_TEAMS)]


@router.post("/teams", response_model=TeamOut, status_code=201, summary="Add a team (admin)")
def create_team(body: TeamIn, user: AdminUser, uow: UowDep) -> Any:
    team = accounts.add_team(uow, user, body.name)
    uow.commit()
    return render(TeamOut, team)


@router.get(
    "/empowerment/profiles",
    response_model=list[ProfileOut],
    summary="Stored role profiles and per-agent overrides (lead; at most 200)",
)
def list_profiles(user: LeadUser, uow: UowDep) -> Any:
    return [render(ProfileOut, p) for p in uow.find(EmpowermentProfile, limit=MAX_PROFILES)]


@router.put(
    "/empowerment/profiles",
    response_model=ProfileOut,
    summary="Set a role's limits or one agent's override (lead: agents; admin: all)",
)
def set_profile(body: ProfileIn, user: StaffUser, uow: UowDep) -> Any:
    profile = empowerment.set_profile(
        uow,
        user,
        role=body.role,
        user_id=body.user_id,
        money_per_case=body.money_per_case,
        money_per_day=body.money_per_day,
        extra_days=body.extra_days,
        remedy_kinds=body.remedy_kinds,
    )
    uow.commit()
    return render(ProfileOut, profile)


@router.post(
    "/kudos",
    response_model=KudosOut,
    status_code=201,
    summary="Thank a colleague (leads), or the agent who helped you (customers)",
)
def give_kudos(body: KudosIn, user: CurrentUser, uow: UowDep) -> Any:
    on_case = None if body.case_ref is None else case_id(case_for(uow, user, body.case_ref))
    kudos = recognition.give_kudos(uow, user, body.to_user_id, body.message, case_id=on_case)
    uow.commit()
    return render(KudosOut, kudos)
