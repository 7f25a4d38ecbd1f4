"""Suggested fires: when similar cases pile up (N cases within D days, a lead's setting),
leads are shown the group; one click logs it in the fire log with its cases linked, or
dismisses it so the same cases are never suggested again.

A suggestion is not stored: it is worked out from the word pairs intake keeps per case
(`firelog.index_case`), bounded to the recent window and to the pairs many cases share
(`UnitOfWork.suggestible_cases`), grouped by `similarity.group_cases`. It is named by
its core words (`Group.key`), which is how a lead's click refers to it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontliner.desk import access, firelog
from frontliner.desk.audit import record
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Conflict, Invalid
from frontliner.desk.model import Case, Fire, User, id_of
from frontliner.desk.ports import UnitOfWork
from frontliner.desk.similarity import Group, group_cases

MIN_CASES_SETTING = "fires.suggest_min_cases"
DAYS_SETTING = "fires.suggest_days"
DEFAULT_MIN_CASES = 5
DEFAULT_DAYS = 7
MIN_CASES_RANGE = (2, 500)
DAYS_RANGE = (1, 90)
MAX_CANDIDATES = 2_000  # recent cases that share a frequent pair, looked at per request
MAX_SUGGESTIONS = 20


@dataclass(frozen=True)
class Thresholds:
    """Suggest a fire when `min_cases` similar cases were opened within `days` days."""

    min_cases: int = DEFAULT_MIN_CASES
    days: int = DEFAULT_DAYS


def thresholds(uow: UnitOfWork) -> Thresholds:
    """The lead's setting, or the defaults (also for a stored value out of range)."""
    return Thresholds(
        _stored_int(uow, MIN_CASES_SETTING, DEFAULT_MIN_CASES, MIN_CASES_RANGE),
        _stored_int(uow, DAYS_SETTING, DEFAULT_DAYS, DAYS_RANGE),
    )


def set_thresholds(
    uow: UnitOfWork, actor: User, min_cases: int, days: int, now: datetime | None = None
) -> Thresholds:
    """A lead sets when a fire is suggested."""
    at = resolve_now(now)
    access.require_authority(actor)
    problems = {name: f"a whole number from {low} to {high}"
                for name, value, (low, high) in (("min_cases", min_cases, MIN_CASES_RANGE),
                                                 ("days", days, DAYS_RANGE))
                if not low <= value <= high}
    if problems:
        raise Invalid("A fire is suggested for 2 to 500 similar cases within 1 to 90 days.",
                      problems)
    uow.put_setting(MIN_CASES_SETTING, str(min_cases), actor.id, at)
    uow.put_setting(DAYS_SETTING, str(days), actor.id, at)
    return Thresholds(min_cases, days)


def suggested_fires(uow: UnitOfWork, actor: User, now: datetime | None = None) -> list[Group]:
    """The groups of similar recent cases nobody linked to a fire or dismissed yet, biggest
    first (leads only)."""
    access.require_authority(actor)
    return _suggestions(uow, resolve_now(now))


def open_suggested_fire(
    uow: UnitOfWork, actor: User, key: str, title: str | None = None,
    now: datetime | None = None,
) -> Fire:
    """Log a suggestion in the fire log (or add to the fire of that problem, if there is
    one) and link every case of it. The fire is keyed by the group's core words, so later
    cases about the same problem are linked to it at intake."""
    at = resolve_now(now)
    access.require_authority(actor)
    group = _suggestion(uow, key, at)
    fire = uow.fire_by_key(group.key)
    if fire is None:
        clean = " ".join((title or "").split()) or group.title
        fire = Fire(title=clean[:firelog.MAX_TITLE], key=group.key, created_at=at)
        uow.add(fire)
        uow.flush()
        firelog.announce_opened(uow, actor, fire)
    for case in group.cases:
        firelog.link_case(uow, actor, id_of(fire), case.case_id, now=at)
    return fire


def dismiss_suggestion(
    uow: UnitOfWork, actor: User, key: str, case_ids: Collection[int] | None = None,
    now: datetime | None = None,
) -> Group:
    """A lead says these cases are not a fire: they are never suggested again (cases that
    arrive later may make a new suggestion). `case_ids`, when given, limits it to the
    cases the lead saw."""
    at = resolve_now(now)
    access.require_authority(actor)
    group = _suggestion(uow, key, at)
    chosen = [c for c in group.cases if case_ids is None or c.case_id in case_ids]
    if not chosen:
        raise Invalid("None of those cases is in this suggestion.", {"case_ids": "not in it"})
    for similar in chosen:
        case = uow.get(Case, similar.case_id)
        assert case is not None
        firelog.settle_case(uow, similar.case_id)
        record(uow, case, "fire_suggestion_dismissed", actor, at, key=group.key)
    return Group(group.key, tuple(chosen))


def _suggestions(uow: UnitOfWork, at: datetime) -> list[Group]:
    limits = thresholds(uow)
    since = at - timedelta(days=limits.days)
    found, pairs = uow.suggestible_cases(since, limits.min_cases, MAX_CANDIDATES)
    return group_cases(found, limits.min_cases, pairs)[:MAX_SUGGESTIONS]


def _suggestion(uow: UnitOfWork, key: str, at: datetime) -> Group:
    wanted = " ".join(key.split())
    for group in _suggestions(uow, at):
        if group.key == wanted:
            return group
    raise Conflict("That fire is no longer suggested: its cases were linked to a fire or "
                   "dismissed, or they are now outside the window.", {"key": wanted})


def _stored_int(uow: UnitOfWork, name: str, default: int, bounds: tuple[int, int]) -> int:
    raw = uow.setting(name)
    value = int(raw) if raw is not None and raw.strip().isdigit() else default
    return value if bounds[0] <= value <= bounds[1] else default
