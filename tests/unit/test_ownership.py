from __future__ import annotations

import pytest

from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.model import AuditEntry, CaseStatus, HandoverStatus
from frontliner.desk.ownership import (
    accept_handover,
    acknowledge,
    decline_handover,
    offer_handover,
    withdraw_handover,
)
from tests.unit.conftest import MONDAY, Desk


def test_owner_acknowledging_moves_new_case_to_open(desk: Desk) -> None:
    case = desk.open()
    acknowledge(desk.uow, desk.agent, case.id, now=MONDAY)
    assert case.status == CaseStatus.OPEN
    assert desk.uow.find(AuditEntry, case_id=case.id, action="acknowledged")


def test_only_the_owner_acknowledges(desk: Desk) -> None:
    case = desk.open()
    with pytest.raises(Forbidden):
        acknowledge(desk.uow, desk.other_agent, case.id, now=MONDAY)
    assert case.status == CaseStatus.NEW


def test_ownership_moves_only_when_the_new_owner_accepts(desk: Desk) -> None:
    case = desk.open()
    handover = offer_handover(desk.uow, desk.agent, case.id, desk.other_agent.id,
                              note="you know this customer", now=MONDAY)
    assert case.owner_id == desk.agent.id  # offered, not yet moved
    accept_handover(desk.uow, desk.other_agent, handover.id, now=MONDAY)
    assert case.owner_id == desk.other_agent.id
    assert handover.status == HandoverStatus.ACCEPTED
    [entry] = desk.uow.find(AuditEntry, case_id=case.id, action="handover_accepted")
    assert entry.detail["from_owner_id"] == desk.agent.id


def test_only_the_named_colleague_may_accept(desk: Desk) -> None:
    case = desk.open()
    handover = offer_handover(desk.uow, desk.agent, case.id, desk.other_agent.id, now=MONDAY)
    with pytest.raises(Forbidden):
        accept_handover(desk.uow, desk.specialist, handover.id, now=MONDAY)
    with pytest.raises(Forbidden):
        accept_handover(desk.uow, desk.agent, handover.id, now=MONDAY)
    assert case.owner_id == desk.agent.id


def test_only_the_owner_offers_a_handover(desk: Desk) -> None:
    case = desk.open()
    with pytest.raises(Forbidden):
        offer_handover(desk.uow, desk.other_agent, case.id, desk.other_agent.id, now=MONDAY)


def test_declined_handover_leaves_the_owner(desk: Desk) -> None:
    case = desk.open()
    handover = offer_handover(desk.uow, desk.agent, case.id, desk.other_agent.id, now=MONDAY)
    decline_handover(desk.uow, desk.other_agent, handover.id, note="on leave", now=MONDAY)
    assert case.owner_id == desk.agent.id and handover.status == HandoverStatus.DECLINED
    with pytest.raises(Conflict):
        accept_handover(desk.uow, desk.other_agent, handover.id, now=MONDAY)


def test_one_pending_handover_at_a_time_and_owner_may_withdraw(desk: Desk) -> None:
    case = desk.open()
    first = offer_handover(desk.uow, desk.agent, case.id, desk.other_agent.id, now=MONDAY)
    with pytest.raises(Conflict):
        offer_handover(desk.uow, desk.agent, case.id, desk.specialist.id, now=MONDAY)
    withdraw_handover(desk.uow, desk.agent, first.id, now=MONDAY)
    second = offer_handover(desk.uow, desk.agent, case.id, desk.specialist.id, now=MONDAY)
    assert second.status == HandoverStatus.OFFERED


def test_cannot_hand_over_to_a_customer(desk: Desk) -> None:
    case = desk.open()
    with pytest.raises(Invalid):
        offer_handover(desk.uow, desk.agent, case.id, desk.ann_login.id, now=MONDAY)


def test_stale_version_is_a_conflict_naming_both_versions(desk: Desk) -> None:
    case = desk.open()
    acknowledge(desk.uow, desk.agent, case.id, now=MONDAY)
    desk.uow.commit()
    with pytest.raises(Conflict) as err:
        offer_handover(desk.uow, desk.agent, case.id, desk.other_agent.id,
                       expected_version=1, now=MONDAY)
    assert err.value.details == {"expected_version": 1, "current_version": 2}
