"""An in-memory `UnitOfWork` for the desk's unit tests: no database, same contract.

It behaves like the SQLAlchemy one where the domain can tell the difference: ids are
assigned at flush, queries flush first (autoflush), `commit` bumps `Case.version` for
every case that changed (the mapper's version counter), and `rollback` restores the
last committed state and forgets what was added since.
"""

from __future__ import annotations

import copy
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from frontliner.desk.model import (
    Case,
    CaseStatus,
    Contact,
    ContactKind,
    Direction,
    EmpowermentProfile,
    Fire,
    FollowUp,
    Handover,
    HandoverStatus,
    Interaction,
    Presence,
    Remedy,
    RemedyStatus,
    Role,
    SimilarityKey,
    User,
)
from frontliner.desk.similarity import SimilarCase

T = TypeVar("T")
UNRESOLVED = {
    CaseStatus.NEW,
    CaseStatus.OPEN,
    CaseStatus.WAITING_ON_CUSTOMER,
    CaseStatus.ESCALATED,
    CaseStatus.AWAITING_CONFIRMATION,
}


class FakeUnitOfWork:
    def __init__(self) -> None:
        self._rows: dict[type, dict[int, Any]] = defaultdict(dict)
        self._next_id: dict[type, int] = defaultdict(lambda: 1)
        self._pending: list[Any] = []
        self._committed: dict[int, tuple[Any, dict[str, Any]]] = {}
        self.commits = 0
        self.settings: dict[str, str] = {}
        self.assignment_locks: list[int] = []  # users whose assignment lock was taken

    # --- the generic part ---------------------------------------------------------------

    def add(self, obj: Any) -> None:
        if obj.id is None and not any(obj is p for p in self._pending):
            self._pending.append(obj)

    def flush(self) -> None:
        for obj in self._pending:
            kind = type(obj)
            obj.id = self._next_id[kind]
            self._next_id[kind] += 1
            self._rows[kind][obj.id] = obj
        self._pending.clear()

    def insert(self, obj: Any) -> None:
        self.add(obj)
        self.flush()

    def insert_all(self, objs: Sequence[Any]) -> None:
        for obj in objs:
            self.add(obj)
        self.flush()

    def get(self, kind: type[T], id: int) -> T | None:
        self.flush()
        found: T | None = self._rows[kind].get(id)
        return found

    def find(self, kind: type[T], /, limit: int = 100, **equals: Any) -> list[T]:
        self.flush()
        rows = [r for _, r in sorted(self._rows[kind].items())
                if all(getattr(r, k) == v for k, v in equals.items())]
        return rows[:limit]

    def commit(self) -> None:
        self.flush()
        for rows in self._rows.values():
            for obj in rows.values():
                before = self._committed.get(id(obj))
                if isinstance(obj, Case) and before is not None and before[1] != _state(obj):
                    obj.version += 1
        self._committed = {id(obj): (obj, copy.deepcopy(_state(obj)))
                           for rows in self._rows.values() for obj in rows.values()}
        self.commits += 1

    def rollback(self) -> None:
        self._pending.clear()
        for kind, rows in self._rows.items():
            for key, obj in list(rows.items()):
                saved = self._committed.get(id(obj))
                if saved is None:
                    del rows[key]
                    continue
                obj.__dict__.update(copy.deepcopy(saved[1]))
            self._rows[kind] = rows

    # --- the queries the domain needs -----------------------------------------------------

    def case_by_ref(self, ref: str) -> Case | None:
        found = self.find(Case, limit=1, ref=ref)
        return found[0] if found else None

    def contact_by_value(self, kind: ContactKind, value: str) -> Contact | None:
        found = self.find(Contact, limit=1, kind=kind, value=value)
        return found[0] if found else None

    def last_customer_message(self, case_id: int) -> Interaction | None:
        inbound = [m for m in self._all(Interaction)
                   if m.case_id == case_id and m.direction == Direction.INBOUND]
        return max(inbound, key=lambda m: (m.at, m.id or 0)) if inbound else None

    def cases_opened_since(self, customer_id: int, since: datetime) -> int:
        return sum(1 for c in self._all(Case)
                   if c.customer_id == customer_id and c.opened_at >= since)

    def money_given_since(self, user_id: int, since: datetime) -> int:
        return sum(r.amount for r in self._all(Remedy)
                   if r.requested_by_id == user_id and r.status == RemedyStatus.APPLIED
                   and r.applied_at is not None and r.applied_at >= since)

    def money_given_on_case(self, case_id: int) -> int:
        return sum(r.amount for r in self._all(Remedy)
                   if r.case_id == case_id and r.status == RemedyStatus.APPLIED)

    def profile_for(self, user: User) -> EmpowermentProfile | None:
        own = self.find(EmpowermentProfile, limit=1, user_id=user.id)
        if own:
            return own[0]
        by_role = self.find(EmpowermentProfile, limit=1, role=user.role, user_id=None)
        return by_role[0] if by_role else None

    def least_loaded(
        self, roles: tuple[Role, ...], skill: str | None = None, *,
        team_id: int | None = None, signs_in: bool = False,
    ) -> User | None:
        candidates = [u for u in self._all(User) if u.active and u.role in roles
                      and (skill is None or skill in u.skills)
                      and (team_id is None or u.team_id == team_id)
                      and (not signs_in or u.password_hash)]
        loads = self.staff_load([u.id or 0 for u in candidates])
        return min(candidates, key=lambda u: (loads.get(u.id or 0, 0), u.id or 0), default=None)

    def assignable_agents(self, skill: str | None, seen_since: datetime) -> list[User]:
        return [u for u in self._all(User) if u.role == Role.AGENT and u.active
                and u.password_hash and u.presence == Presence.AVAILABLE
                and u.last_seen_at is not None and u.last_seen_at >= seen_since
                and (skill is None or skill in u.skills)][:200]

    def staff_load(self, user_ids: Sequence[int]) -> dict[int, int]:
        owned: Counter[int] = Counter()
        handled: Counter[int] = Counter()
        for case in self._all(Case):
            if case.status in UNRESOLVED:
                owned.update([case.owner_id] if case.owner_id in user_ids else [])
                handled.update([case.handler_id] if case.handler_id in user_ids else [])
        loads = {u: owned[u] + handled[u] for u in user_ids}
        return {u: n for u, n in loads.items() if n}

    def lock_for_assignment(self, user_id: int, wait: bool = True) -> bool:
        # One transaction at a time here: nobody else ever holds the lock.
        self.assignment_locks.append(user_id)
        return True


    def open_handover(self, case_id: int) -> Handover | None:
        found = self.find(Handover, limit=1, case_id=case_id, status=HandoverStatus.OFFERED)
        return found[0] if found else None

    def open_follow_ups(self, case_id: int) -> list[FollowUp]:
        return self.find(FollowUp, limit=100, case_id=case_id, done_at=None)

    def fire_by_key(self, key: str) -> Fire | None:
        found = self.find(Fire, limit=1, key=key)
        return found[0] if found else None

    def fire_by_keys(self, keys: Sequence[str]) -> Fire | None:
        found = [f for f in self._all(Fire) if f.key in keys]
        return min(found, key=lambda f: (-len(f.key), f.id or 0)) if found else None

    def suggestible_cases(
        self, since: datetime, min_cases: int, limit: int
    ) -> tuple[list[SimilarCase], set[str]]:
        keys = [k for k in self._all(SimilarityKey) if k.suggestible and k.opened_at >= since]
        shared = Counter(k.key for k in keys)
        pairs = {key for key, n in shared.items() if n >= min_cases}
        ids = {k.case_id for k in keys if k.key in pairs}
        found = sorted((c for c in self._all(Case) if c.id in ids),
                       key=lambda c: (c.opened_at, c.id or 0))[:limit]
        return [SimilarCase(c.id or 0, c.ref, c.nature, c.opened_at) for c in found], pairs

    def setting(self, key: str) -> str | None:
        return self.settings.get(key)

    def put_setting(self, key: str, value: str, by_id: int | None, at: datetime) -> None:
        self.settings[key] = value

    # --- for tests only ------------------------------------------------------------------

    def all(self, kind: type[T]) -> list[T]:
        """Every stored row of `kind` (tests may look; the domain may not)."""
        return self._all(kind)

    def _all(self, kind: type[T]) -> list[T]:
        self.flush()
        return [r for _, r in sorted(self._rows[kind].items())]


def _state(obj: Any) -> dict[str, Any]:
    # Once store/ has mapped the model (any integration test in the same run), instances
    # also carry SQLAlchemy's private `_sa_*` bookkeeping: not part of the entity.
    return {k: v for k, v in vars(obj).items() if k != "version" and not k.startswith("_sa_")}
