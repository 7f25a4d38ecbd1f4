"""The lead console's lists show what waits for a lead, in the order a lead works it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from tests.conftest import T0, Seeded

from frontliner.desk import closing, empowerment, escalation
from frontliner.desk.model import Case, CaseStatus, Channel, RemedyKind, User
from frontliner.store import lead_queries, queries
from frontliner.store.tables import cases
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]
H = timedelta(hours=1)


def _case(uow: SqlUnitOfWork, s: Seeded, ref: str, hours: int, **fields: object) -> Case:
    case = Case(
        ref=ref,
        customer_id=s.customer_id,
        nature=f"problem {ref}",
        channel=Channel.WEB,
        opened_at=T0 + hours * H,
        updated_at=T0 + hours * H,
        owner_id=s.agent_id,
        status=CaseStatus.OPEN,
        contact_name="Ann Lee",
        contact_value="ann@example.com",
    )
    for name, value in fields.items():
        setattr(case, name, value)
    uow.add(case)
    uow.flush()
    return case


def test_approval_queue_names_the_remedy_the_limit_and_who_asked(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        agent = uow.get(User, seeded.agent_id)
        assert agent is not None
        second = _case(uow, seeded, "C-TWO", 1)
        empowerment.apply_remedy(
            uow, agent, seeded.case_id, RemedyKind.REFUND, amount=90_000, now=T0
        )
        empowerment.apply_remedy(
            uow, agent, seeded.case_id, RemedyKind.CREDIT, amount=1_000, now=T0
        )  # within the limits: applied, never queued
        empowerment.apply_remedy(
            uow, agent, second.id or 0, RemedyKind.REFUND, amount=80_000, now=T0 + H
        )
        uow.commit()
    with uow_factory() as uow:
        queue = lead_queries.approval_queue(uow.session).items
        counts = lead_queries.console_counts(uow.session, seeded.lead_id)
    assert [(r.case_ref, r.remedy.amount, r.requested_by) for r in queue] == [
        (seeded.case_ref, 90_000, "Sam Agent"),
        ("C-TWO", 80_000, "Sam Agent"),
    ]
    assert "above the per-case limit of 50.00" in queue[0].approval.reason
    assert queue[0].case_nature == "charged twice for one order"
    assert counts.approvals == 2

    with uow_factory() as uow:
        lead = uow.get(User, seeded.lead_id)
        assert lead is not None
        empowerment.decide_approval(uow, lead, queue[0].approval.id or 0, True, "fine", now=T0)
        uow.commit()
    with uow_factory() as uow:
        left = lead_queries.approval_queue(uow.session).items
        decided = lead_queries.recent_decisions(uow.session)
        one = lead_queries.approval_by_id(uow.session, queue[0].approval.id or 0)
        assert lead_queries.approval_by_id(uow.session, 9999) is None
    assert [r.case_ref for r in left] == ["C-TWO"]
    assert [(r.case_ref, r.approval.note) for r in decided] == [(seeded.case_ref, "fine")]
    assert one is not None and one.remedy.status.value == "applied"

    with uow_factory() as uow:  # approved and declined alike, the newest request first
        lead = uow.get(User, seeded.lead_id)
        assert lead is not None
        empowerment.decide_approval(uow, lead, left[0].approval.id or 0, False, "no", now=T0)
        uow.commit()
    with uow_factory() as uow:
        both = lead_queries.recent_decisions(uow.session)
        newest = lead_queries.recent_decisions(uow.session, limit=1)
    assert [(r.case_ref, r.approval.note) for r in both] == [
        ("C-TWO", "no"), (seeded.case_ref, "fine")]
    assert [r.case_ref for r in newest] == ["C-TWO"]


def test_escalations_to_me_and_all_open_with_what_each_case_is_about(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        agent = uow.get(User, seeded.agent_id)
        lead = uow.get(User, seeded.lead_id)
        assert agent is not None and lead is not None
        _case(uow, seeded, "C-QUIET", 2)
        escalation.escalate(
            uow,
            agent,
            seeded.case_id,
            "refund above my limit",
            "charged twice on 1 March",
            handler_id=lead.id,
            now=T0,
        )
        uow.commit()
    with uow_factory() as uow:
        mine = queries.list_escalations(
            uow.session, handler_id=seeded.lead_id, open_only=True
        ).items
        everyone = queries.list_escalations(uow.session, open_only=True).items
        counts = lead_queries.console_counts(uow.session, seeded.lead_id)
        other = lead_queries.console_counts(uow.session, seeded.agent_id)
    assert [(e.case_ref, e.case_nature, e.case_status) for e in mine] == [
        (seeded.case_ref, "charged twice for one order", CaseStatus.ESCALATED)
    ]
    assert [e.case_ref for e in everyone] == [seeded.case_ref]
    assert (counts.escalated_to_me, counts.escalations_open) == (1, 1)
    assert other.escalated_to_me == 0

    with uow_factory() as uow:
        lead = uow.get(User, seeded.lead_id)
        assert lead is not None
        escalation.hand_back(uow, lead, seeded.case_id, "refund approved", now=T0 + H)
        uow.commit()
    with uow_factory() as uow:
        assert queries.list_escalations(uow.session, open_only=True).items == []
        closed = queries.list_escalations(uow.session, open_only=False).items
    assert [e.case_ref for e in closed] == [seeded.case_ref]


def test_cases_awaiting_confirmation_longest_waiting_first_until_an_exception_is_signed(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        _case(uow, seeded, "C-NEWER", 5, status=CaseStatus.AWAITING_CONFIRMATION)
        _case(uow, seeded, "C-OLDER", 3, status=CaseStatus.AWAITING_CONFIRMATION)
        _case(uow, seeded, "C-OPEN", 1)
        uow.commit()
    with uow_factory() as uow:
        first = lead_queries.awaiting_confirmation(uow.session, limit=1)
        second = lead_queries.awaiting_confirmation(uow.session, first.next_cursor, limit=1)
        assert lead_queries.console_counts(uow.session, seeded.lead_id).awaiting_confirmation == 2
    assert [c.ref for c in first.items + second.items] == ["C-OLDER", "C-NEWER"]
    assert second.next_cursor is None

    with uow_factory() as uow:
        lead = uow.get(User, seeded.lead_id)
        assert lead is not None
        closing.sign_exception(
            uow, lead, first.items[0].id or 0, "customer moved abroad", now=T0 + 6 * H
        )
        uow.commit()
    with uow_factory() as uow:
        assert [c.ref for c in lead_queries.awaiting_confirmation(uow.session).items] == ["C-NEWER"]
        signed = lead_queries.exceptions_signed(uow.session).items
    assert [(c.ref, c.exception_reason) for c in signed] == [("C-OLDER", "customer moved abroad")]


def test_counts_stop_at_the_cap_and_names_come_for_the_ids_asked(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        for i in range(4):
            _case(uow, seeded, f"C-W{i}", i, status=CaseStatus.AWAITING_CONFIRMATION)
        uow.commit()
    with uow_factory() as uow:
        query = sa.select(cases.c.id).where(cases.c.status == CaseStatus.AWAITING_CONFIRMATION)
        assert lead_queries.capped_count(uow.session, query, cap=2) == 3  # shown as "2+"
        assert lead_queries.capped_count(uow.session, query, cap=10) == 4
        names = lead_queries.names_of(uow.session, [seeded.agent_id, None, seeded.lead_id, 999])
    assert names == {seeded.agent_id: "Sam Agent", seeded.lead_id: "Lee Lead"}
