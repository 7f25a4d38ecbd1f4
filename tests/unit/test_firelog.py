from __future__ import annotations

import pytest

from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.firelog import (
    add_fire_note,
    fire_key,
    link_case,
    mark_fixed_for_good,
    start_fire,
)
from frontliner.desk.model import Kudos, KudosKind
from tests.unit.conftest import MONDAY, Desk


def test_similar_wordings_share_a_fire_key() -> None:
    same = fire_key("the login page is showing error 500 again!")
    assert fire_key("Login page shows error 500") == same
    assert fire_key("Parcel arrived damaged") != fire_key("Parcel arrived late")


def test_second_fire_with_the_same_signature_points_to_the_first(desk: Desk) -> None:
    fire = start_fire(desk.uow, desk.agent, "Login page shows error 500", now=MONDAY)
    with pytest.raises(Conflict) as err:
        start_fire(desk.uow, desk.other_agent, "Login page showing error 500", now=MONDAY)
    assert err.value.details == {"fire_id": fire.id}


def test_signed_note_keeps_time_problem_solution_author_and_links_the_case(desk: Desk) -> None:
    fire = start_fire(desk.uow, desk.agent, "Voucher codes rejected at checkout", now=MONDAY)
    case = desk.open(nature="my voucher does not work")
    note = add_fire_note(desk.uow, desk.agent, fire.id, problem="code rejected",
                         solution="apply it manually in billing", case_id=case.id, now=MONDAY)
    assert (note.at, note.author_id, note.problem, note.solution) == (
        MONDAY, desk.agent.id, "code rejected", "apply it manually in billing")
    assert case.fire_id == fire.id


def test_note_without_problem_or_solution_is_refused(desk: Desk) -> None:
    fire = start_fire(desk.uow, desk.agent, "Voucher codes rejected", now=MONDAY)
    with pytest.raises(Invalid) as err:
        add_fire_note(desk.uow, desk.agent, fire.id, problem="", solution=" ", now=MONDAY)
    assert set(err.value.fields) == {"problem", "solution"}


def test_fixed_for_good_credits_its_author(desk: Desk) -> None:
    fire = start_fire(desk.uow, desk.agent, "Voucher codes rejected", now=MONDAY)
    with pytest.raises(Forbidden):
        mark_fixed_for_good(desk.uow, desk.agent, fire.id, fix="patched", now=MONDAY)
    mark_fixed_for_good(desk.uow, desk.lead, fire.id, fix="checkout accepts lower case codes",
                        author_id=desk.other_agent.id, now=MONDAY)
    assert fire.fixed_for_good and fire.fixed_by_id == desk.other_agent.id
    [credit] = desk.uow.all(Kudos)
    assert credit.kind == KudosKind.FIX_CREDIT and credit.to_user_id == desk.other_agent.id
    assert credit.fire_id == fire.id
    with pytest.raises(Conflict):
        mark_fixed_for_good(desk.uow, desk.lead, fire.id, fix="again", now=MONDAY)


def test_customers_do_not_touch_the_fire_log(desk: Desk) -> None:
    fire = start_fire(desk.uow, desk.agent, "Voucher codes rejected", now=MONDAY)
    case = desk.open()
    with pytest.raises(Forbidden):
        link_case(desk.uow, desk.ann_login, fire.id, case.id, now=MONDAY)
