"""Automatic assignment on the real databases: who is a candidate, how load is counted
(on indexes, not by scanning the cases), capacity held under concurrent intake, and
take/assign races where the first one wins and the second is told."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from tests.conftest import Seeded

from frontliner.desk import intake, presence, unassigned, users
from frontliner.desk.assignment import MAX_CAPACITY
from frontliner.desk.errors import Conflict
from frontliner.desk.model import (
    AuditEntry,
    Case,
    CaseStatus,
    Channel,
    Escalation,
    Presence,
    Role,
    User,
)
from frontliner.desk.passwords import hash_password
from frontliner.store import assignment_queries
from frontliner.store.tables import cases
from frontliner.store.uow import STAFF_LOAD, SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]
HASH = hash_password("a long enough password")  # once: argon2 is slow on purpose


def _now() -> datetime:
    return datetime.now(UTC)


def _agent(uow: SqlUnitOfWork, name: str, *, signs_in: bool = True,
           state: Presence = Presence.AVAILABLE, seen: timedelta = timedelta(0),
           capacity: int | None = None, skills: tuple[str, ...] = ()) -> User:
    user = User(name=name, email=f"{name.lower()}@desk.test", role=Role.AGENT,
                skills=list(skills), password_hash=HASH if signs_in else None,
                presence=state, last_seen_at=_now() - seen, capacity=capacity)
    uow.add(user)
    uow.flush()
    return user


def _sam_off_duty(factory: UowFactory, seeded: Seeded) -> None:
    """The seeded agent is on duty; these tests bring their own agents."""
    with factory() as uow:
        sam = uow.get(User, seeded.agent_id)
        assert sam is not None
        sam.presence = Presence.OFFLINE
        uow.commit()


def _web_case(factory: UowFactory, skill: str | None = None) -> Case:
    with factory() as uow:
        case = intake.open_case(uow, None, nature="jug cracked", customer_name="Dee",
                                contact="dee@example.com", channel=Channel.WEB,
                                required_skill=skill)
        uow.commit()
        return case


def test_only_agents_who_can_sign_in_are_present_and_skilled_are_candidates(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    _sam_off_duty(uow_factory, seeded)
    with uow_factory() as uow:
        ok = _agent(uow, "Ok", skills=("billing",))
        _agent(uow, "Nopass", signs_in=False, skills=("billing",))
        _agent(uow, "Away", state=Presence.AWAY, skills=("billing",))
        _agent(uow, "Idle", seen=timedelta(hours=2), skills=("billing",))
        _agent(uow, "Other", skills=("legal",))
        uow.commit()
        since = _now() - timedelta(minutes=15)
        assert [u.name for u in uow.assignable_agents("billing", since)] == ["Ok"]
        assert {u.name for u in uow.assignable_agents(None, since)} == {"Ok", "Other"}
        assert ok.id is not None


def test_a_new_case_goes_to_nobody_who_cannot_work_it_and_waits_unassigned(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    _sam_off_duty(uow_factory, seeded)
    with uow_factory() as uow:
        _agent(uow, "Nopass", signs_in=False)
        _agent(uow, "Away", state=Presence.AWAY)
        _agent(uow, "Idle", seen=timedelta(minutes=16))
        _agent(uow, "Full", capacity=0)
        uow.commit()
    case = _web_case(uow_factory)
    assert case.owner_id is None
    with uow_factory() as uow:
        waiting = assignment_queries.unassigned_summary(uow.session)
        assert waiting.count == 1 and waiting.oldest_opened_at == case.opened_at
        actions = [e.action for e in uow.find(AuditEntry, case_id=case.id)]
        assert actions == ["opened", "left_unassigned"]


def test_load_counts_owned_and_handled_open_cases_and_not_resolved_ones(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        kim = _agent(uow, "Kim")
        for n, status in enumerate((CaseStatus.OPEN, CaseStatus.ESCALATED, CaseStatus.RESOLVED)):
            uow.add(Case(ref=f"C-L{n}", customer_id=seeded.customer_id, nature="x",
                         channel=Channel.EMAIL, opened_at=_now(), status=status,
                         owner_id=seeded.agent_id, handler_id=kim.id))
        uow.commit()
        loads = uow.staff_load([seeded.agent_id, kim.id or 0, seeded.lead_id])
    # Sam: the seeded case and two open ones; Kim handles the two unresolved ones.
    assert loads == {seeded.agent_id: 3, kim.id: 2}


def test_load_is_read_from_one_row_per_person_not_counted_from_the_cases(
    engine: Engine,
) -> None:
    literal = {"literal_binds": True, "render_postcompile": True}
    sql = str(STAFF_LOAD.params(ids=[1, 2]).compile(dialect=engine.dialect,
                                                    compile_kwargs=literal))
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            # An empty test table is cheapest to scan; ask what the planner does with it
            # when scanning is not an option, as on a desk of 100k cases.
            connection.execute(sa.text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(r[0] for r in connection.execute(sa.text("EXPLAIN " + sql)))
            assert "pk_staff_loads" in plan, plan
        else:
            plan = "\n".join(str(r[-1]) for r in connection.execute(
                sa.text("EXPLAIN QUERY PLAN " + sql)))
            assert re.search(r"SEARCH staff_loads USING (INDEX \w+|INTEGER PRIMARY KEY)",
                             plan), plan
    # Whatever the desk's size, the cases table is never read to weigh a candidate.
    assert not re.search(r"\bcases\b", plan), plan


def _case_row(customer_id: int, n: int, **values: object) -> dict[str, object]:
    return {"ref": f"C-M{n}", "customer_id": customer_id, "nature": "x",
            "channel": "email", "opened_at": _now(), "status": "open",
            "size": "small", "size_reasons": [], "people_involved": [],
            "contact_name": "Ann", "contact_value": "a@x.test", "plan_shared": False,
            "permission_asked": False, "satisfaction_asked": False,
            "confirmed_by_customer": False, "updated_at": _now(), "version": 1, **values}


def _counted(uow: SqlUnitOfWork, *people: int) -> dict[int, int]:
    """Loads counted from the cases themselves, to compare with the kept ones."""
    found: dict[int, int] = {}
    for row in uow.session.execute(sa.select(cases.c.owner_id, cases.c.handler_id,
                                             cases.c.status)):
        if row.status in ("resolved", "closed"):
            continue
        for person in (row.owner_id, row.handler_id):
            if person in people:
                found[person] = found.get(person, 0) + 1
    return found


def test_loads_follow_every_kind_of_write_to_the_cases(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        kim = _agent(uow, "Kim")
        uow.commit()
        people = (seeded.agent_id, kim.id or 0, seeded.lead_id)
        # Bulk inserts (an import, a script), as the desk's own writes do.
        uow.session.execute(sa.insert(cases), [
            _case_row(seeded.customer_id, n, owner_id=seeded.agent_id,
                      handler_id=kim.id if n % 3 == 0 else None) for n in range(MAX_CAPACITY + 5)])
        uow.commit()
        assert uow.staff_load(people) == _counted(uow, *people)
        assert uow.staff_load([seeded.agent_id])[seeded.agent_id] == MAX_CAPACITY + 6
        ids = list(uow.session.scalars(sa.select(cases.c.id).order_by(cases.c.id).limit(40)))
        changes = [
            {"status": "resolved"}, {"status": "closed"}, {"owner_id": kim.id},
            {"handler_id": seeded.lead_id}, {"handler_id": None}, {"owner_id": None},
            {"owner_id": kim.id, "handler_id": kim.id}, {"status": "escalated"},
        ]
        for n, case_id in enumerate(ids):
            uow.session.execute(sa.update(cases).where(cases.c.id == case_id)
                                .values(**changes[n % len(changes)]))
        uow.commit()
        assert uow.staff_load(people) == _counted(uow, *people)
        uow.session.execute(sa.update(cases).where(cases.c.id.in_(ids[:10]))
                            .values(status="open"))  # reopened
        uow.session.execute(sa.delete(cases).where(cases.c.id.in_(ids[20:30])))
        uow.commit()
        assert uow.staff_load(people) == _counted(uow, *people)


def test_a_rolled_back_intake_leaves_the_loads_as_they_were(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        before = uow.staff_load([seeded.agent_id])
        uow.session.execute(sa.insert(cases), [_case_row(seeded.customer_id, 1,
                                                         owner_id=seeded.agent_id)])
        uow.rollback()
        assert uow.staff_load([seeded.agent_id]) == before


def test_concurrent_intake_never_fills_an_agent_past_their_capacity(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    _sam_off_duty(uow_factory, seeded)
    with uow_factory() as uow:
        roomy = _agent(uow, "Roomy", capacity=2)
        small = _agent(uow, "Small", capacity=1)
        uow.commit()
    intakes = 6
    start = threading.Barrier(intakes)

    def arrive(_: int) -> int | None:
        start.wait()
        for _attempt in range(20):  # a writer that lost the race retries, as a channel does
            try:
                return _web_case(uow_factory).owner_id
            except Conflict:
                continue
        raise AssertionError("intake kept failing")

    with ThreadPoolExecutor(intakes) as pool:
        owners = list(pool.map(arrive, range(intakes)))
    assert owners.count(roomy.id) == 2
    assert owners.count(small.id) == 1
    assert owners.count(None) == 3
    with uow_factory() as uow:
        assert uow.staff_load([roomy.id or 0, small.id or 0]) == {roomy.id: 2, small.id: 1}


def test_two_agents_taking_the_same_case_at_once_the_second_is_told(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    _sam_off_duty(uow_factory, seeded)
    with uow_factory() as uow:
        kim = _agent(uow, "Kim", state=Presence.AWAY)
        uow.commit()
    case = _web_case(uow_factory)
    assert case.id is not None
    with uow_factory() as first, uow_factory() as second:
        sam = first.get(User, seeded.agent_id)
        kim_again = second.get(User, kim.id or 0)
        assert sam is not None and kim_again is not None
        for uow in (first, second):  # both open the case while it is unowned
            seen = uow.get(Case, case.id)
            assert seen is not None and seen.owner_id is None
        unassigned.take_case(first, sam, case.id)
        first.commit()
        with pytest.raises(Conflict):  # Kim clicks a moment later, on what she read
            unassigned.take_case(second, kim_again, case.id)
            second.commit()
    with uow_factory() as uow:
        stored = uow.get(Case, case.id)
        assert stored is not None and stored.owner_id == seeded.agent_id
        assert [e.action for e in uow.find(AuditEntry, case_id=case.id)][-1] == "taken"


def test_a_lead_assigning_while_an_agent_takes_one_of_them_wins_cleanly(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    _sam_off_duty(uow_factory, seeded)
    with uow_factory() as uow:
        kim = _agent(uow, "Kim", state=Presence.OFFLINE)
        uow.commit()
    case = _web_case(uow_factory)
    assert case.id is not None
    with uow_factory() as lead_side, uow_factory() as agent_side:
        lead = lead_side.get(User, seeded.lead_id)
        sam = agent_side.get(User, seeded.agent_id)
        assert lead is not None and sam is not None
        for uow in (lead_side, agent_side):
            assert uow.get(Case, case.id) is not None
        unassigned.take_case(agent_side, sam, case.id)
        agent_side.commit()
        with pytest.raises(Conflict):  # the lead's choice was made on the unowned case
            unassigned.assign_case(lead_side, lead, case.id, kim.id or 0)
            lead_side.commit()
    with uow_factory() as uow:
        stored = uow.get(Case, case.id)
        assert stored is not None and stored.owner_id == seeded.agent_id


def test_deactivating_an_agent_hands_their_cases_and_escalations_to_the_lead(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        lead = uow.get(User, seeded.lead_id)
        assert lead is not None
        lead.password_hash = HASH
        kim = _agent(uow, "Kim")
        handled = Case(ref="C-H1", customer_id=seeded.customer_id, nature="x",
                       channel=Channel.EMAIL, opened_at=_now(), status=CaseStatus.ESCALATED,
                       owner_id=kim.id, handler_id=seeded.agent_id)
        uow.add(handled)
        uow.flush()
        uow.add(Escalation(case_id=handled.id or 0, handler_id=seeded.agent_id,
                           escalated_by_id=kim.id or 0, at=_now(), reason="billing"))
        uow.commit()
    with uow_factory() as uow:
        users.deactivate_user(uow, None, seeded.agent_id)
        uow.commit()
    with uow_factory() as uow:
        seeded_case = uow.get(Case, seeded.case_id)
        assert seeded_case is not None
        assert (seeded_case.owner_id, seeded_case.returned_from_id) == (seeded.lead_id,
                                                                        seeded.agent_id)
        escalated = uow.find(Case, ref="C-H1")[0]
        assert escalated.handler_id == seeded.lead_id and escalated.owner_id == kim.id
        [open_escalation] = uow.find(Escalation, case_id=escalated.id)
        assert open_escalation.handler_id == seeded.lead_id
        kept = assignment_queries.list_to_reassign(uow.session).items
        assert [c.ref for c in kept] == [seeded.case_ref]


def test_presence_and_capacity_are_stored(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        sam = uow.get(User, seeded.agent_id)
        lead = uow.get(User, seeded.lead_id)
        assert sam is not None and lead is not None
        presence.set_presence(uow, sam, "away")
        presence.set_capacity(uow, lead, seeded.agent_id, 4)
        uow.commit()
    with uow_factory() as uow:
        stored = uow.get(User, seeded.agent_id)
        assert stored is not None
        assert (stored.presence, stored.capacity) == (Presence.AWAY, 4)
        assert stored.last_seen_at is not None
        assert _now() - stored.last_seen_at < timedelta(minutes=5)


def _plan(engine: Engine, statement: str, params: object) -> str:
    """The database's plan for one captured statement, with its own parameters."""
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        if engine.dialect.name == "postgresql":
            cursor.execute("SET enable_seqscan = off")  # as on a desk of 100k cases
            cursor.execute("EXPLAIN " + statement, params)
            rows = [r[0] for r in cursor.fetchall()]
            cursor.execute("RESET enable_seqscan")
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement, params)
            rows = [str(r[-1]) for r in cursor.fetchall()]
        return "\n".join(rows)


def test_opening_a_case_with_automatic_assignment_never_scans_the_cases(
    uow_factory: UowFactory, seeded: Seeded, engine: Engine
) -> None:
    # Many open cases already on the desk, owned and handled by the candidates.
    with uow_factory() as uow:
        kim = _agent(uow, "Kim")
        uow.commit()
        uow.session.execute(sa.insert(cases), [
            _case_row(seeded.customer_id, n, owner_id=(kim.id, seeded.agent_id)[n % 2],
                      handler_id=kim.id if n % 5 == 0 else None) for n in range(300)])
        uow.commit()
    reads: list[tuple[str, object]] = []

    def keep(_c: object, _cur: object, statement: str, params: object, *_: object) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            reads.append((statement, params))

    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        case = _web_case(uow_factory)  # no agent of the desk takes it in: assignment picks
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    assert case.owner_id in (kim.id, seeded.agent_id)
    plans = [_plan(engine, statement, params) for statement, params in reads]
    scans = [p for p in plans if re.search(r"^SCAN cases\b|Seq Scan on cases\b", p, re.M)]
    assert reads and scans == [], scans
