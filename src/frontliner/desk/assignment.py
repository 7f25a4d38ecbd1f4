"""Automatic assignment: who gets a new case nobody on the desk took in themselves.

A case is given only to an agent who can work it now:

- active, with the role agent, and able to sign in (a password is set: an account made
  with `frontliner user add` and no password cannot, so it never receives cases);
- present: they said "available" and were seen (a page, an API call, the live socket)
  within the idle timeout; "away", "offline" or idle means not present;
- below their capacity of open cases (their own, else the desk's default; None means
  no limit), counting the unresolved cases they own plus those they handle;
- with the required skill, when the case names one.

Among those the one with the fewest open cases gets it (ties: the lowest id). When
nobody fits, the case waits in Unassigned (owner None) for someone to take it; it is
never given to a lead silently. The choice holds the chosen agent's assignment lock
until commit, so two cases arriving at once cannot both take an agent's last place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from frontliner.desk import access
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Invalid
from frontliner.desk.model import Presence, Role, User, id_of
from frontliner.desk.ports import UnitOfWork

IDLE_MINUTES = 15  # default: not seen for longer than this -> treated as offline
MAX_IDLE_MINUTES = 24 * 60
MAX_CAPACITY = 1_000  # open cases; loads are counted up to one more than this
KEY_IDLE = "assignment.idle_minutes"
KEY_CAPACITY = "assignment.default_capacity"
NO_LIMIT = "none"


@dataclass(frozen=True)
class AssignmentRules:
    """The desk-wide choices a lead makes (stored as desk settings)."""

    idle_minutes: int = IDLE_MINUTES
    default_capacity: int | None = None  # None: no limit


def rules(uow: UnitOfWork) -> AssignmentRules:
    """The stored rules; anything missing or unreadable falls back to the default."""
    idle = _int_or_none(uow.setting(KEY_IDLE))
    capacity = _int_or_none(uow.setting(KEY_CAPACITY))
    return AssignmentRules(idle_minutes=IDLE_MINUTES if idle is None else idle,
                           default_capacity=capacity)


def set_rules(
    uow: UnitOfWork, actor: User | None, idle_minutes: int, default_capacity: int | None,
    now: datetime | None = None,
) -> AssignmentRules:
    """A lead sets the idle timeout and the default capacity of every agent."""
    access.require_authority(actor)
    at = resolve_now(now)
    if not 1 <= idle_minutes <= MAX_IDLE_MINUTES:
        raise Invalid(f"The idle timeout is between 1 and {MAX_IDLE_MINUTES} minutes.",
                      {"idle_minutes": f"1 to {MAX_IDLE_MINUTES}"})
    check_capacity(default_capacity, "default_capacity")
    by = None if actor is None else actor.id
    uow.put_setting(KEY_IDLE, str(idle_minutes), by, at)
    uow.put_setting(KEY_CAPACITY, NO_LIMIT if default_capacity is None
                         else str(default_capacity), by, at)
    return AssignmentRules(idle_minutes, default_capacity)


def check_capacity(capacity: int | None, field: str = "capacity") -> None:
    if capacity is not None and not 0 <= capacity <= MAX_CAPACITY:
        raise Invalid(f"A capacity is a number of open cases from 0 to {MAX_CAPACITY} "
                      "(or none for no limit).", {field: f"0 to {MAX_CAPACITY}, or null"})


def can_sign_in(user: User) -> bool:
    """An active member of staff with a password: someone who can open the desk."""
    return user.active and user.role != Role.CUSTOMER and bool(user.password_hash)


def present(user: User, now: datetime, idle_minutes: int) -> Presence:
    """What the desk treats the person as now: their own word, unless they went idle."""
    if user.presence == Presence.OFFLINE or user.last_seen_at is None:
        return Presence.OFFLINE
    if now - user.last_seen_at > timedelta(minutes=idle_minutes):
        return Presence.OFFLINE
    return user.presence


def capacity_of(user: User, desk_rules: AssignmentRules) -> int | None:
    return desk_rules.default_capacity if user.capacity is None else user.capacity


def pick_agent(uow: UnitOfWork, skill: str | None, now: datetime) -> User | None:
    """The present agent below capacity with the skill and the fewest open cases, or
    None: the case then waits in Unassigned."""
    desk_rules = rules(uow)
    seen_since = now - timedelta(minutes=desk_rules.idle_minutes)
    found = [u for u in uow.assignable_agents(skill, seen_since)
             if can_sign_in(u) and present(u, now, desk_rules.idle_minutes) is Presence.AVAILABLE
             and (skill is None or skill in u.skills)]
    loads = uow.staff_load([id_of(u) for u in found])
    room = [u for u in found if _has_room(u, loads.get(id_of(u), 0), desk_rules)]
    room.sort(key=lambda u: (loads.get(id_of(u), 0), id_of(u)))
    for attempt, agent in enumerate(room):
        # Only the first lock may wait: a transaction never waits while holding another
        # agent's lock, so two intakes cannot deadlock on each other.
        if not uow.lock_for_assignment(id_of(agent), wait=attempt == 0):
            continue
        # Counted again under the lock: a case committed meanwhile is seen now.
        if _has_room(agent, uow.staff_load([id_of(agent)]).get(id_of(agent), 0), desk_rules):
            return agent
    return None


def _has_room(user: User, load: int, desk_rules: AssignmentRules) -> bool:
    limit = capacity_of(user, desk_rules)
    return limit is None or load < limit


def _int_or_none(raw: str | None) -> int | None:
    if raw is None or not raw.strip().lstrip("-").isdigit():
        return None
    return int(raw)
