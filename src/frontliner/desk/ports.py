"""The seam between the desk and storage.

Desk operations receive a `UnitOfWork`; `store/` implements it on SQLAlchemy, and the
unit tests use an in-memory fake (`tests/unit/fakes.py`). Only the queries the domain
rules themselves need live here; the read side of the API (lists, pages, search) is in
`store/queries.py` and never goes through the domain.

Every query here is bounded: none loads a whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol, TypeVar

from frontliner.desk.model import (
    Case,
    Contact,
    ContactKind,
    EmpowermentProfile,
    Fire,
    FollowUp,
    Handover,
    Interaction,
    Role,
    User,
)
from frontliner.desk.similarity import SimilarCase

T = TypeVar("T")


class UnitOfWork(Protocol):
    """One transaction. `commit` makes every change durable at once, or none of them."""

    def add(self, obj: Any) -> None:
        """Stage a new entity; its `id` is set by the time `flush` returns."""

    def flush(self) -> None: ...

    def insert(self, obj: Any) -> None:
        """Write a new entity at once and set its `id`; it then belongs to this unit of
        work like one read from it (`get` finds it, a change to it is saved)."""

    def insert_all(self, objs: Sequence[Any]) -> None:
        """Write new entities at once, in order, batched per kind. Their ids may stay unset:
        for rows nothing reads back in this unit of work (audit entries, events)."""

    def get(self, kind: type[T], id: int) -> T | None: ...

    def find(self, kind: type[T], /, limit: int = 100, **equals: Any) -> list[T]:
        """Entities whose attributes equal the given values, oldest (lowest id) first, at
        most `limit`. A value of None matches NULL (the desk asks e.g. for escalations with
        `resolved_at=None`, profiles with `user_id=None`). `kind` is positional-only so an
        entity's own `kind` attribute can be matched: `find(Contact, kind=ContactKind.EMAIL)`."""

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    # --- queries the domain rules need -------------------------------------------------

    def case_by_ref(self, ref: str) -> Case | None: ...

    def contact_by_value(self, kind: ContactKind, value: str) -> Contact | None: ...

    def last_customer_message(self, case_id: int) -> Interaction | None:
        """The newest inbound message on the case (the one a reply now answers)."""

    def cases_opened_since(self, customer_id: int, since: datetime) -> int:
        """How many cases this customer opened since `since` (repeat contact)."""

    def money_given_since(self, user_id: int, since: datetime) -> int:
        """Cents of remedies this user applied since `since` (daily empowerment limit)."""

    def money_given_on_case(self, case_id: int) -> int:
        """Cents of remedies already applied on this case (per-case empowerment limit)."""

    def profile_for(self, user: User) -> EmpowermentProfile | None:
        """The user's own override if any, else their role's profile."""

    def least_loaded(
        self, roles: tuple[Role, ...], skill: str | None = None, *,
        team_id: int | None = None, signs_in: bool = False,
    ) -> User | None:
        """The active user with one of `roles` (and `skill`, `team_id`, a password when
        `signs_in`, when given) owning or handling the fewest unresolved cases; ties go to
        the lowest id. Counts come from indexes, never from a scan of the cases."""

    def assignable_agents(self, skill: str | None, seen_since: datetime) -> list[User]:
        """Active agents with a password who said they are available and were seen since
        `seen_since` (and have `skill`, when given): lowest id first, at most 200."""

    def staff_load(self, user_ids: Sequence[int]) -> dict[int, int]:
        """For each user, the unresolved cases they own plus those they handle (users with
        none may be left out), each of the two counted up to MAX_CAPACITY + 1 on an index:
        the cost never grows with the size of the desk."""

    def lock_for_assignment(self, user_id: int, wait: bool = True) -> bool:
        """Hold this user's assignment lock until commit, so two transactions cannot both
        give them their last free place. With `wait` False, return False at once when
        another transaction holds it."""

    def open_handover(self, case_id: int) -> Handover | None: ...

    def open_follow_ups(self, case_id: int) -> list[FollowUp]: ...

    def fire_by_key(self, key: str) -> Fire | None: ...

    def fire_by_keys(self, keys: Sequence[str]) -> Fire | None:
        """The fire whose key is one of `keys` and the longest of them (the most specific
        problem), ties to the oldest fire."""

    def suggestible_cases(
        self, since: datetime, min_cases: int, limit: int
    ) -> tuple[list[SimilarCase], set[str]]:
        """Cases opened since `since`, still suggestible, that share a word pair
        (`SimilarityKey.key`) with at least `min_cases - 1` others (at most `limit`,
        oldest first), and those frequent pairs."""

    def setting(self, key: str) -> str | None:
        """A desk-wide setting a lead stored, or None."""

    def put_setting(self, key: str, value: str, by_id: int | None, at: datetime) -> None: ...


UowFactory = Callable[[], AbstractContextManager[UnitOfWork]]
"""How callers open a unit of work: `with uow_factory() as uow: ...; uow.commit()`."""
