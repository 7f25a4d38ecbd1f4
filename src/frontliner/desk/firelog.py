"""The fire log: recurring problems, the signed notes about them, and the fix for good.

A fire is keyed by a normalised signature of its problem so similar cases group
automatically: intake links a new case to the fire keyed by its words or a core of them
(`fire_for`), and keeps the word pairs of the others so recurring problems are
suggested (`index_case`, `desk/fire_suggestions.py`). A note is
signed: date and time, problem, solution and author. Marking a fire fixed for good
credits the fix's author with a FIX_CREDIT kudos.
"""

from __future__ import annotations

from datetime import datetime

from frontliner.desk import access, events
from frontliner.desk.audit import actor_id, record
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Conflict, Invalid, NotFound
from frontliner.desk.model import (
    Case,
    Fire,
    FireNote,
    Kudos,
    KudosKind,
    SimilarityKey,
    User,
    id_of,
)
from frontliner.desk.ports import UnitOfWork
from frontliner.desk.similarity import core_keys, pair_keys, problem_words, signature

MAX_KEY = 200
MAX_TITLE = 300
MAX_KEY_ROWS = 100  # a case has at most 28 word pairs (8 words)


def fire_key(text: str) -> str:
    """A signature of the problem: its problem words (`desk/similarity.py`), sorted, so
    "the login page is showing error 500 again!" and "Login page shows error 500" meet."""
    return signature(text)[:MAX_KEY]


def fire_for(uow: UnitOfWork, nature: str) -> Fire | None:
    """The fire a new case belongs under: the one keyed by its own words or by a core of
    them ("blender crack jug" for "Blender jug has a crack in it after a week")."""
    return uow.fire_by_keys(core_keys(problem_words(nature)))


def index_case(uow: UnitOfWork, case: Case) -> None:
    """Keep the pairs of an unlinked case's problem words, so fire suggestions find it."""
    uow.insert_all(case_keys(case))


def case_keys(case: Case) -> list[SimilarityKey]:
    """The word pairs kept for a case no fire holds yet (none for a linked case)."""
    if case.fire_id is not None:
        return []
    return [SimilarityKey(case_id=id_of(case), key=key, opened_at=case.opened_at)
            for key in pair_keys(problem_words(case.nature))]


def settle_case(uow: UnitOfWork, case_id: int) -> None:
    """A case linked to a fire, or left out of a dismissed suggestion, is suggested no more."""
    for row in uow.find(SimilarityKey, limit=MAX_KEY_ROWS, case_id=case_id, suggestible=True):
        row.suggestible = False


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
    if len(clean) > MAX_TITLE:
        raise Invalid(f"Say it in at most {MAX_TITLE} characters.", {"title": "too long"})
    existing = uow.fire_by_key(key)
    if existing is not None:
        raise Conflict(f"This problem is already in the fire log as {existing.title!r}.",
                       {"fire_id": existing.id})
    fire = Fire(title=clean, key=key, created_at=at)
    uow.add(fire)
    uow.flush()
    announce_opened(uow, actor, fire)
    return fire


def announce_opened(uow: UnitOfWork, actor: User | None, fire: Fire) -> None:
    """The `fire.opened` event, however the fire was started (by hand or suggested)."""
    events.emit(uow, "fire.opened", fire.created_at,
                {**events.fire_data(fire), "actor_id": actor_id(actor)})


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
        settle_case(uow, id_of(case))
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
    events.emit(uow, "fire.fixed", at, {**events.fire_data(fire), "actor_id": actor.id})
    return fire


def _load_fire(uow: UnitOfWork, fire_id: int) -> Fire:
    fire = uow.get(Fire, fire_id)
    if fire is None:
        raise NotFound(f"No fire with id {fire_id} in the fire log.", {"fire_id": fire_id})
    return fire

