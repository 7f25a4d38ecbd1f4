from __future__ import annotations

import pytest

from frontliner.desk import access
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.model import Role
from frontliner.desk.ownership import accept_handover, offer_handover
from frontliner.desk.passwords import verify_password
from frontliner.desk.users import (
    create_team,
    create_user,
    deactivate_user,
    set_password,
    set_role,
    set_skills,
)
from tests.unit.conftest import MONDAY, Desk


def test_customer_sees_only_their_own_cases(desk: Desk) -> None:
    case = desk.open()
    assert access.load_case(desk.uow, desk.ann_login, case.id) is case
    with pytest.raises(NotFound):
        access.load_case(desk.uow, desk.bob_login, case.id)
    with pytest.raises(NotFound):
        access.load_case_by_ref(desk.uow, desk.bob_login, case.ref)
    with pytest.raises(NotFound):
        access.load_customer(desk.uow, desk.bob_login, desk.ann.id)


def test_deactivated_user_sees_nothing(desk: Desk) -> None:
    case = desk.open(actor=desk.other_agent)
    handover = offer_handover(desk.uow, desk.other_agent, case.id, desk.agent.id, now=MONDAY)
    accept_handover(desk.uow, desk.agent, handover.id, now=MONDAY)
    deactivate_user(desk.uow, desk.admin, desk.other_agent.id)
    with pytest.raises(NotFound):
        access.load_case(desk.uow, desk.other_agent, case.id)


def test_user_with_open_cases_cannot_be_deactivated_when_no_lead_can_take_them(
    desk: Desk,
) -> None:
    case = desk.open()  # the desk's lead and admin have no password: nobody can sign in
    with pytest.raises(Conflict) as refused:
        deactivate_user(desk.uow, desk.admin, desk.agent.id)
    assert refused.value.details == {"reason": "no_lead_available"}
    assert desk.agent.active and case.owner_id == desk.agent.id


def test_only_admins_create_users_and_customer_logins_need_a_record(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        create_user(desk.uow, desk.lead, name="X", email="x@desk.example", role=Role.AGENT)
    with pytest.raises(Invalid) as err:
        create_user(desk.uow, desk.admin, name="Cy", email="cy@example.com", role="customer")
    assert list(err.value.fields) == ["customer_id"]
    with pytest.raises(Conflict):
        create_user(desk.uow, desk.admin, name="Ann 2", email="ANN@example.com",
                    role=Role.CUSTOMER, customer_id=desk.ann.id)


def test_password_is_stored_hashed_and_must_be_long_enough(desk: Desk) -> None:
    with pytest.raises(Invalid):
        create_user(desk.uow, desk.admin, name="Pat", email="pat@desk.example",
                    role=Role.AGENT, password="short")
    user = create_user(desk.uow, desk.admin, name="Pat", email="pat@desk.example",
                       role=Role.AGENT, password="correct horse battery")
    assert user.password_hash and "correct horse" not in user.password_hash
    assert verify_password(user.password_hash, "correct horse battery")
    assert not verify_password(user.password_hash, "wrong horse battery")
    with pytest.raises(Forbidden):
        set_password(desk.uow, desk.agent, user.id, "another long one")


def test_teams_skills_and_roles(desk: Desk) -> None:
    team = create_team(desk.uow, desk.admin, "Returns")
    with pytest.raises(Conflict):
        create_team(desk.uow, desk.admin, "Returns")
    set_skills(desk.uow, desk.lead, desk.agent.id, ["Billing", "Returns ", "billing"])
    assert desk.agent.skills == ["billing", "returns"]
    set_role(desk.uow, desk.admin, desk.agent.id, Role.LEAD)
    assert desk.agent.role == Role.LEAD
    with pytest.raises(Invalid):
        set_role(desk.uow, desk.admin, desk.agent.id, Role.CUSTOMER)
    assert team.id is not None


def test_admin_puts_staff_in_a_team(desk: Desk) -> None:
    from frontliner.desk.users import set_team

    team = create_team(desk.uow, desk.admin, "Billing")
    set_team(desk.uow, desk.admin, desk.agent.id, team.id)
    assert desk.agent.team_id == team.id
    with pytest.raises(Invalid):
        set_team(desk.uow, desk.admin, desk.agent.id, 999)
    with pytest.raises(Forbidden):
        set_team(desk.uow, desk.lead, desk.agent.id, None)
