"""The desk's unit of work (`desk/ports.py`) on a SQLAlchemy session.

Usage, from the web or the CLI (desk operations never commit themselves):

    with factory() as uow:
        case = open_case(uow, actor, ...)
        uow.commit()

Leaving the block without `commit` rolls everything back. A write based on a stale read
of a case raises `desk.errors.Conflict` (the web answers 409), never a silent overwrite.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from frontliner.desk import bounds
from frontliner.desk.errors import Conflict, Invalid
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
    RemedyStatus,
    Role,
    User,
)
from frontliner.desk.similarity import SimilarCase
from frontliner.store import config_cache, rows
from frontliner.store.mapping import map_entities
from frontliner.store.settings_tables import get_setting, put_setting
from frontliner.store.tables import (
    TABLES,
    cases,
    contacts,
    empowerment_profiles,
    fires,
    follow_ups,
    handovers,
    interactions,
    metadata,
    remedies,
    similarity_keys,
    staff_loads,
    users,
)
from frontliner.store.types import json_list_contains

T = TypeVar("T")

UNRESOLVED = tuple(s for s in CaseStatus if s not in (CaseStatus.RESOLVED, CaseStatus.CLOSED))
# `find` never returns more than this, whatever the caller asks.
MAX_FIND = 1000
# The most word pairs shared by many recent cases that one look for recurring problems
# follows up (the most shared first).
FREQUENT_PAIRS = 200

map_entities()  # the prepared statements below select entity classes

# The domain's hottest questions (each case intake asks most of them) as statements built
# once: a statement object keeps its cache key, so a call only binds its values.
_CASE_BY_REF = sa.select(Case).where(cases.c.ref == sa.bindparam("ref", type_=sa.String)).limit(1)
_CONTACT_BY_VALUE = (
    sa.select(Contact)
    .where(contacts.c.kind == sa.bindparam("kind"), contacts.c.value == sa.bindparam("value"))
    .limit(1)
)
_CASES_OPENED_SINCE = sa.select(sa.func.count()).where(
    cases.c.customer_id == sa.bindparam("customer_id", type_=sa.Integer),
    cases.c.opened_at >= sa.bindparam("since", type_=cases.c.opened_at.type),
)
# A user's own override first, else their role's profile (each row has one of the two).
_PROFILE_FOR = (
    sa.select(EmpowermentProfile)
    .where(
        sa.or_(
            empowerment_profiles.c.user_id == sa.bindparam("user_id", type_=sa.Integer),
            empowerment_profiles.c.role == sa.bindparam("role"),
        )
    )
    .order_by(sa.case((empowerment_profiles.c.user_id.is_(None), 1), else_=0))
    .limit(1)
)
_FIRE_BY_KEY = sa.select(Fire).where(fires.c.key == sa.bindparam("key", type_=sa.String)).limit(1)
# Open cases per user: one row each in staff_loads, which triggers on `cases` keep in
# the transaction of every write (store/staff_loads.py). Counting the cases instead grew
# with the desk on every new case.
STAFF_LOAD = sa.select(staff_loads.c.user_id, staff_loads.c.open_cases).where(
    staff_loads.c.user_id.in_(sa.bindparam("ids", expanding=True, type_=sa.Integer)),
    staff_loads.c.open_cases > 0,
)
_LOCK_USER = sa.select(users.c.id).where(users.c.id == sa.bindparam("user_id", type_=sa.Integer))
_TOUCH_USER = (
    sa.update(users)
    .where(users.c.id == sa.bindparam("user_id", type_=sa.Integer))
    .values(active=users.c.active)
)
# How many candidates automatic assignment and least_loaded weigh at most.
MAX_CANDIDATES = 200


class SqlUnitOfWork:
    """One transaction on one session; implements `frontliner.desk.ports.UnitOfWork`."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._wrote = False  # flushed since the last commit or rollback
        self._flushing_cases: list[dict[str, Any]] = []
        # The session only holds unmodified objects weakly; an in-place change to a JSON
        # list of an object nobody references any more (`uow.get(Case, 1).tags.append(x)`)
        # would be lost with it. Holding every object for the unit of work's short life
        # keeps such changes, and makes `get` return the same object each time, like the
        # in-memory fake of the unit tests.
        self._held: list[Any] = []
        # The settings and profiles kept in memory under the token this unit of work read
        # (store/config_cache.py); read again after any write of its own.
        self._kept: config_cache.Kept | None = None
        sa.event.listen(session, "loaded_as_persistent", self._hold)
        sa.event.listen(session, "pending_to_persistent", self._hold)
        sa.event.listen(session, "before_flush", self._note_cases)
        sa.event.listen(session, "after_flush", self._note_write)

    def _hold(self, _session: Session, obj: Any) -> None:
        self._held.append(obj)

    def _note_cases(self, *_: Any) -> None:
        # Remember which cases (and the versions they were read at) this flush writes,
        # so a stale-version failure can say which case changed underneath.
        self._flushing_cases = _dirty_case_versions(self.session)

    def _note_write(self, *_: Any) -> None:
        self._wrote = True

    def __enter__(self) -> SqlUnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Uncommitted writes are rolled back, which also expires the objects they touched
        # (nobody should render a change that was never saved). A unit of work that only
        # read keeps its objects readable after the block; closing ends its transaction.
        try:
            if exc_type is not None or self._has_writes():
                self.session.rollback()
        finally:
            self.session.close()
            self._held.clear()

    def _has_writes(self) -> bool:
        s = self.session
        return self._wrote or bool(s.new) or bool(s.dirty) or bool(s.deleted)

    # --- the transaction ---------------------------------------------------------------

    def add(self, obj: Any) -> None:
        self.session.add(obj)

    def flush(self) -> None:
        with self._translated():
            self.session.flush()

    def insert(self, obj: Any) -> None:
        with self._translated():
            self._flush_staged()
            rows.insert_one(self.session, obj)
        self._held.append(obj)
        self._wrote = True

    def insert_all(self, objs: Sequence[Any]) -> None:
        if not objs:
            return
        with self._translated():
            self._flush_staged()
            rows.insert_all(self.session, objs)
        self._wrote = True

    def _flush_staged(self) -> None:
        # Rows written past the ORM go after whatever it still holds, as `add` order would.
        s = self.session
        if s.new or s.deleted or s.dirty:
            s.flush()

    def commit(self) -> None:
        with self._translated():
            self.session.commit()
        self._wrote = False
        self._kept = None

    def rollback(self) -> None:
        self.session.rollback()
        self._wrote = False
        self._kept = None

    def get(self, kind: type[T], id: int) -> T | None:
        if not bounds.is_id(id):  # no row has it; the database would refuse the number
            return None
        with self._translated():
            return self.session.get(kind, id)

    def find(self, kind: type[T], /, limit: int = 100, **equals: Any) -> list[T]:
        """Entities whose attributes equal the given values (None matches NULL), lowest
        id first, at most `limit` (and never more than MAX_FIND)."""
        limit = max(0, min(limit, MAX_FIND))
        query = sa.select(kind).filter_by(**equals).order_by(TABLES[kind].c.id).limit(limit)
        return self._all(query)

    # --- queries the domain rules need -------------------------------------------------

    def case_by_ref(self, ref: str) -> Case | None:
        return self._one_or_none(Case, _CASE_BY_REF, {"ref": ref})

    def contact_by_value(self, kind: ContactKind, value: str) -> Contact | None:
        return self._one_or_none(Contact, _CONTACT_BY_VALUE, {"kind": kind, "value": value})

    def last_customer_message(self, case_id: int) -> Interaction | None:
        query = (sa.select(Interaction)
                 .where(interactions.c.case_id == case_id,
                        interactions.c.direction == Direction.INBOUND)
                 .order_by(interactions.c.at.desc(), interactions.c.id.desc()))
        return self._first(Interaction, query)

    def cases_opened_since(self, customer_id: int, since: datetime) -> int:
        params = {"customer_id": customer_id, "since": since}
        return int(self._scalar(_CASES_OPENED_SINCE, params) or 0)

    def money_given_since(self, user_id: int, since: datetime) -> int:
        return self._money_applied(
            remedies.c.requested_by_id == user_id, remedies.c.applied_at >= since
        )

    def money_given_on_case(self, case_id: int) -> int:
        return self._money_applied(remedies.c.case_id == case_id)

    def profile_for(self, user: User) -> EmpowermentProfile | None:
        kept = self._config()
        key = (user.id, user.role.value)
        if key in kept.profiles:
            row = kept.profiles[key]
            # A copy of its own for each caller: nobody changes what the process keeps.
            return None if row is None else EmpowermentProfile(**copy.deepcopy(row))
        found = self._one_or_none(
            EmpowermentProfile, _PROFILE_FOR, {"user_id": user.id, "role": user.role}
        )
        kept.profiles[key] = None if found is None else {
            f.name: copy.deepcopy(getattr(found, f.name)) for f in dataclasses.fields(found)}
        return found

    def least_loaded(
        self, roles: tuple[Role, ...], skill: str | None = None, *,
        team_id: int | None = None, signs_in: bool = False,
    ) -> User | None:
        query = sa.select(User).where(users.c.active.is_(True), users.c.role.in_(roles))
        if skill is not None:
            query = query.where(json_list_contains(users.c.skills, skill))
        if team_id is not None:
            query = query.where(users.c.team_id == team_id)
        if signs_in:
            query = query.where(users.c.password_hash.is_not(None))
        found = self._all(query.order_by(users.c.id).limit(MAX_CANDIDATES))
        # The text match on JSON only narrows the search; the list itself decides.
        candidates = [u for u in found if skill is None or skill in u.skills]
        loads = self.staff_load([u.id for u in candidates])
        return min(candidates, key=lambda u: (loads.get(u.id, 0), u.id), default=None)

    def assignable_agents(self, skill: str | None, seen_since: datetime) -> list[User]:
        query = sa.select(User).where(
            users.c.role == Role.AGENT,
            users.c.presence == Presence.AVAILABLE,
            users.c.last_seen_at >= seen_since,
            users.c.active.is_(True),
            users.c.password_hash.is_not(None),
        )
        if skill is not None:
            query = query.where(json_list_contains(users.c.skills, skill))
        return self._all(query.order_by(users.c.id).limit(MAX_CANDIDATES))

    def staff_load(self, user_ids: Sequence[int]) -> dict[int, int]:
        if not user_ids:
            return {}
        params = {"ids": list(user_ids)}
        with self._translated():
            rows = self.session.execute(STAFF_LOAD, params).all()
        return {user_id: int(count) for user_id, count in rows if count}

    def lock_for_assignment(self, user_id: int, wait: bool = True) -> bool:
        with self._translated():
            if self.session.get_bind().dialect.name == "postgresql":
                # FOR NO KEY UPDATE: does not block inserting cases that refer to the user.
                query = _LOCK_USER.with_for_update(key_share=True, skip_locked=not wait)
                return self.session.scalar(query, {"user_id": user_id}) is not None
            # SQLite has one writer at a time: becoming the writer is the lock, and every
            # read after it sees all that was committed before.
            self.session.execute(_TOUCH_USER, {"user_id": user_id})
            return True


    def open_handover(self, case_id: int) -> Handover | None:
        query = (
            sa.select(Handover)
            .filter_by(case_id=case_id, status=HandoverStatus.OFFERED)
            .order_by(handovers.c.id.desc())
        )
        return self._first(Handover, query)

    def open_follow_ups(self, case_id: int) -> list[FollowUp]:
        query = (
            sa.select(FollowUp)
            .where(follow_ups.c.case_id == case_id, follow_ups.c.done_at.is_(None))
            .order_by(follow_ups.c.due_at, follow_ups.c.id)
            .limit(MAX_FIND)
        )
        return self._all(query)

    def fire_by_key(self, key: str) -> Fire | None:
        return self._one_or_none(Fire, _FIRE_BY_KEY, {"key": key})

    def fire_by_keys(self, keys: Sequence[str]) -> Fire | None:
        if not keys:
            return None
        query = (sa.select(Fire).where(fires.c.key.in_(list(keys)))
                 .order_by(sa.func.length(fires.c.key).desc(), fires.c.id))
        return self._first(Fire, query)

    def suggestible_cases(
        self, since: datetime, min_cases: int, limit: int
    ) -> tuple[list[SimilarCase], set[str]]:
        recent = (similarity_keys.c.suggestible == sa.true(),
                  similarity_keys.c.opened_at >= since)
        shared = sa.func.count(similarity_keys.c.id)
        frequent = (sa.select(similarity_keys.c.key).where(*recent)
                    .group_by(similarity_keys.c.key).having(shared >= min_cases)
                    .order_by(shared.desc(), similarity_keys.c.key).limit(FREQUENT_PAIRS))
        with self._translated():
            pairs = list(self.session.scalars(frequent))
            if not pairs:
                return [], set()
            # Its own query (not a subquery of the next), so the window's range on the
            # index is what is made distinct. SQLite would rather walk the whole case_id
            # index for DISTINCT; "case_id + 0" cannot use it, so it takes the window's.
            case_id: sa.ColumnElement[int] = similarity_keys.c.case_id
            if self.session.get_bind().dialect.name == "sqlite":
                case_id = (case_id + 0).label("case_id")
            ids = list(self.session.scalars(
                sa.select(case_id).distinct()
                .where(similarity_keys.c.key.in_(pairs), *recent).limit(limit)))
            rows = self.session.execute(
                sa.select(cases.c.id, cases.c.ref, cases.c.nature, cases.c.opened_at)
                .where(cases.c.id.in_(ids)).order_by(cases.c.opened_at, cases.c.id))
            return [SimilarCase(*row) for row in rows], set(pairs)

    def setting(self, key: str) -> str | None:
        kept = self._config()
        if key in kept.settings:
            return kept.settings[key]
        with self._translated():
            value = kept.settings[key] = get_setting(self.session, key)
        return value

    def put_setting(self, key: str, value: str, by_id: int | None, at: datetime) -> None:
        with self._translated():
            put_setting(self.session, key, value, by_id, at)
        self._wrote = True

    def _config(self) -> config_cache.Kept:
        """What this process keeps under the current token. The token is read once per
        unit of work, again after each write of its own (which draws a new one)."""
        if self._kept is None or self._wrote:
            with self._translated():
                self._flush_staged()  # a staged profile change draws its token first
                token = config_cache.read_token(self.session.connection())
            self._kept = config_cache.kept_for(token)
        return self._kept

    # --- helpers -----------------------------------------------------------------------

    def _money_applied(self, *conditions: Any) -> int:
        query = sa.select(sa.func.coalesce(sa.func.sum(remedies.c.amount), 0)).where(
            remedies.c.status == RemedyStatus.APPLIED, *conditions
        )
        return int(self._scalar(query) or 0)

    def _first(self, kind: type[T], query: Any) -> T | None:
        with self._translated():
            return cast("T | None", self.session.scalars(query.limit(1)).first())

    def _one_or_none(self, entity: type[T], query: Any, params: dict[str, Any]) -> T | None:
        """The first row of a prepared statement (which carries its own LIMIT 1)."""
        with self._translated():
            return cast("T | None", self.session.scalars(query, params).first())

    def _all(self, query: Any) -> list[Any]:
        with self._translated():
            return list(self.session.scalars(query))

    def _scalar(self, query: Any, params: dict[str, Any] | None = None) -> Any:
        with self._translated():
            return self.session.scalar(query, params)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Storage failures the user can act on become desk errors; the session is rolled
        back so the unit of work is never left half-written. (Queries autoflush, so they
        can surface a stale write too.)"""
        try:
            yield
        except StaleDataError as error:
            stale = self._flushing_cases
            self.session.rollback()
            raise Conflict(
                "This case was changed by someone else meanwhile; reload it and try again.",
                {"stale": stale},
            ) from error
        except IntegrityError as error:
            self.session.rollback()
            raise _integrity_error(error) from error


def _dirty_case_versions(session: Session) -> list[dict[str, Any]]:
    return [
        {"ref": obj.ref, "version": obj.version} for obj in session.dirty if isinstance(obj, Case)
    ]


def _integrity_error(error: IntegrityError) -> Conflict | Invalid:
    """Say which rule was broken, by the names a client knows (table and columns), never
    with the database's own message (it may quote the values)."""
    text = str(error.orig).lower()
    where = _constraint_columns(error)
    if "unique" in text or "duplicate" in text:
        return Conflict(
            f"That already exists: {where or 'a unique value'} is taken.",
            {"reason": "unique", "constraint": where},
        )
    if "foreign key" in text:
        return Invalid("It refers to something that does not exist.", {"reference": "not found"})
    return Invalid("The data breaks a storage rule.", {"value": "out of range or missing"})


def _constraint_columns(error: IntegrityError) -> str:
    """ "contacts.kind, contacts.value" for a broken unique rule, on either database."""
    diag = getattr(error.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)  # PostgreSQL (psycopg)
    if name:
        table = next((t for t in metadata.tables.values() if name in _names(t)), None)
        if table is not None:
            columns = _names(table)[name]
            return ", ".join(f"{table.name}.{column}" for column in columns)
        return str(name)
    text = str(error.orig)  # SQLite: "UNIQUE constraint failed: contacts.kind, contacts.value"
    return text.split("failed:", 1)[1].strip() if "failed:" in text else ""


def _names(table: sa.Table) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and constraint.name:
            found[str(constraint.name)] = [c.name for c in constraint.columns]
    for index in table.indexes:
        if index.unique and index.name:
            found[str(index.name)] = [c.name for c in index.columns if isinstance(c, sa.Column)]
    return found


def uow_factory(engine: Engine) -> Callable[[], SqlUnitOfWork]:
    """Units of work on `engine`. Objects stay readable after commit (no expiry), so the
    caller can render what an operation returned once the transaction is over."""
    map_entities()
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def factory() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions())

    return factory
