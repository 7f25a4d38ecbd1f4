from __future__ import annotations

import pytest

from frontliner.desk.closing import (
    ClosingStep,
    close_case,
    confirm_fixed,
    mark_closing_step,
    rate_satisfaction,
    record_lesson,
    report_not_fixed,
    request_confirmation,
    sign_exception,
)
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.escalation import escalate
from frontliner.desk.model import ArticleStatus, AuditEntry, Case, CaseStatus
from frontliner.desk.ownership import acknowledge
from tests.unit.conftest import MONDAY, Desk


def _open_case(desk: Desk) -> Case:
    case = desk.open()
    acknowledge(desk.uow, desk.agent, case.id, now=MONDAY)
    return case


def test_customer_confirming_the_fix_resolves_the_case(desk: Desk) -> None:
    case = _open_case(desk)
    request_confirmation(desk.uow, desk.agent, case.id, now=MONDAY)
    assert case.status == CaseStatus.AWAITING_CONFIRMATION
    confirm_fixed(desk.uow, desk.ann_login, case.id, now=MONDAY)
    assert case.status == CaseStatus.RESOLVED and case.confirmed_by_customer
    assert case.resolved_at == MONDAY


def test_another_customer_cannot_confirm_and_does_not_learn_the_case_exists(desk: Desk) -> None:
    case = _open_case(desk)
    with pytest.raises(NotFound):
        confirm_fixed(desk.uow, desk.bob_login, case.id, now=MONDAY)
    assert case.status == CaseStatus.OPEN


def test_customer_saying_not_fixed_puts_the_case_back_to_open(desk: Desk) -> None:
    case = _open_case(desk)
    request_confirmation(desk.uow, desk.agent, case.id, now=MONDAY)
    report_not_fixed(desk.uow, desk.ann_login, case.id, note="still cold", now=MONDAY)
    assert case.status == CaseStatus.OPEN and case.owner_id == desk.agent.id


def test_lead_signs_an_exception_with_a_reason(desk: Desk) -> None:
    case = _open_case(desk)
    with pytest.raises(Forbidden):
        sign_exception(desk.uow, desk.agent, case.id, reason="customer unreachable", now=MONDAY)
    with pytest.raises(Invalid):
        sign_exception(desk.uow, desk.lead, case.id, reason=" ", now=MONDAY)
    sign_exception(desk.uow, desk.lead, case.id, reason="unreachable for 30 days", now=MONDAY)
    assert case.status == CaseStatus.RESOLVED and case.exception_by_id == desk.lead.id
    assert not case.confirmed_by_customer


def test_resolving_completes_open_follow_ups(desk: Desk) -> None:
    case = _open_case(desk)
    escalate(desk.uow, desk.agent, case.id, reason="r", details="d", now=MONDAY)
    assert desk.uow.open_follow_ups(case.id)
    confirm_fixed(desk.uow, desk.ann_login, case.id, now=MONDAY)
    assert desk.uow.open_follow_ups(case.id) == []


def test_closing_steps_are_recorded(desk: Desk) -> None:
    case = _open_case(desk)
    for step in ClosingStep:
        mark_closing_step(desk.uow, desk.agent, case.id, step, now=MONDAY)
    assert case.plan_shared and case.permission_asked and case.satisfaction_asked
    assert desk.uow.find(AuditEntry, case_id=case.id, action="permission_asked")


def test_only_a_resolved_case_closes(desk: Desk) -> None:
    case = _open_case(desk)
    with pytest.raises(Conflict):
        close_case(desk.uow, desk.agent, case.id, now=MONDAY)
    confirm_fixed(desk.uow, desk.ann_login, case.id, now=MONDAY)
    close_case(desk.uow, desk.agent, case.id, now=MONDAY)
    assert case.status == CaseStatus.CLOSED and case.closed_at == MONDAY


def test_satisfaction_rating_only_by_the_customer_after_resolution(desk: Desk) -> None:
    case = _open_case(desk)
    with pytest.raises(Conflict):
        rate_satisfaction(desk.uow, desk.ann_login, case.id, 5, now=MONDAY)
    confirm_fixed(desk.uow, desk.ann_login, case.id, now=MONDAY)
    with pytest.raises(Forbidden):
        rate_satisfaction(desk.uow, desk.agent, case.id, 5, now=MONDAY)
    with pytest.raises(Invalid):
        rate_satisfaction(desk.uow, desk.ann_login, case.id, 6, now=MONDAY)
    rating = rate_satisfaction(desk.uow, desk.ann_login, case.id, 4, comment="quick", now=MONDAY)
    assert (rating.score, rating.comment, rating.customer_id) == (4, "quick", desk.ann.id)
    with pytest.raises(Conflict):
        rate_satisfaction(desk.uow, desk.ann_login, case.id, 1, now=MONDAY)


def test_lesson_can_become_a_draft_article(desk: Desk) -> None:
    case = _open_case(desk)
    confirm_fixed(desk.uow, desk.ann_login, case.id, now=MONDAY)
    article = record_lesson(desk.uow, desk.agent, case.id,
                            lesson="Kettles of batch 7 need the fuse swapped",
                            draft_article=True, title="Batch 7 kettle fuse", now=MONDAY)
    assert case.lesson == "Kettles of batch 7 need the fuse swapped"
    assert article is not None and article.status == ArticleStatus.DRAFT
    assert article.source_case_id == case.id and article.title == "Batch 7 kettle fuse"
