"""Presence and capacity: whether a member of staff takes new cases now, and how many.

Presence is set by the person themselves (available, away, offline). The desk also
notes when it last saw them (their pages, API calls, the live socket); someone not seen
for longer than the idle timeout counts as offline whatever they said. Seeing someone
is written at most once a SEEN_EVERY, so a busy agent costs one small write a minute.

A lead sets an agent's capacity: the most open cases automatic assignment gives them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from frontliner.desk import access
from frontliner.desk.account_audit import record_account
from frontliner.desk.assignment import check_capacity
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Forbidden, Invalid
from frontliner.desk.model import Presence, Role, User
from frontliner.desk.ports import UnitOfWork

SEEN_EVERY = timedelta(minutes=1)


def parse_presence(value: Presence | str) -> Presence:
    try:
        return Presence(value)
    except ValueError:
        raise Invalid(f"Unknown presence {value!r}.",
                      {"presence": f"one of {[p.value for p in Presence]}"}) from None


def set_presence(
    uow: UnitOfWork, actor: User, presence: Presence | str, now: datetime | None = None
) -> User:
    """A member of staff says whether they take new cases now (and is seen doing so)."""
    at = resolve_now(now)
    access.require_staff(actor)
    actor.presence = parse_presence(presence)
    actor.last_seen_at = at
    return actor


def note_seen(user: User, now: datetime | None = None) -> bool:
    """Remember that `user` is here; True when it changed (the caller then commits).
    Customers have no presence."""
    at = resolve_now(now)
    if user.role == Role.CUSTOMER or not user.active:
        return False
    if user.last_seen_at is not None and at - user.last_seen_at < SEEN_EVERY:
        return False
    user.last_seen_at = at
    return True


def set_capacity(
    uow: UnitOfWork, actor: User | None, user_id: int, capacity: int | None
) -> User:
    """A lead sets how many open cases automatic assignment gives this colleague at most
    (None: the desk's default). A lead sets agents'; an admin anyone's."""
    access.require_authority(actor)
    check_capacity(capacity)
    user = access.load_user(uow, user_id)
    if user.role == Role.CUSTOMER:
        raise Invalid("Customers take no cases.", {"user_id": "not staff"})
    if actor is not None and actor.role == Role.LEAD and user.role != Role.AGENT \
            and user.id != actor.id:
        raise Forbidden("A lead sets agents' capacity; an admin sets that of leads.",
                        {"user_id": "not an agent"})
    user.capacity = capacity
    record_account(uow, "capacity_set", actor, user_id=user_id, capacity=capacity)
    return user
