"""Who gets a new case: only an agent who can sign in, is present, has room and the skill;
otherwise it waits in Unassigned, where an agent takes it or a lead gives it away."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontliner.desk import assignment
from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.escalation import escalate
from frontliner.desk.intake import open_case
from frontliner.desk.model import (
    AuditEntry,
    Case,
    CaseStatus,
    Channel,
    FollowUp,
    Handover,
    HandoverStatus,
    Presence,
    Role,
    Team,
)
from frontliner.desk.ownership import offer_handover
from frontliner.desk.presence import note_seen, set_capacity, set_presence
from frontliner.desk.unassigned import assign_case, take_case
from frontliner.desk.users import deactivate_user
from tests.unit.conftest import Desk


def _web_case(desk: Desk, skill: str | None = None) -> Case:
    """A case from the web form: nobody on the desk took it in."""
    case = open_case(desk.uow, None, nature="My blender jug cracked", customer_name="Dee",
                     contact="dee@example.com", channel=Channel.WEB, required_skill=skill,
                     now=desk.now)
    desk.uow.commit()
    return case


def _trail(desk: Desk, case: Case) -> list[AuditEntry]:
    return desk.uow.find(AuditEntry, case_id=case.id)


def test_an_agent_who_cannot_sign_in_never_gets_a_case(desk: Desk) -> None:
    desk.present(desk.agent)
    desk.agent.password_hash = None  # e.g. `frontliner user add --role agent`, no password
    case = _web_case(desk)
    assert case.owner_id is None
    assert case.status == CaseStatus.NEW


def test_a_case_nobody_can_take_waits_unassigned_and_the_trail_says_why(desk: Desk) -> None:
    case = _web_case(desk, skill="electrical")
    actions = [(e.action, e.detail.get("reason")) for e in _trail(desk, case)]
    assert actions[0] == ("opened", None)
    assert actions[1][0] == "left_unassigned"
    assert "skill 'electrical'" in actions[1][1]
    assert _trail(desk, case)[0].detail["owner_id"] is None


def test_away_and_offline_agents_get_no_new_cases(desk: Desk) -> None:
    desk.present(desk.agent, desk.other_agent)
    set_presence(desk.uow, desk.agent, "away", now=desk.now)
    set_presence(desk.uow, desk.other_agent, Presence.OFFLINE, now=desk.now)
    assert _web_case(desk).owner_id is None
    set_presence(desk.uow, desk.other_agent, "available", now=desk.now)
    assert _web_case(desk).owner_id == desk.other_agent.id


def test_an_agent_idle_longer_than_the_timeout_counts_as_offline(desk: Desk) -> None:
    desk.present(desk.agent)
    desk.later(minutes=assignment.IDLE_MINUTES + 1)
    assert assignment.present(desk.agent, desk.now, assignment.IDLE_MINUTES) is Presence.OFFLINE
    assert _web_case(desk).owner_id is None
    assignment.set_rules(desk.uow, desk.lead, idle_minutes=60, default_capacity=None,
                         now=desk.now)
    assert _web_case(desk).owner_id == desk.agent.id


def test_a_full_agent_is_passed_over_for_one_with_room(desk: Desk) -> None:
    desk.present(desk.agent, desk.other_agent)
    set_capacity(desk.uow, desk.lead, desk.agent.id, 1)
    set_capacity(desk.uow, desk.lead, desk.other_agent.id, 2)
    owners = [_web_case(desk).owner_id for _ in range(4)]
    # Avery (lower id) first, Blake next as least loaded, then Blake's second place.
    assert owners == [desk.agent.id, desk.other_agent.id, desk.other_agent.id, None]


def test_the_desks_default_capacity_applies_to_agents_without_their_own(desk: Desk) -> None:
    desk.present(desk.agent)
    assignment.set_rules(desk.uow, desk.lead, idle_minutes=15, default_capacity=1,
                         now=desk.now)
    assert _web_case(desk).owner_id == desk.agent.id
    assert _web_case(desk).owner_id is None
    set_capacity(desk.uow, desk.lead, desk.agent.id, 5)  # their own beats the default
    assert _web_case(desk).owner_id == desk.agent.id


def test_capacity_zero_means_no_automatic_cases(desk: Desk) -> None:
    desk.present(desk.agent, capacity=0)
    assert _web_case(desk).owner_id is None


def test_a_case_needing_a_skill_goes_only_to_an_agent_with_it(desk: Desk) -> None:
    desk.present(desk.agent, desk.other_agent)
    assert _web_case(desk, skill="electrical").owner_id is None
    desk.present(desk.specialist)
    assert _web_case(desk, skill="electrical").owner_id == desk.specialist.id


def test_the_least_loaded_present_agent_gets_the_case(desk: Desk) -> None:
    desk.present(desk.agent, desk.other_agent)
    desk.open(actor=desk.agent)
    assert _web_case(desk).owner_id == desk.other_agent.id
    assert desk.uow.assignment_locks == [desk.other_agent.id]  # held until commit


def test_staff_taking_a_case_in_own_it_whatever_their_presence(desk: Desk) -> None:
    case = desk.open(actor=desk.agent)  # offline, no capacity set
    assert case.owner_id == desk.agent.id
    assert desk.open(actor=desk.lead).owner_id == desk.lead.id


def test_an_agent_takes_an_unassigned_case_in_one_step(desk: Desk) -> None:
    case = _web_case(desk)
    take_case(desk.uow, desk.agent, case.id, now=desk.now)
    desk.uow.commit()
    assert case.owner_id == desk.agent.id
    assert [e.action for e in _trail(desk, case)][-1] == "taken"
    with pytest.raises(Conflict):
        take_case(desk.uow, desk.other_agent, case.id, now=desk.now)


def test_taking_a_case_needs_its_skill_unless_you_are_a_lead(desk: Desk) -> None:
    case = _web_case(desk, skill="electrical")
    with pytest.raises(Forbidden):
        take_case(desk.uow, desk.agent, case.id, now=desk.now)
    take_case(desk.uow, desk.specialist, case.id, now=desk.now)
    assert case.owner_id == desk.specialist.id


def test_a_taken_case_is_sized_for_its_new_owner(desk: Desk) -> None:
    case = _web_case(desk, skill="electrical")
    assert case.size.value == "small"  # sized for whoever takes it, who has the skill
    take_case(desk.uow, desk.lead, case.id, now=desk.now)  # the lead lacks the skill
    assert case.size.value == "big"
    assert any("'electrical'" in r and "Lee" in r for r in case.size_reasons)


def test_customers_cannot_take_cases(desk: Desk) -> None:
    case = _web_case(desk)
    with pytest.raises(Forbidden):
        take_case(desk.uow, desk.ann_login, case.id, now=desk.now)


def test_a_lead_assigns_an_unassigned_case_to_a_colleague_who_can_sign_in(desk: Desk) -> None:
    case = _web_case(desk)
    with pytest.raises(Invalid):  # Blake has no password: he could never open it
        assign_case(desk.uow, desk.lead, case.id, desk.other_agent.id, now=desk.now)
    desk.other_agent.password_hash = "set"
    assign_case(desk.uow, desk.lead, case.id, desk.other_agent.id, now=desk.now)
    assert case.owner_id == desk.other_agent.id  # away or full makes no difference here
    assigned = _trail(desk, case)[-1]
    assert assigned.action == "assigned" and assigned.actor_id == desk.lead.id
    assert assigned.detail["to_owner_id"] == desk.other_agent.id


def test_only_leads_assign_and_only_cases_without_an_owner(desk: Desk) -> None:
    desk.agent.password_hash = "set"
    case = _web_case(desk)
    with pytest.raises(Forbidden):
        assign_case(desk.uow, desk.agent, case.id, desk.agent.id, now=desk.now)
    owned = desk.open(actor=desk.other_agent)
    with pytest.raises(Conflict):
        assign_case(desk.uow, desk.lead, owned.id, desk.agent.id, now=desk.now)


def _team_lead(desk: Desk) -> None:
    team = Team(name="Kitchen")
    desk.uow.add(team)
    desk.uow.flush()
    for person in (desk.lead, desk.agent):
        person.team_id = team.id
    desk.lead.password_hash = "set"


def test_deactivating_an_agent_gives_their_open_cases_to_their_teams_lead(desk: Desk) -> None:
    _team_lead(desk)
    cases = [desk.open(actor=desk.agent) for _ in range(3)]
    escalate(desk.uow, desk.agent, cases[0].id, reason="needs a lead", details="broke twice",
             handler_id=desk.lead.id, now=desk.now)
    deactivate_user(desk.uow, desk.admin, desk.agent.id, now=desk.now)
    desk.uow.commit()
    assert [c.owner_id for c in cases] == [desk.lead.id] * 3
    assert all(c.returned_from_id == desk.agent.id for c in cases)
    returned = [e for e in desk.uow.all(AuditEntry) if e.action == "returned_to_lead"]
    assert len(returned) == 3 and "Avery's account was deactivated" in returned[0].detail["reason"]
    assert all(f.owner_id == desk.lead.id for f in desk.uow.all(FollowUp) if f.done_at is None)


def test_a_case_kept_to_reassign_is_given_on_by_a_lead(desk: Desk) -> None:
    _team_lead(desk)
    case = desk.open(actor=desk.agent)
    deactivate_user(desk.uow, desk.admin, desk.agent.id, now=desk.now)
    desk.other_agent.password_hash = "set"
    assign_case(desk.uow, desk.lead, case.id, desk.other_agent.id, now=desk.now)
    assert case.owner_id == desk.other_agent.id and case.returned_from_id is None


def test_escalations_a_departing_colleague_handles_go_back_to_a_lead(desk: Desk) -> None:
    _team_lead(desk)
    case = desk.open(actor=desk.other_agent, required_skill="billing")
    escalate(desk.uow, desk.other_agent, case.id, reason="billing expert", details="x",
             handler_id=desk.agent.id, now=desk.now)
    deactivate_user(desk.uow, desk.admin, desk.agent.id, now=desk.now)
    assert case.handler_id == desk.lead.id and case.owner_id == desk.other_agent.id
    assert _trail(desk, case)[-1].action == "handler_replaced"


def test_handovers_to_or_from_a_departing_colleague_are_withdrawn(desk: Desk) -> None:
    _team_lead(desk)
    theirs = desk.open(actor=desk.agent)
    to_them = desk.open(actor=desk.other_agent)
    offer_handover(desk.uow, desk.agent, theirs.id, desk.other_agent.id, now=desk.now)
    offer_handover(desk.uow, desk.other_agent, to_them.id, desk.agent.id, now=desk.now)
    deactivate_user(desk.uow, desk.admin, desk.agent.id, now=desk.now)
    assert {h.status for h in desk.uow.all(Handover)} == {HandoverStatus.WITHDRAWN}
    assert to_them.owner_id == desk.other_agent.id  # their offer never moved it


def test_a_departing_lead_never_takes_back_their_own_cases(desk: Desk) -> None:
    desk.lead.password_hash = "set"
    case = desk.open(actor=desk.lead)
    with pytest.raises(Conflict):  # no other lead or admin can sign in
        deactivate_user(desk.uow, desk.admin, desk.lead.id, now=desk.now)
    assert desk.lead.active and case.owner_id == desk.lead.id
    desk.admin.password_hash = "set"
    deactivate_user(desk.uow, None, desk.lead.id, now=desk.now)
    assert case.owner_id == desk.admin.id


def test_being_seen_is_written_at_most_once_a_minute(desk: Desk) -> None:
    assert note_seen(desk.agent, desk.now)
    assert not note_seen(desk.agent, desk.now + timedelta(seconds=30))
    assert note_seen(desk.agent, desk.now + timedelta(seconds=61))
    assert not note_seen(desk.ann_login, desk.now)  # customers have no presence


def test_presence_is_one_of_three_words_and_only_staff_have_it(desk: Desk) -> None:
    with pytest.raises(Invalid):
        set_presence(desk.uow, desk.agent, "busy", now=desk.now)
    with pytest.raises(Forbidden):
        set_presence(desk.uow, desk.ann_login, "available", now=desk.now)


def test_a_lead_sets_agents_capacity_and_an_admin_anyones(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        set_capacity(desk.uow, desk.agent, desk.other_agent.id, 3)
    with pytest.raises(Forbidden):
        set_capacity(desk.uow, desk.lead, desk.admin.id, 3)
    with pytest.raises(Invalid):
        set_capacity(desk.uow, desk.lead, desk.agent.id, -1)
    assert set_capacity(desk.uow, desk.lead, desk.agent.id, 3).capacity == 3
    assert set_capacity(desk.uow, desk.admin, desk.lead.id, None).capacity is None


def test_assignment_rules_are_a_leads_and_stay_in_bounds(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        assignment.set_rules(desk.uow, desk.agent, idle_minutes=5, default_capacity=None)
    with pytest.raises(Invalid):
        assignment.set_rules(desk.uow, desk.lead, idle_minutes=0, default_capacity=None)
    assignment.set_rules(desk.uow, desk.lead, idle_minutes=5, default_capacity=7)
    assert assignment.rules(desk.uow) == assignment.AssignmentRules(5, 7)
    assert desk.lead.role is Role.LEAD
