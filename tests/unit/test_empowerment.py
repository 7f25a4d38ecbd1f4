from __future__ import annotations

import pytest

from frontliner.desk.empowerment import apply_remedy, decide_approval, set_profile
from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.model import (
    ApprovalRequest,
    ApprovalStatus,
    AuditEntry,
    RemedyKind,
    RemedyStatus,
    Role,
    Size,
)
from tests.unit.conftest import MONDAY, Desk


def _limits(desk: Desk, **over: object) -> None:
    values: dict[str, object] = {"money_per_case": 5_000, "money_per_day": 8_000,
                                 "extra_days": 3, "remedy_kinds": ["refund", "credit"]}
    values.update(over)
    set_profile(desk.uow, desk.lead, role=Role.AGENT, now=MONDAY, **values)  # type: ignore[arg-type]


def test_remedy_within_limits_is_applied_at_once_and_audited(desk: Desk) -> None:
    _limits(desk)
    case = desk.open()
    remedy = apply_remedy(desk.uow, desk.agent, case.id, RemedyKind.REFUND, amount=2_500,
                          now=MONDAY)
    assert remedy.status == RemedyStatus.APPLIED and remedy.applied_at == MONDAY
    assert desk.uow.find(AuditEntry, case_id=case.id, action="remedy_applied")
    assert desk.uow.all(ApprovalRequest) == []


def test_remedy_above_case_limit_waits_for_a_lead_with_the_limit_named(desk: Desk) -> None:
    _limits(desk)
    case = desk.open()
    remedy = apply_remedy(desk.uow, desk.agent, case.id, RemedyKind.REFUND, amount=6_000,
                          now=MONDAY)
    assert remedy.status == RemedyStatus.PENDING_APPROVAL and remedy.applied_at is None
    [approval] = desk.uow.all(ApprovalRequest)
    assert "per-case limit of 50.00" in approval.reason
    assert case.size == Size.BIG


def test_daily_limit_counts_what_the_agent_gave_today(desk: Desk) -> None:
    _limits(desk)
    first, second = desk.open(), desk.open()
    apply_remedy(desk.uow, desk.agent, first.id, RemedyKind.CREDIT, amount=5_000, now=MONDAY)
    remedy = apply_remedy(desk.uow, desk.agent, second.id, RemedyKind.CREDIT, amount=4_000,
                          now=MONDAY)
    assert remedy.status == RemedyStatus.PENDING_APPROVAL
    assert "daily limit of 80.00" in desk.uow.all(ApprovalRequest)[0].reason


def test_remedy_kind_not_allowed_needs_approval(desk: Desk) -> None:
    _limits(desk)
    case = desk.open()
    remedy = apply_remedy(desk.uow, desk.agent, case.id, RemedyKind.REPLACEMENT, now=MONDAY)
    assert remedy.status == RemedyStatus.PENDING_APPROVAL
    assert "replacement is not among" in desk.uow.all(ApprovalRequest)[0].reason


def test_per_agent_override_beats_the_role_profile(desk: Desk) -> None:
    _limits(desk)
    set_profile(desk.uow, desk.lead, user_id=desk.agent.id, money_per_case=20_000,
                money_per_day=20_000, remedy_kinds=["refund"], now=MONDAY)
    case = desk.open()
    remedy = apply_remedy(desk.uow, desk.agent, case.id, "refund", amount=15_000, now=MONDAY)
    assert remedy.status == RemedyStatus.APPLIED


def test_lead_approval_applies_the_remedy(desk: Desk) -> None:
    _limits(desk)
    case = desk.open()
    remedy = apply_remedy(desk.uow, desk.agent, case.id, RemedyKind.REFUND, amount=9_000,
                          now=MONDAY)
    [approval] = desk.uow.all(ApprovalRequest)
    decide_approval(desk.uow, desk.lead, approval.id, approve=True, note="fair", now=MONDAY)
    assert remedy.status == RemedyStatus.APPLIED and approval.status == ApprovalStatus.APPROVED
    assert approval.decided_by_id == desk.lead.id


def test_lead_declines_with_a_note_and_nothing_is_applied(desk: Desk) -> None:
    _limits(desk)
    case = desk.open()
    remedy = apply_remedy(desk.uow, desk.agent, case.id, RemedyKind.REFUND, amount=9_000,
                          now=MONDAY)
    [approval] = desk.uow.all(ApprovalRequest)
    with pytest.raises(Invalid) as err:
        decide_approval(desk.uow, desk.lead, approval.id, approve=False, now=MONDAY)
    assert list(err.value.fields) == ["note"]
    decide_approval(desk.uow, desk.lead, approval.id, approve=False,
                    note="offer a replacement instead", now=MONDAY)
    assert remedy.status == RemedyStatus.DECLINED and remedy.applied_at is None
    with pytest.raises(Conflict):
        decide_approval(desk.uow, desk.lead, approval.id, approve=True, now=MONDAY)


def test_agents_cannot_approve_or_set_limits(desk: Desk) -> None:
    _limits(desk)
    case = desk.open()
    apply_remedy(desk.uow, desk.agent, case.id, RemedyKind.REFUND, amount=9_000, now=MONDAY)
    [approval] = desk.uow.all(ApprovalRequest)
    with pytest.raises(Forbidden):
        decide_approval(desk.uow, desk.other_agent, approval.id, approve=True, now=MONDAY)
    with pytest.raises(Forbidden):
        set_profile(desk.uow, desk.agent, role=Role.AGENT, money_per_case=10**9,
                    money_per_day=10**9, now=MONDAY)


def test_a_lead_cannot_raise_leads_limits(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        set_profile(desk.uow, desk.lead, role=Role.LEAD, money_per_case=10**9,
                    money_per_day=10**9, now=MONDAY)


def test_only_those_working_the_case_give_remedies(desk: Desk) -> None:
    case = desk.open()
    with pytest.raises(Forbidden):
        apply_remedy(desk.uow, desk.other_agent, case.id, RemedyKind.CREDIT, amount=100,
                     now=MONDAY)
