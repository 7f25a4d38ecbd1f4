"""The read side of the API answers each list with the right rows in the right order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from tests.conftest import T0, Seeded

from frontliner.desk import model as m
from frontliner.store import queries
from frontliner.store.pagination import Page
from frontliner.store.queries import CaseFilter
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]
H = timedelta(hours=1)


@pytest.fixture
def desk(uow_factory: UowFactory, seeded: Seeded) -> dict[str, Any]:
    """The seeded desk plus a second customer, a second agent and a few cases."""
    with uow_factory() as uow:
        bob = m.Customer(name="Bob Stone", created_at=T0)
        kim = m.User(name="Kim Agent", email="kim@desk.test", role=m.Role.AGENT)
        uow.add(bob)
        uow.add(kim)
        uow.flush()
        uow.add(m.Contact(customer_id=bob.id or 0, kind=m.ContactKind.PHONE, value="+441234567"))
        fire = m.Fire(
            title="Double charges",
            key="double-charge",
            created_at=T0,
            fix="idempotent payment retry",
        )
        uow.add(fire)
        uow.flush()

        def case(ref: str, hours: int, **fields: Any) -> m.Case:
            values: dict[str, Any] = {
                "customer_id": seeded.customer_id,
                "nature": "late parcel",
                "channel": m.Channel.WEB,
                "opened_at": T0 + hours * H,
                "updated_at": T0 + hours * H,
                "owner_id": seeded.agent_id,
            }
            values.update(fields)
            made = m.Case(ref=ref, **values)
            uow.add(made)
            return made

        cases = {
            "big": case(
                "C-BIG",
                1,
                size=m.Size.BIG,
                status=m.CaseStatus.ESCALATED,
                handler_id=seeded.lead_id,
                nature="Refund for a broken TV",
                fire_id=fire.id,
            ),
            "kim": case("C-KIM", 2, owner_id=kim.id, status=m.CaseStatus.OPEN),
            "bob": case("C-BOB", 3, customer_id=bob.id, nature="wrong size 100%_off"),
            "done": case("C-DONE", 4, status=m.CaseStatus.RESOLVED),
        }
        uow.commit()
    return {"bob": bob, "kim": kim, "fire": fire, "cases": cases, "s": seeded}


def _refs(page: Page[m.Case]) -> list[str]:
    return [c.ref for c in page.items]


def test_case_list_filters(uow_factory: UowFactory, desk: dict[str, Any]) -> None:
    s: Seeded = desk["s"]
    with uow_factory() as uow:

        def refs(**filters: Any) -> list[str]:
            return _refs(queries.list_cases(uow.session, CaseFilter(**filters)))

        assert refs() == ["C-DONE", "C-BOB", "C-KIM", "C-BIG", s.case_ref]
        assert refs(owner_id=desk["kim"].id) == ["C-KIM"]
        assert refs(handler_id=s.lead_id) == ["C-BIG"]
        assert refs(customer_id=desk["bob"].id) == ["C-BOB"]
        assert refs(statuses=[m.CaseStatus.OPEN, m.CaseStatus.ESCALATED]) == ["C-KIM", "C-BIG"]
        assert refs(size=m.Size.BIG) == ["C-BIG"]
        assert refs(fire_id=desk["fire"].id) == ["C-BIG"]
        assert refs(search="broken tv") == ["C-BIG"]  # case-insensitive
        assert refs(search="100%_") == ["C-BOB"]  # the user's % and _ are literal
        assert refs(search="0%o") == []
        assert refs(owner_id=s.agent_id, statuses=[m.CaseStatus.NEW]) == ["C-BOB", s.case_ref]


def test_cases_with_a_follow_up_due(uow_factory: UowFactory, desk: dict[str, Any]) -> None:
    s: Seeded = desk["s"]
    big = desk["cases"]["big"]
    with uow_factory() as uow:
        uow.add(m.FollowUp(case_id=big.id, owner_id=s.agent_id, due_at=T0 + 5 * H))
        uow.add(m.FollowUp(case_id=s.case_id, owner_id=s.agent_id, due_at=T0 + 1 * H, done_at=T0))
        uow.add(
            m.FollowUp(case_id=desk["cases"]["bob"].id, owner_id=s.agent_id, due_at=T0 + 50 * H)
        )
        uow.commit()
    with uow_factory() as uow:
        due = queries.list_cases(uow.session, CaseFilter(follow_up_due_by=T0 + 6 * H))
        assert _refs(due) == ["C-BIG"]
        rows = queries.follow_ups_due(uow.session, s.agent_id, T0 + 100 * H).items
        assert [(r.case_ref, r.follow_up.due_at) for r in rows] == [
            ("C-BIG", T0 + 5 * H),
            ("C-BOB", T0 + 50 * H),
        ]


def test_queue_counts_in_one_statement_agree_with_each_count_and_stop_at_the_cap(
    uow_factory: UowFactory, desk: dict[str, Any]
) -> None:
    s: Seeded = desk["s"]
    with uow_factory() as uow:
        uow.add(m.FollowUp(case_id=s.case_id, owner_id=s.agent_id, due_at=T0 + 1 * H))
        uow.add(m.FollowUp(case_id=s.case_id, owner_id=s.agent_id, due_at=T0 + 9 * H))
        uow.commit()
    queues = {"mine": CaseFilter(owner_id=s.agent_id, statuses=[m.CaseStatus.NEW]),
              "escalated": CaseFilter(handler_id=s.lead_id),
              "nobody's": CaseFilter(owner_id=desk["kim"].id, statuses=[m.CaseStatus.CLOSED])}
    with uow_factory() as uow:
        counts = queries.count_queues(uow.session, queues, s.agent_id, T0 + 2 * H)
        assert counts == {"mine": 2, "escalated": 1, "nobody's": 0, "follow-ups": 1}
        assert counts["mine"] == queries.count_cases(uow.session, queues["mine"])
        assert queries.count_queues(uow.session, queues, s.agent_id, T0 + 10 * H, cap=1) == {
            "mine": 1, "escalated": 1, "nobody's": 0, "follow-ups": 1}


def test_case_detail_gathers_the_case_page(uow_factory: UowFactory, desk: dict[str, Any]) -> None:
    s: Seeded = desk["s"]
    with uow_factory() as uow:
        uow.add(
            m.Interaction(
                case_id=s.case_id,
                customer_id=s.customer_id,
                at=T0,
                channel=m.Channel.EMAIL,
                direction=m.Direction.INBOUND,
                body="charged twice",
            )
        )
        uow.add(
            m.Handover(
                case_id=s.case_id, from_user_id=s.agent_id, to_user_id=s.lead_id, offered_at=T0
            )
        )
        # Many finished follow-ups do not push the open one out of the detail view.
        for n in range(queries.DETAIL_ITEMS + 5):
            uow.add(
                m.FollowUp(
                    case_id=s.case_id, owner_id=s.agent_id, due_at=T0, done_at=T0, note=f"done {n}"
                )
            )
        uow.add(m.FollowUp(case_id=s.case_id, owner_id=s.agent_id, due_at=T0, note="open"))
        for n in range(queries.DETAIL_ITEMS + 5):
            uow.add(
                m.FollowUp(
                    case_id=s.case_id, owner_id=s.agent_id, due_at=T0, done_at=T0, note=f"later {n}"
                )
            )
        uow.commit()
    with uow_factory() as uow:
        detail = queries.case_detail(uow.session, s.case_ref)
        assert queries.case_detail(uow.session, "C-NONE") is None
    assert detail is not None
    assert detail.case.id == s.case_id and detail.customer.name == "Ann Lee"
    assert [c.value for c in detail.contacts] == ["ann@example.com"]
    assert detail.owner is not None and detail.owner.id == s.agent_id
    assert detail.handler is None
    assert detail.open_handover is not None and detail.open_handover.to_user_id == s.lead_id
    assert [i.body for i in detail.interactions] == ["charged twice"]
    assert [f.note for f in detail.open_follow_ups] == ["open"]


def test_timeline_spans_every_case_newest_first_and_can_hide_notes(
    uow_factory: UowFactory, desk: dict[str, Any]
) -> None:
    s: Seeded = desk["s"]
    big, done = desk["cases"]["big"], desk["cases"]["done"]
    with uow_factory() as uow:
        for case_id, hours, direction, body in [
            (s.case_id, 1, m.Direction.INBOUND, "first"),
            (big.id, 2, m.Direction.NOTE, "internal"),
            (done.id, 3, m.Direction.OUTBOUND, "reply"),
            (desk["cases"]["bob"].id, 4, m.Direction.INBOUND, "someone else"),
        ]:
            customer = desk["bob"].id if body == "someone else" else s.customer_id
            uow.add(
                m.Interaction(
                    case_id=case_id,
                    customer_id=customer,
                    at=T0 + hours * H,
                    channel=m.Channel.CHAT,
                    direction=direction,
                    body=body,
                )
            )
        uow.commit()
    with uow_factory() as uow:
        staff = queries.customer_timeline(uow.session, s.customer_id).items
        portal = queries.customer_timeline(uow.session, s.customer_id, include_notes=False)
        on_case = queries.case_interactions(uow.session, big.id, include_notes=False)
    assert [(e.interaction.body, e.case_ref) for e in staff] == [
        ("reply", "C-DONE"),
        ("internal", "C-BIG"),
        ("first", s.case_ref),
    ]
    assert [e.interaction.body for e in portal.items] == ["reply", "first"]
    assert on_case.items == []


def test_audit_trail_in_the_order_it_happened(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        for hours, action in [(2, "acknowledged"), (1, "opened"), (3, "escalated")]:
            uow.add(m.AuditEntry(case_id=seeded.case_id, at=T0 + hours * H, action=action))
        uow.commit()
    with uow_factory() as uow:
        first = queries.audit_trail(uow.session, seeded.case_id, limit=2)
        rest = queries.audit_trail(uow.session, seeded.case_id, cursor=first.next_cursor)
    assert [e.action for e in first.items + rest.items] == ["opened", "acknowledged", "escalated"]
    assert rest.next_cursor is None


def test_approvals_pending_and_escalations(uow_factory: UowFactory, desk: dict[str, Any]) -> None:
    s: Seeded = desk["s"]
    big = desk["cases"]["big"]
    with uow_factory() as uow:
        remedies = [
            m.Remedy(
                case_id=big.id,
                kind=m.RemedyKind.REFUND,
                requested_by_id=s.agent_id,
                requested_at=T0,
                amount=amount,
            )
            for amount in (90000, 50)
        ]
        for remedy in remedies:
            uow.add(remedy)
        uow.flush()
        uow.add(
            m.ApprovalRequest(
                case_id=big.id,
                remedy_id=remedies[0].id or 0,
                requested_by_id=s.agent_id,
                created_at=T0,
                reason="above",
            )
        )
        uow.add(
            m.ApprovalRequest(
                case_id=big.id,
                remedy_id=remedies[1].id or 0,
                requested_by_id=s.agent_id,
                created_at=T0,
                status=m.ApprovalStatus.DECLINED,
            )
        )
        uow.add(
            m.Escalation(
                case_id=big.id,
                handler_id=s.lead_id,
                escalated_by_id=s.agent_id,
                at=T0,
                reason="refund above limit",
            )
        )
        uow.add(
            m.Escalation(
                case_id=s.case_id,
                handler_id=desk["kim"].id,
                escalated_by_id=s.agent_id,
                at=T0 + H,
                reason="skill",
                resolved_at=T0 + 2 * H,
            )
        )
        uow.commit()
    with uow_factory() as uow:
        pending = queries.approvals_pending(uow.session).items
        by_lead = queries.list_escalations(uow.session, handler_id=s.lead_id).items
        open_ones = queries.list_escalations(uow.session, open_only=True).items
        every = queries.list_escalations(uow.session).items
    assert [(p.case_ref, p.remedy.amount) for p in pending] == [("C-BIG", 90000)]
    assert [e.case_ref for e in by_lead] == ["C-BIG"]
    assert [e.case_ref for e in open_ones] == ["C-BIG"]
    assert [e.case_ref for e in every] == [s.case_ref, "C-BIG"]


def test_handovers_waiting_for_an_answer(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        for status in (m.HandoverStatus.OFFERED, m.HandoverStatus.ACCEPTED):
            uow.add(
                m.Handover(
                    case_id=seeded.case_id,
                    from_user_id=seeded.agent_id,
                    to_user_id=seeded.lead_id,
                    offered_at=T0,
                    status=status,
                )
            )
        uow.commit()
    with uow_factory() as uow:
        waiting = queries.handovers_offered_to(uow.session, seeded.lead_id).items
        assert [h.status for h in waiting] == [m.HandoverStatus.OFFERED]
        assert queries.handovers_offered_to(uow.session, seeded.agent_id).items == []


def test_fire_log_knowledge_replies_and_kudos(
    uow_factory: UowFactory, desk: dict[str, Any]
) -> None:
    s: Seeded = desk["s"]
    fire = desk["fire"]
    with uow_factory() as uow:
        uow.add(m.Fire(title="Login loop", key="login-loop", created_at=T0 + H))
        uow.add(
            m.FireNote(
                fire_id=fire.id, author_id=s.agent_id, at=T0 + H, problem="p2", solution="s2"
            )
        )
        uow.add(
            m.FireNote(fire_id=fire.id, author_id=s.agent_id, at=T0, problem="p1", solution="s1")
        )
        uow.add(
            m.KnowledgeArticle(
                title="Refunds",
                body="How to REFUND twice-charged cards",
                author_id=s.agent_id,
                created_at=T0,
            )
        )
        uow.add(
            m.KnowledgeArticle(
                title="Parcels",
                body="late ones",
                author_id=s.agent_id,
                created_at=T0 + H,
                status=m.ArticleStatus.PUBLISHED,
            )
        )
        uow.add(
            m.PreparedReply(
                title="Sorry for the wait",
                body="Thank you...",
                author_id=s.lead_id,
                created_at=T0,
                tags=["delay", "parcel"],
            )
        )
        uow.add(
            m.PreparedReply(
                title="Refund done",
                body="We refunded",
                author_id=s.lead_id,
                created_at=T0 + H,
                tags=["refund"],
            )
        )
        uow.add(m.Kudos(to_user_id=s.agent_id, at=T0, message="great call"))
        uow.add(
            m.Kudos(
                to_user_id=s.agent_id,
                at=T0 + H,
                message="fixed it",
                kind=m.KudosKind.FIX_CREDIT,
                fire_id=fire.id,
            )
        )
        uow.add(m.Kudos(to_user_id=s.lead_id, at=T0, message="thanks"))
        uow.commit()
    with uow_factory() as uow:
        session = uow.session
        assert [f.title for f in queries.list_fires(session).items] == [
            "Login loop",
            "Double charges",
        ]
        assert [f.key for f in queries.list_fires(session, search="IDEMPOTENT").items] == [
            "double-charge"
        ]
        assert [n.problem for n in queries.fire_log_notes(session, fire.id).items] == ["p1", "p2"]
        assert [a.title for a in queries.list_articles(session, search="refund").items] == [
            "Refunds"
        ]
        published = queries.list_articles(session, status=m.ArticleStatus.PUBLISHED).items
        assert [a.title for a in published] == ["Parcels"]
        assert [r.title for r in queries.list_prepared_replies(session, tag="parcel").items] == [
            "Sorry for the wait"
        ]
        assert queries.list_prepared_replies(session, tag="parc").items == []
        assert [r.title for r in queries.list_prepared_replies(session, search="refund").items] == [
            "Refund done"
        ]
        assert [k.message for k in queries.kudos_for(session, s.agent_id).items] == [
            "fixed it",
            "great call",
        ]


def test_customer_and_user_lists(uow_factory: UowFactory, desk: dict[str, Any]) -> None:
    s: Seeded = desk["s"]
    with uow_factory() as uow:
        merged = m.Customer(name="Ann Lee (old)", created_at=T0, merged_into_id=s.customer_id)
        uow.add(merged)
        kim = uow.get(m.User, desk["kim"].id)
        assert kim is not None
        kim.active = False
        uow.commit()
    with uow_factory() as uow:
        session = uow.session
        assert [c.name for c in queries.list_customers(session).items] == ["Ann Lee", "Bob Stone"]
        assert [c.name for c in queries.list_customers(session, search="ann").items] == ["Ann Lee"]
        assert [c.name for c in queries.list_customers(session, search="4412345").items] == [
            "Bob Stone"
        ]
        with_merged = queries.list_customers(session, search="ann", include_merged=True)
        assert [c.name for c in with_merged.items] == ["Ann Lee", "Ann Lee (old)"]
        agents = queries.list_users(session, role=m.Role.AGENT).items
        assert [u.name for u in agents] == ["Sam Agent", "Kim Agent"]
        assert [
            u.name for u in queries.list_users(session, role=m.Role.AGENT, active=True).items
        ] == ["Sam Agent"]
        assert [u.email for u in queries.list_users(session, search="LEE@").items] == [
            "lee@desk.test"
        ]
