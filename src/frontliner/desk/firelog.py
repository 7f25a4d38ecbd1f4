"""The fire log: recurring problems, the signed notes about them, and the fix for good.

A fire is keyed by a normalised signature of its problem so similar cases group
automatically (intake links a new case to the fire with the same key). A note is
signed: date and time, problem, solution and author. Marking a fire fixed for good
credits the fix's author with a FIX_CREDIT kudos.
"""

from __future__ import annotations

import re
from datetime import datetime

from frontliner.desk import access
from frontliner.desk.audit import record
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Conflict, Invalid, NotFound
from frontliner.desk.model import Case, Fire, FireNote, Kudos, KudosKind, User, id_of
from frontliner.desk.ports import UnitOfWork

MAX_KEY = 200
_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no meaning about WHICH problem it is, so "my order is late" and
# "the order was late again" share a key.
_STOPWORD_TEXT = """a an and are as at be been but by can cannot could did do does for from had has
    have i if in into is it its me my no not of on or our so still than that the their
    them then there they this to too up us very was we were what when which why will with
    would you your again just now yet also get got please help hi hello thanks thank"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def fire_key(text: str) -> str:
    """A signature of the problem: its meaningful words, stemmed crudely, sorted."""
    words = {_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS}
    words.discard("")
    return " ".join(sorted(w for w in words if not w.isdigit()))[:MAX_KEY]


def _stem(word: str) -> str:
    """Crude English stemming, enough for "stopped", "stops" and "stopping" to meet."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            stem = word[: -len(suffix)]
            if suffix in ("ing", "ed") and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]  # stopp(ed) -> stop
            return stem
    return word


def start_fire(
    uow: UnitOfWork, actor: User | None, title: str, now: datetime | None = None
) -> Fire:
    """Log a recurring problem. A fire with the same signature already exists -> 409
    naming it, so the team adds to one log instead of starting a second."""
    at = resolve_now(now)
    access.require_staff(actor)
    clean = " ".join(title.split())
    key = fire_key(clean)
    if not key:
        raise Invalid.missing({"title": "what the recurring problem is"})
    existing = uow.fire_by_key(key)
    if existing is not None:
        raise Conflict(f"This problem is already in the fire log as {existing.title!r}.",
                       {"fire_id": existing.id})
    fire = Fire(title=clean, key=key, created_at=at)
    uow.add(fire)
    uow.flush()
    return fire


def add_fire_note(
    uow: UnitOfWork,
    actor: User,
    fire_id: int,
    problem: str,
    solution: str,
    case_id: int | None = None,
    now: datetime | None = None,
) -> FireNote:
    """A signed note: when (now), what the problem was, what solved it, and who wrote it."""
    at = resolve_now(now)
    access.require_staff(actor)
    fire = _load_fire(uow, fire_id)
    missing = {k: v for k, v, text in (("problem", "the problem", problem),
                                       ("solution", "the solution", solution))
               if not text.strip()}
    if missing:
        raise Invalid.missing(missing)
    assert actor.id is not None and fire.id is not None
    if case_id is not None:
        link_case(uow, actor, fire.id, case_id, now=at)
    note = FireNote(fire_id=fire.id, author_id=actor.id, at=at, problem=problem.strip(),
                    solution=solution.strip(), case_id=case_id)
    uow.add(note)
    uow.flush()
    return note


def link_case(
    uow: UnitOfWork, actor: User | None, fire_id: int, case_id: int,
    now: datetime | None = None,
) -> Case:
    at = resolve_now(now)
    access.require_staff(actor)
    fire = _load_fire(uow, fire_id)
    case = access.load_case(uow, actor, case_id)
    if case.fire_id != fire.id:
        case.fire_id = fire.id
        record(uow, case, "fire_linked", actor, at, fire_id=fire.id)
    return case


def mark_fixed_for_good(
    uow: UnitOfWork,
    actor: User,
    fire_id: int,
    fix: str,
    author_id: int | None = None,
    now: datetime | None = None,
) -> Fire:
    """A lead records the once-and-for-all fix; its author (default: the lead) gets a
    FIX_CREDIT kudos."""
    at = resolve_now(now)
    access.require_authority(actor)
    fire = _load_fire(uow, fire_id)
    if fire.fixed_for_good:
        raise Conflict(f"{fire.title!r} is already marked fixed for good.",
                       {"fixed_by_id": fire.fixed_by_id})
    if not fix.strip():
        raise Invalid.missing({"fix": "what fixed it for good"})
    author = access.load_user(uow, author_id if author_id is not None else id_of(actor), "author")
    if not access.is_staff(author) or author.id is None:
        raise Invalid("The fix's author must be an active member of staff.",
                      {"author_id": "not active staff"})
    fire.fixed_for_good, fire.fixed_by_id, fire.fixed_at = True, author.id, at
    fire.fix = fix.strip()
    uow.add(Kudos(to_user_id=author.id, at=at, message=f"Fixed for good: {fire.title}",
                  kind=KudosKind.FIX_CREDIT, from_user_id=actor.id, fire_id=fire.id))
    uow.flush()
    return fire


def _load_fire(uow: UnitOfWork, fire_id: int) -> Fire:
    fire = uow.get(Fire, fire_id)
    if fire is None:
        raise NotFound(f"No fire with id {fire_id} in the fire log.", {"fire_id": fire_id})
    return fire

