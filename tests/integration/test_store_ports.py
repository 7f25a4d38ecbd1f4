"""The queries the desk's rules rely on give the same answers on a real database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from tests.conftest import T0, Seeded

from frontliner.desk import model as m
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]


def _add(uow_factory: UowFactory, *objs: object) -> None:
    with uow_factory() as uow:
        for obj in objs:
            uow.add(obj)
        uow.commit()


def _case(s: Seeded, ref: str, **fields: object) -> m.Case:
    values: dict[str, object] = {
        "customer_id": s.customer_id,
        "nature": "late parcel",
        "channel": m.Channel.WEB,
        "opened_at": T0,
        "owner_id": s.agent_id,
    }
    values.update(fields)
    return m.Case(ref=ref, **values)  # type: ignore[arg-type]  # fields checked at run time


def test_case_by_ref_and_contact_by_value_find_the_row(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        case = uow.case_by_ref(seeded.case_ref)
        contact = uow.contact_by_value(m.ContactKind.EMAIL, "ann@example.com")
        assert case is not None and case.id == seeded.case_id
        assert contact is not None and contact.customer_id == seeded.customer_id
        assert uow.case_by_ref("C-NOPE") is None
        assert uow.contact_by_value(m.ContactKind.PHONE, "ann@example.com") is None


def test_find_matches_values_and_null_and_an_attribute_called_kind(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    _add(
        uow_factory,
        m.Contact(customer_id=seeded.customer_id, kind=m.ContactKind.PHONE, value="+3312345678"),
    )
    with uow_factory() as uow:
        phones = uow.find(m.Contact, kind=m.ContactKind.PHONE)
        assert [c.value for c in phones] == ["+3312345678"]
        assert [c.id for c in uow.find(m.Case, handler_id=None)] == [seeded.case_id]
        assert uow.find(m.Case, handler_id=seeded.lead_id) == []
        assert len(uow.find(m.User, limit=2)) == 2


def test_cases_opened_since_counts_only_this_customers_recent_cases(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    _add(
        uow_factory,
        _case(seeded, "C-2", opened_at=T0 + timedelta(days=2)),
        _case(seeded, "C-3", opened_at=T0 + timedelta(days=3)),
    )
    with uow_factory() as uow:
        assert uow.cases_opened_since(seeded.customer_id, T0) == 3
        assert uow.cases_opened_since(seeded.customer_id, T0 + timedelta(days=1)) == 2
        assert uow.cases_opened_since(seeded.customer_id + 1000, T0) == 0


def test_money_given_counts_applied_remedies_only(uow_factory: UowFactory, seeded: Seeded) -> None:
    def remedy(amount: int, status: m.RemedyStatus, applied: int | None) -> m.Remedy:
        return m.Remedy(
            case_id=seeded.case_id,
            kind=m.RemedyKind.CREDIT,
            requested_by_id=seeded.agent_id,
            requested_at=T0,
            amount=amount,
            status=status,
            applied_at=None if applied is None else T0 + timedelta(days=applied),
        )

    _add(
        uow_factory,
        remedy(1000, m.RemedyStatus.APPLIED, 0),
        remedy(2500, m.RemedyStatus.APPLIED, 1),
        remedy(9900, m.RemedyStatus.PENDING_APPROVAL, None),
        remedy(7000, m.RemedyStatus.DECLINED, None),
    )
    with uow_factory() as uow:
        assert uow.money_given_on_case(seeded.case_id) == 3500
        assert uow.money_given_since(seeded.agent_id, T0 + timedelta(days=1)) == 2500
        assert uow.money_given_since(seeded.lead_id, T0) == 0


def test_profile_for_prefers_the_agents_own_override(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    _add(uow_factory, m.EmpowermentProfile(name="agents", role=m.Role.AGENT, money_per_case=50))
    with uow_factory() as uow:
        agent = uow.get(m.User, seeded.agent_id)
        lead = uow.get(m.User, seeded.lead_id)
        assert agent is not None and lead is not None
        role_profile = uow.profile_for(agent)
        assert role_profile is not None and role_profile.name == "agents"
        assert uow.profile_for(lead) is None
    _add(uow_factory, m.EmpowermentProfile(name="sam", user_id=seeded.agent_id, money_per_case=90))
    with uow_factory() as uow:
        agent = uow.get(m.User, seeded.agent_id)
        assert agent is not None
        own = uow.profile_for(agent)
        assert own is not None and own.money_per_case == 90


def test_least_loaded_picks_the_active_user_with_the_skill_and_fewest_open_cases(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    # A second agent with no cases but also no legal skill; an inactive legal expert.
    _add(
        uow_factory,
        m.User(name="Kim", email="kim@desk.test", role=m.Role.AGENT, skills=["billing"]),
        m.User(
            name="Old", email="old@desk.test", role=m.Role.AGENT, skills=["legal"], active=False
        ),
        m.User(name="Legal_ish", email="li@desk.test", role=m.Role.AGENT, skills=["legal-review"]),
    )
    with uow_factory() as uow:
        idle = uow.least_loaded((m.Role.AGENT,))
        assert idle is not None and idle.name == "Kim"  # Sam owns the seeded case
        legal = uow.least_loaded((m.Role.AGENT, m.Role.LEAD), skill="legal")
        assert legal is not None and legal.id == seeded.lead_id  # not a partial match
        assert uow.least_loaded((m.Role.ADMIN,)) is None


def test_resolved_cases_do_not_count_as_load(uow_factory: UowFactory, seeded: Seeded) -> None:
    _add(uow_factory, m.User(name="Kim", email="kim@desk.test", role=m.Role.AGENT))
    with uow_factory() as uow:
        kim = uow.find(m.User, email="kim@desk.test")[0]
        uow.add(_case(seeded, "C-K1", owner_id=kim.id))
        uow.add(_case(seeded, "C-K2", owner_id=kim.id))
        case = uow.get(m.Case, seeded.case_id)
        assert case is not None
        case.status = m.CaseStatus.RESOLVED
        uow.commit()
    with uow_factory() as uow:
        chosen = uow.least_loaded((m.Role.AGENT,))
        assert chosen is not None and chosen.id == seeded.agent_id


def test_open_handover_open_follow_ups_and_fire_by_key(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    later = T0 + timedelta(days=1)
    _add(
        uow_factory,
        m.Handover(
            case_id=seeded.case_id,
            from_user_id=seeded.agent_id,
            to_user_id=seeded.lead_id,
            offered_at=T0,
            status=m.HandoverStatus.DECLINED,
        ),
        m.Handover(
            case_id=seeded.case_id,
            from_user_id=seeded.agent_id,
            to_user_id=seeded.lead_id,
            offered_at=later,
        ),
        m.FollowUp(case_id=seeded.case_id, owner_id=seeded.agent_id, due_at=later, note="b"),
        m.FollowUp(case_id=seeded.case_id, owner_id=seeded.agent_id, due_at=T0, note="a"),
        m.FollowUp(
            case_id=seeded.case_id, owner_id=seeded.agent_id, due_at=T0, note="done", done_at=T0
        ),
        m.Fire(title="Double charges", key="double-charge", created_at=T0),
    )
    with uow_factory() as uow:
        handover = uow.open_handover(seeded.case_id)
        assert handover is not None and handover.offered_at == later
        assert [f.note for f in uow.open_follow_ups(seeded.case_id)] == ["a", "b"]
        fire = uow.fire_by_key("double-charge")
        assert fire is not None and fire.title == "Double charges"
        assert uow.fire_by_key("other") is None
