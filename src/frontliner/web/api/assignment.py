"""Assignment: your presence, colleagues' capacity, the desk's rules, the Unassigned
queue, taking a case and a lead assigning one (see docs/api.md and desk/assignment.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Response

from frontliner.desk import assignment, presence, unassigned
from frontliner.desk.model import User, id_of
from frontliner.desk.ports import UnitOfWork
from frontliner.store import assignment_queries
from frontliner.web.deps import IfMatch, LeadUser, PageDep, StaffUser, UowDep
from frontliner.web.lookup import case_for, case_id, render, render_page, session_of, set_etag
from frontliner.web.schemas.assignment import (
    AssignIn,
    CapacityIn,
    PresenceIn,
    PresenceOut,
    RulesIn,
    RulesOut,
    StaffPresenceOut,
    UnassignedOut,
)
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.cases import CaseOut
from frontliner.web.schemas.common import ERRORS, PageOut
from frontliner.web.schemas.users import UserOut

router = APIRouter(tags=["assignment"], responses=ERRORS)


def presence_of(uow: UnitOfWork, user: User) -> PresenceOut:
    desk_rules = assignment.rules(uow)
    return PresenceOut(
        presence=user.presence,
        effective=assignment.present(user, datetime.now(UTC), desk_rules.idle_minutes),
        last_seen_at=user.last_seen_at,
        capacity=user.capacity,
        open_cases=uow.staff_load([id_of(user)]).get(id_of(user), 0),
    )


@router.get("/me/presence", response_model=PresenceOut, summary="Your presence (staff)")
def my_presence(user: StaffUser, uow: UowDep) -> Any:
    return presence_of(uow, user)


@router.put(
    "/me/presence",
    response_model=PresenceOut,
    summary="Say whether you take new cases now: available, away or offline (staff)",
)
def set_my_presence(body: PresenceIn, user: StaffUser, uow: UowDep) -> Any:
    presence.set_presence(uow, user, body.presence)
    uow.commit()
    return presence_of(uow, user)


@router.put(
    "/users/{user_id}/capacity",
    response_model=UserOut,
    summary="Most open cases assignment gives a colleague (lead: agents; admin: anyone)",
)
def set_capacity(user_id: Id, body: CapacityIn, user: LeadUser, uow: UowDep) -> Any:
    changed = presence.set_capacity(uow, user, user_id, body.capacity)
    uow.commit()
    return render(UserOut, changed)


@router.get(
    "/assignment/staff",
    response_model=list[StaffPresenceOut],
    summary="Agents on the desk: presence, capacity, open cases (staff; at most 200)",
)
def staff(user: StaffUser, uow: UowDep) -> Any:
    desk_rules, now = assignment.rules(uow), datetime.now(UTC)
    return [
        StaffPresenceOut(
            user_id=id_of(row.user), name=row.user.name, role=row.user.role.value,
            team_id=row.user.team_id, skills=list(row.user.skills),
            can_sign_in=assignment.can_sign_in(row.user), presence=row.user.presence,
            effective=assignment.present(row.user, now, desk_rules.idle_minutes),
            last_seen_at=row.user.last_seen_at, capacity=row.user.capacity,
            open_cases=row.open_cases,
        )
        for row in assignment_queries.staff_on_desk(session_of(uow), uow)
    ]


@router.get("/assignment/rules", response_model=RulesOut, summary="Idle timeout, capacity")
def get_rules(user: StaffUser, uow: UowDep) -> Any:
    return render(RulesOut, assignment.rules(uow))


@router.put("/assignment/rules", response_model=RulesOut, summary="Set them (lead)")
def set_rules(body: RulesIn, user: LeadUser, uow: UowDep) -> Any:
    changed = assignment.set_rules(uow, user, body.idle_minutes, body.default_capacity)
    uow.commit()
    return render(RulesOut, changed)


@router.get(
    "/assignment/unassigned",
    response_model=UnassignedOut,
    summary="How many cases wait for an owner, and since when (staff)",
)
def unassigned_summary(user: StaffUser, uow: UowDep) -> Any:
    session = session_of(uow)
    waiting = assignment_queries.unassigned_summary(session)
    return UnassignedOut(count=waiting.count, capped=waiting.capped,
                         oldest_opened_at=waiting.oldest_opened_at,
                         to_reassign=assignment_queries.count_to_reassign(session))


@router.get(
    "/assignment/unassigned/cases",
    response_model=PageOut[CaseOut],
    summary="Cases waiting for an owner, the longest waiting first (staff)",
)
def unassigned_cases(user: StaffUser, uow: UowDep, page: PageDep) -> Any:
    found = assignment_queries.list_unassigned(session_of(uow), page.cursor, page.limit)
    return render_page(found, CaseOut)


@router.get(
    "/assignment/to-reassign",
    response_model=PageOut[CaseOut],
    summary="Cases leads keep for deactivated colleagues, to give to someone (lead)",
)
def to_reassign(user: LeadUser, uow: UowDep, page: PageDep) -> Any:
    found = assignment_queries.list_to_reassign(session_of(uow), page.cursor, page.limit)
    return render_page(found, CaseOut)


@router.post(
    "/cases/{ref}/take",
    response_model=CaseOut,
    summary="Take an unassigned case: it is yours (agent or lead; 409 if someone was first)",
)
def take(ref: str, user: StaffUser, uow: UowDep, if_match: IfMatch, response: Response) -> Any:
    case = case_for(uow, user, ref, if_match)
    case = unassigned.take_case(uow, user, case_id(case), expected_version=if_match)
    uow.commit()
    set_etag(response, case)
    return render(CaseOut, case)


@router.post(
    "/cases/{ref}/assign",
    response_model=CaseOut,
    summary="Give an unassigned case (or one to reassign) to a named colleague (lead)",
)
def assign(
    ref: str, body: AssignIn, user: LeadUser, uow: UowDep, if_match: IfMatch, response: Response
) -> Any:
    case = case_for(uow, user, ref, if_match)
    case = unassigned.assign_case(uow, user, case_id(case), body.user_id,
                                  expected_version=if_match)
    uow.commit()
    set_etag(response, case)
    return render(CaseOut, case)
