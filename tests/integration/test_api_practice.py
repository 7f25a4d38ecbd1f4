"""Practice over the API, on SQLite and PostgreSQL: attempts and progress are the
agent's own; leads write scenarios (the model answer must pass) and turn a resolved case
into one with the customer's details removed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from api_support import Desk, Login, api_fixture, desk_fixture, error  # noqa: F401
from practice_support import PASSING_ANSWER, resolved_case

from frontliner.desk import intake
from frontliner.desk.model import Case, User
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]
KEY = "late-parcel-birthday"
MODEL = ("I'm sorry the blender arrived broken, and thank you for the photo. I've sent a new "
         "one today; it arrives on Thursday. Shall I book a courier to collect the old one?")


def _h(who: Login) -> dict[str, str]:
    return who.auth


def test_attempts_are_graded_and_progress_is_each_agents_own(api: Any, desk: Desk) -> None:
    before = api.get(f"/api/v1/practice/scenarios/{KEY}", headers=_h(desk.agent)).json()
    assert "model_answer" not in before["scenario"] and "bad_answer" not in before["scenario"]
    assert before["empowerment"]["stated_by_scenario"] is True
    bad = api.post(f"/api/v1/practice/scenarios/{KEY}/attempts", headers=_h(desk.agent),
                   json={"reply": "It's the courier's fault, it should arrive soon."})
    assert bad.status_code == 201
    body = bad.json()
    assert body["passed"] is False and body["model_answer"]
    rules = {f["rule"] for f in body["grade"]["findings"]}
    assert {"blame", "guess"} <= rules
    assert all(f["why"] and f["seed"] for f in body["grade"]["findings"])
    listing = api.get("/api/v1/practice/scenarios", headers=_h(desk.agent)).json()
    mine = next(i for i in listing["items"] if i["key"] == KEY)
    assert mine["progress"] == {"attempts": 1, "best_score": body["score"], "passed": False}
    theirs = api.get("/api/v1/practice/scenarios", headers=_h(desk.agent2)).json()
    assert next(i for i in theirs["items"] if i["key"] == KEY)["progress"] is None
    assert len(listing["items"]) >= 30
    after = api.get(f"/api/v1/practice/scenarios/{KEY}", headers=_h(desk.agent)).json()
    assert after["scenario"]["model_answer"]


def test_bad_input_gets_clear_errors(api: Any, desk: Desk) -> None:
    empty = api.post(f"/api/v1/practice/scenarios/{KEY}/attempts", headers=_h(desk.agent),
                     json={"reply": "  "})
    assert empty.status_code == 422 and "Write a reply" in error(empty)["message"]
    assert api.get("/api/v1/practice/scenarios/nope", headers=_h(desk.agent)).status_code == 404
    written = api.post("/api/v1/practice/scenarios", headers=_h(desk.agent), json={})
    assert written.status_code in (403, 422)


def _scenario(model: str) -> dict[str, Any]:
    return {"title": "Broken blender", "situation": "A blender arrived broken.",
            "thread": [{"from": "customer", "text": "My new blender arrived with a cracked jug."}],
            "expectations": [{"label": "Sends a new one", "any": ["new one|replac"]}],
            "model_answer": model}


def test_lead_writes_a_scenario_only_with_a_passing_model_answer(api: Any, desk: Desk) -> None:
    refused = api.post("/api/v1/practice/scenarios", headers=_h(desk.lead),
                       json=_scenario("We can't do that."))
    assert refused.status_code == 422 and "model answer" in error(refused)["message"]
    saved = api.post("/api/v1/practice/scenarios", headers=_h(desk.lead), json=_scenario(MODEL))
    assert saved.status_code == 201
    key = saved.json()["key"]
    assert key.startswith("desk-")
    agents = api.get("/api/v1/practice/scenarios", headers=_h(desk.agent)).json()["items"]
    assert any(i["key"] == key for i in agents)
    graded = api.post(f"/api/v1/practice/scenarios/{key}/attempts", headers=_h(desk.agent),
                      json={"reply": MODEL})
    assert graded.json()["passed"] is True
    assert api.post(f"/api/v1/practice/scenarios/{key}/archive",
                    headers=_h(desk.agent)).status_code == 403
    assert api.post(f"/api/v1/practice/scenarios/{key}/archive",
                    headers=_h(desk.lead)).status_code == 200
    assert api.get(f"/api/v1/practice/scenarios/{key}", headers=_h(desk.agent)).status_code == 404


@pytest.fixture(name="closed_case")
def closed_case_fixture(uow_factory: UowFactory, desk: Desk) -> Case:
    return resolved_case(uow_factory, desk)


def test_lead_turns_a_resolved_case_into_a_scenario_without_the_customers_details(
    api: Any, desk: Desk, closed_case: Case
) -> None:
    ref = closed_case.ref
    assert api.get(f"/api/v1/practice/cases/{ref}/draft",
                   headers=_h(desk.agent)).status_code == 403
    draft = api.get(f"/api/v1/practice/cases/{ref}/draft", headers=_h(desk.lead))
    assert draft.status_code == 200
    text = json.dumps(draft.json()["scenario"])
    for detail in ("Zofia", "Brandt", "zofia.brandt@example.org", "7946", "48213",
                   "Larch Lane", "LS6 2AB", ref, "Sam"):
        assert detail not in text, detail
    assert "[customer]" in text and "[e-mail]" in text and "[phone]" in text
    assert draft.json()["removed"]["email"] >= 1
    scenario = draft.json()["scenario"]
    scenario["model_answer"] = PASSING_ANSWER
    leaked = {**scenario, "title": "Zofia's double charge"}
    refused = api.post(f"/api/v1/practice/cases/{ref}/scenario", headers=_h(desk.lead),
                       json=leaked)
    assert refused.status_code == 422 and "Zofia" in error(refused)["message"]
    saved = api.post(f"/api/v1/practice/cases/{ref}/scenario", headers=_h(desk.lead),
                     json=scenario)
    assert saved.status_code == 201, saved.text
    stored = json.dumps(saved.json()["scenario"])
    assert "Zofia" not in stored and "zofia.brandt@example.org" not in stored
    assert saved.json()["origin"] == "case"


def test_only_a_resolved_case_becomes_a_scenario(api: Any, desk: Desk,
                                                 uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        agent = uow.get(User, desk.agent.id)
        case = intake.open_case(uow, agent, nature="Still open", customer_name="Al Bo",
                                contact="al@example.org")
        uow.commit()
    answer = api.get(f"/api/v1/practice/cases/{case.ref}/draft", headers=_h(desk.lead))
    assert answer.status_code == 409
