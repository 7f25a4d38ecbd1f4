"""Presence, capacity, the assignment rules, and the Unassigned queue."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from frontliner.desk.assignment import MAX_CAPACITY, MAX_IDLE_MINUTES
from frontliner.desk.model import Presence
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.common import In, Out


class PresenceIn(In):
    presence: Presence


class PresenceOut(Out):
    presence: Presence = Field(description="what you said")
    effective: Presence = Field(description="what assignment sees: offline when idle too long")
    last_seen_at: datetime | None
    capacity: int | None = Field(description="your own limit; null: the desk's default")
    open_cases: int = Field(description="unresolved cases you own or handle")


class CapacityIn(In):
    capacity: int | None = Field(ge=0, le=MAX_CAPACITY,
                                 description="most open cases; null: the desk's default")


class RulesIn(In):
    idle_minutes: int = Field(ge=1, le=MAX_IDLE_MINUTES,
                              description="not seen for longer -> treated as offline")
    default_capacity: int | None = Field(ge=0, le=MAX_CAPACITY,
                                         description="null: no limit")


class RulesOut(Out):
    idle_minutes: int
    default_capacity: int | None


class AssignIn(In):
    user_id: Id = Field(description="the agent or lead who will own the case")


class UnassignedOut(Out):
    count: int = Field(description="unassigned unresolved cases (counted up to 1,000)")
    capped: bool
    oldest_opened_at: datetime | None
    to_reassign: int = Field(description="cases leads keep for deactivated colleagues")


class StaffPresenceOut(Out):
    user_id: int
    name: str
    role: str
    team_id: int | None
    skills: list[str]
    can_sign_in: bool
    presence: Presence
    effective: Presence
    last_seen_at: datetime | None
    capacity: int | None = Field(description="their own limit; null: the desk's default")
    open_cases: int
