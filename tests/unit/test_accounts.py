"""Administering accounts in the desk: every change leaves an audit entry, only admins
may, reactivation and renaming a team."""

from __future__ import annotations

import pytest

from frontliner.desk import accounts
from frontliner.desk.errors import Conflict, Forbidden
from frontliner.desk.model import AccountAuditEntry, Role
from tests.unit.conftest import Desk


def trail(desk: Desk) -> list[tuple[str, int | None, dict[str, object]]]:
    return [(e.action, e.actor_id, e.detail) for e in desk.uow.find(AccountAuditEntry)]


def test_role_team_and_skill_changes_are_audited_with_before_and_after(desk: Desk) -> None:
    team = accounts.add_team(desk.uow, desk.admin, "Returns", now=desk.now)
    accounts.change_role(desk.uow, desk.admin, desk.agent.id or 0, Role.LEAD, now=desk.now)
    accounts.move_to_team(desk.uow, desk.admin, desk.agent.id or 0, team.id, now=desk.now)
    accounts.change_skills(desk.uow, desk.lead, desk.agent.id or 0, ["Refunds"], now=desk.now)
    assert trail(desk) == [
        ("team_added", desk.admin.id, {"name": "Returns"}),
        ("role_changed", desk.admin.id, {"before": "agent", "after": "lead"}),
        ("team_changed", desk.admin.id, {"before": None, "after": team.id}),
        ("skills_changed", desk.lead.id, {"before": ["billing"], "after": ["refunds"]}),
    ]


def test_nothing_changed_records_nothing(desk: Desk) -> None:
    accounts.change_role(desk.uow, desk.admin, desk.agent.id or 0, Role.AGENT, now=desk.now)
    assert trail(desk) == []


def test_deactivated_user_is_reactivated_by_an_admin_only(desk: Desk) -> None:
    accounts.deactivate(desk.uow, desk.admin, desk.other_agent.id or 0, now=desk.now)
    with pytest.raises(Forbidden):
        accounts.reactivate(desk.uow, desk.lead, desk.other_agent.id or 0, now=desk.now)
    accounts.reactivate(desk.uow, desk.admin, desk.other_agent.id or 0, now=desk.now)
    assert desk.other_agent.active
    with pytest.raises(Conflict):
        accounts.reactivate(desk.uow, desk.admin, desk.other_agent.id or 0, now=desk.now)
    assert [a for a, _, _ in trail(desk)] == ["deactivated", "reactivated"]


def test_a_team_is_renamed_by_an_admin_to_a_free_name(desk: Desk) -> None:
    returns = accounts.add_team(desk.uow, desk.admin, "Returns", now=desk.now)
    accounts.add_team(desk.uow, desk.admin, "Billing", now=desk.now)
    with pytest.raises(Conflict):
        accounts.rename_team(desk.uow, desk.admin, returns.id or 0, "Billing", now=desk.now)
    with pytest.raises(Forbidden):
        accounts.rename_team(desk.uow, desk.agent, returns.id or 0, "Mine", now=desk.now)
    accounts.rename_team(desk.uow, desk.admin, returns.id or 0, "  Returns   desk ",
                         now=desk.now)
    assert returns.name == "Returns desk"
    assert trail(desk)[-1][2] == {"before": "Returns", "after": "Returns desk"}
