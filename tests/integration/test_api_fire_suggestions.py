"""Suggested fires over HTTP: N similar cases within D days make a suggestion a lead
opens as a fire (cases linked) or dismisses; agents and customers cannot."""

from __future__ import annotations

from typing import Any

from api_support import API, Desk, api_fixture, desk_fixture, error, open_case  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient

JUG = ["the jug of my blender cracked", "cracked blender jug",
       "Blender jug has a crack in it after a week", "My blender's jug is cracking",
       "Crack in the blender jug"]


def _cases(api: TestClient, desk: Desk, natures: list[str]) -> list[str]:
    return [open_case(api, desk.agent, nature=n)["ref"] for n in natures]


def _suggestions(api: TestClient, who: Any) -> Any:
    response = api.get(f"{API}/fire-suggestions", headers=who.auth)
    assert response.status_code == 200, response.text
    return response.json()


def test_similar_cases_make_a_suggestion_a_lead_opens_as_a_fire(
    api: TestClient, desk: Desk
) -> None:
    refs = _cases(api, desk, [*JUG, "My order is late", "Please close my account"])
    found = _suggestions(api, desk.lead)
    assert (found["min_cases"], found["days"]) == (5, 7)
    [suggestion] = found["items"]
    assert suggestion["key"] == "blender crack jug"
    assert [c["ref"] for c in suggestion["cases"]] == refs[:5]
    assert api.get(f"{API}/fire-suggestions", headers=desk.agent.auth).status_code == 403
    refused = api.post(f"{API}/fire-suggestions/open", headers=desk.agent.auth,
                       json={"key": suggestion["key"]})
    assert refused.status_code == 403
    opened = api.post(f"{API}/fire-suggestions/open", headers=desk.lead.auth,
                      json={"key": suggestion["key"], "title": "Cracked blender jugs"})
    assert opened.status_code == 201, opened.text
    fire = opened.json()
    assert fire["title"] == "Cracked blender jugs"
    linked = api.get(f"{API}/cases?fire_id={fire['id']}&limit=50", headers=desk.lead.auth)
    assert sorted(c["ref"] for c in linked.json()["items"]) == sorted(refs[:5])
    assert _suggestions(api, desk.lead)["items"] == []
    again = api.post(f"{API}/fire-suggestions/open", headers=desk.lead.auth,
                     json={"key": suggestion["key"]})
    assert again.status_code == 409 and error(again)["details"]["key"] == "blender crack jug"
    later = open_case(api, desk.agent, nature="Blender jug cracked after one use")
    assert later["fire_id"] == fire["id"]


def test_a_dismissed_suggestion_stays_away_for_its_cases(api: TestClient, desk: Desk) -> None:
    refs = _cases(api, desk, JUG)
    [suggestion] = _suggestions(api, desk.lead)["items"]
    ids = [c["case_id"] for c in suggestion["cases"]]
    dismissed = api.post(f"{API}/fire-suggestions/dismiss", headers=desk.lead.auth,
                         json={"key": suggestion["key"], "case_ids": ids})
    assert dismissed.status_code == 200 and dismissed.json()["case_ids"] == ids
    assert _suggestions(api, desk.lead)["items"] == []
    trail = api.get(f"{API}/cases/{refs[0]}/audit", headers=desk.lead.auth)
    assert "fire_suggestion_dismissed" in {e["action"] for e in trail.json()["items"]}


def test_thresholds_are_a_lead_s_setting(api: TestClient, desk: Desk) -> None:
    _cases(api, desk, JUG[:3])
    assert _suggestions(api, desk.lead)["items"] == []
    by_agent = api.put(f"{API}/fire-suggestions/thresholds", headers=desk.agent.auth,
                       json={"min_cases": 3, "days": 7})
    assert by_agent.status_code == 403
    bad = api.put(f"{API}/fire-suggestions/thresholds", headers=desk.lead.auth,
                  json={"min_cases": 1, "days": 365})
    assert bad.status_code == 422
    ok = api.put(f"{API}/fire-suggestions/thresholds", headers=desk.lead.auth,
                 json={"min_cases": 3, "days": 2})
    assert ok.status_code == 200 and ok.json() == {"min_cases": 3, "days": 2}
    shown = api.get(f"{API}/fire-suggestions/thresholds", headers=desk.agent.auth).json()
    assert shown == {"min_cases": 3, "days": 2}
    assert len(_suggestions(api, desk.lead)["items"]) == 1
