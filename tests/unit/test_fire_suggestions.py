"""Suggested fires: similar cases piling up within the window, opened with one click,
dismissed for good; later cases about the same problem join the fire at intake."""

from __future__ import annotations

import pytest

from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.fire_suggestions import (
    Thresholds,
    dismiss_suggestion,
    open_suggested_fire,
    set_thresholds,
    suggested_fires,
    thresholds,
)
from frontliner.desk.firelog import link_case, start_fire
from frontliner.desk.model import AuditEntry, Case
from tests.unit.conftest import Desk

JUG = ["the jug of my blender cracked", "cracked blender jug",
       "Blender jug has a crack in it after a week", "My blender's jug is cracking",
       "Crack in the blender jug", "blender jugs crack after two uses"]
OTHERS = ["My order is late", "Please close my account", "Blender lid cracked",
          "Delivery is very late"]


def _open_all(desk: Desk, natures: list[str], hours: float = 1) -> list[Case]:
    opened = []
    for nature in natures:
        desk.later(hours=hours)
        opened.append(desk.open(nature=nature))
    return opened


def test_five_similar_cases_within_the_week_make_a_suggestion(desk: Desk) -> None:
    cases = _open_all(desk, JUG[:5] + OTHERS)
    [group] = suggested_fires(desk.uow, desk.lead, now=desk.now)
    assert group.key == "blender crack jug"
    assert [c.case_id for c in group.cases] == [c.id for c in cases[:5]]


def test_four_similar_cases_make_no_suggestion(desk: Desk) -> None:
    _open_all(desk, JUG[:4] + OTHERS[:2])
    assert suggested_fires(desk.uow, desk.lead, now=desk.now) == []


def test_cases_older_than_the_window_do_not_count(desk: Desk) -> None:
    _open_all(desk, JUG[:5], hours=45)  # the first is eight days old
    assert suggested_fires(desk.uow, desk.lead, now=desk.now) == []
    set_thresholds(desk.uow, desk.lead, min_cases=5, days=10, now=desk.now)
    assert len(suggested_fires(desk.uow, desk.lead, now=desk.now)) == 1


def test_a_lead_sets_the_thresholds_within_bounds(desk: Desk) -> None:
    assert thresholds(desk.uow) == Thresholds(5, 7)
    set_thresholds(desk.uow, desk.lead, min_cases=3, days=2, now=desk.now)
    assert thresholds(desk.uow) == Thresholds(3, 2)
    with pytest.raises(Invalid) as err:
        set_thresholds(desk.uow, desk.lead, min_cases=1, days=0, now=desk.now)
    assert set(err.value.fields) == {"min_cases", "days"}
    with pytest.raises(Forbidden):
        set_thresholds(desk.uow, desk.agent, min_cases=3, days=2, now=desk.now)


def test_agents_do_not_see_or_act_on_suggestions(desk: Desk) -> None:
    _open_all(desk, JUG[:5])
    with pytest.raises(Forbidden):
        suggested_fires(desk.uow, desk.agent, now=desk.now)
    with pytest.raises(Forbidden):
        open_suggested_fire(desk.uow, desk.agent, "blender crack jug", now=desk.now)
    with pytest.raises(Forbidden):
        dismiss_suggestion(desk.uow, desk.agent, "blender crack jug", now=desk.now)


def test_opening_a_suggestion_logs_the_fire_and_links_every_case(desk: Desk) -> None:
    cases = _open_all(desk, JUG[:5])
    fire = open_suggested_fire(desk.uow, desk.lead, "blender crack jug", now=desk.now)
    assert fire.key == "blender crack jug" and fire.title == "cracked blender jug"
    assert {c.fire_id for c in cases} == {fire.id}
    assert suggested_fires(desk.uow, desk.lead, now=desk.now) == []
    later = desk.open(nature="Blender jug cracked down the side on first use")
    assert later.fire_id == fire.id


def test_a_suggestion_opens_under_the_lead_s_title(desk: Desk) -> None:
    _open_all(desk, JUG[:5])
    fire = open_suggested_fire(desk.uow, desk.lead, "blender crack jug",
                               title="  Cracked X200 blender jugs ", now=desk.now)
    assert fire.title == "Cracked X200 blender jugs" and fire.key == "blender crack jug"


def test_a_suggestion_that_is_gone_is_a_conflict(desk: Desk) -> None:
    _open_all(desk, JUG[:5])
    open_suggested_fire(desk.uow, desk.lead, "blender crack jug", now=desk.now)
    with pytest.raises(Conflict):
        open_suggested_fire(desk.uow, desk.lead, "blender crack jug", now=desk.now)


def test_a_dismissed_suggestion_does_not_come_back_for_the_same_cases(desk: Desk) -> None:
    cases = _open_all(desk, JUG[:5])
    dismissed = dismiss_suggestion(desk.uow, desk.lead, "blender crack jug", now=desk.now)
    assert len(dismissed.cases) == 5
    assert suggested_fires(desk.uow, desk.lead, now=desk.now) == []
    _open_all(desk, JUG[5:])  # one more: not enough on its own
    assert suggested_fires(desk.uow, desk.lead, now=desk.now) == []
    trail = [e for e in desk.uow.all(AuditEntry) if e.case_id == cases[0].id]
    assert trail[-1].action == "fire_suggestion_dismissed" and trail[-1].actor_id == desk.lead.id


def test_dismissing_only_the_cases_the_lead_saw(desk: Desk) -> None:
    cases = _open_all(desk, JUG)
    seen = {c.id for c in cases[:5]}
    dismissed = dismiss_suggestion(desk.uow, desk.lead, "blender crack jug", case_ids=seen,
                                   now=desk.now)
    assert {c.case_id for c in dismissed.cases} == seen
    set_thresholds(desk.uow, desk.lead, min_cases=2, days=7, now=desk.now)
    _open_all(desk, ["Crack in my blender jug"])
    [group] = suggested_fires(desk.uow, desk.lead, now=desk.now)
    assert cases[5].id in {c.case_id for c in group.cases}


def test_a_case_arriving_after_a_fire_was_logged_by_hand_is_linked(desk: Desk) -> None:
    fire = start_fire(desk.uow, desk.lead, "Cracked blender jug", now=desk.now)
    desk.later(days=1)
    case = desk.open(nature="The jug of my new blender has a crack")
    assert case.fire_id == fire.id
    unrelated = desk.open(nature="Blender lid cracked")
    assert unrelated.fire_id is None


def test_linked_cases_are_not_suggested_again(desk: Desk) -> None:
    fire = start_fire(desk.uow, desk.lead, "Coffee machine leaking", now=desk.now)
    desk.later(hours=1)
    cases = _open_all(desk, JUG[:5])
    link_case(desk.uow, desk.lead, fire.id, cases[0].id, now=desk.now)
    assert suggested_fires(desk.uow, desk.lead, now=desk.now) == []
