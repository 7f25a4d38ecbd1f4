"""Practice on the pages, on SQLite and PostgreSQL: a new agent is welcomed to practice
once, answers a scenario, is graded by the coach with each finding explained, sees the
model answer after the attempt, tries again and passes; progress is kept per agent."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from api_support import PASSWORD, Desk, api_fixture, desk_fixture  # noqa: F401
from fastapi.testclient import TestClient
from practice_support import PASSING_ANSWER, resolved_case

from frontliner.desk.practice.library import library_scenario

KEY = "double-charge-card"
BAD = "We are unable to refund payments from here."


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _sign_in(api: Any, email: str) -> tuple[TestClient, Any]:
    client = TestClient(api.app)
    token = _token(client.get("/login").text)
    answer = client.post("/login", data={"email": email, "password": PASSWORD,
                                         "csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303
    return client, answer


def _attempt(client: TestClient, reply: str) -> Any:
    token = _token(client.get(f"/practice/{KEY}").text)
    return client.post(f"/practice/{KEY}/attempts", data={"body": reply, "csrf_token": token})


def test_a_new_agent_is_welcomed_to_practice_on_the_first_sign_in_only(
    api: Any, desk: Desk
) -> None:
    _, first = _sign_in(api, desk.agent2.email)
    assert first.headers["location"] == "/practice?welcome=1"
    client, again = _sign_in(api, desk.agent2.email)
    assert again.headers["location"] == "/work"
    page = client.get("/practice?welcome=1")
    assert "Welcome to the desk" in page.text and 'id="welcome-start"' in page.text
    _, lead = _sign_in(api, desk.lead.email)
    assert lead.headers["location"] == "/work"


def test_agent_is_graded_sees_the_model_answer_tries_again_and_passes(
    api: Any, desk: Desk
) -> None:
    client, _ = _sign_in(api, desk.agent2.email)
    scenario = library_scenario(KEY)
    assert scenario is not None
    before = client.get(f"/practice/{KEY}")
    assert "two payments of 38.00" in before.text and 'id="model-answer"' not in before.text
    assert "Stated by this scenario" in before.text and "Duplicate payments" in before.text
    failed = _attempt(client, BAD)
    assert failed.status_code == 200 and "?attempt=" in str(failed.url)
    assert "Not passed yet" in failed.text and 'data-rule="cant"' in failed.text
    assert "Why it matters:" in failed.text and "000_4fd93583525eb211.txt" in failed.text
    assert 'id="model-answer"' in failed.text and "three to five" in failed.text
    assert BAD in failed.text  # the composer keeps the reply to improve it
    passed = _attempt(client, scenario.model_answer)
    assert "✔ Passed" in passed.text
    listing = client.get("/practice")
    row = re.search(rf'<tr data-key="{KEY}">.*?</tr>', listing.text, re.S)
    assert row and "✔ passed" in row.group() and "2 attempts" in row.group()
    other, _ = _sign_in(api, desk.lead.email)
    row = re.search(rf'<tr data-key="{KEY}">.*?</tr>', other.get("/practice").text, re.S)
    assert row and "not tried" in row.group()


def test_live_coach_and_empty_or_unknown_input_get_clear_answers(api: Any, desk: Desk) -> None:
    client, _ = _sign_in(api, desk.agent2.email)
    token = _token(client.get(f"/practice/{KEY}").text)
    live = client.post(f"/practice/{KEY}/coach", data={"body": BAD, "csrf_token": token})
    assert live.status_code == 200 and 'data-rule="cant"' in live.text
    assert f"/practice/{KEY}/coach/apply" in live.text
    found = re.search(r'data-rule="cant".*?hx-vals=\'([^\']+)\'', live.text, re.S)
    assert found
    chosen = json.loads(html.unescape(found.group(1)))
    used = client.post(f"/practice/{KEY}/coach/apply",
                       data={"body": BAD, "csrf_token": token, **chosen})
    assert "Suggestion used" in used.text and 'id="practice-form"' in used.text
    assert "unable to refund" not in used.text.split('id="draft"')[1].split("</textarea>")[0]
    empty = _attempt(client, "   ")
    assert empty.status_code == 422 and "Write a reply first" in empty.text
    assert client.get("/practice/no-such-thing").status_code == 404
    assert client.get("/practice/desk-99999999").status_code == 404


def test_lead_turns_a_resolved_case_into_a_scenario_checking_the_text_first(
    api: Any, desk: Desk, uow_factory: Any
) -> None:
    case = resolved_case(uow_factory, desk)
    lead, _ = _sign_in(api, desk.lead.email)
    console = lead.get("/lead/practice")
    assert case.ref in console.text and "Practice scenarios" in console.text
    form = lead.get(f"/lead/practice/from-case/{case.ref}")
    assert form.status_code == 200 and 'id="removed-notice"' in form.text
    for detail in ("Zofia", "zofia.brandt@example.org", "7946 0958", "Larch Lane"):
        assert detail not in form.text.split('id="scenario-form"')[1], detail
    values = {"title": "Charged twice", "situation": "A customer was charged twice.",
              "channel": "email", "thread": "Customer: You charged my card twice for [ref].",
              "facts": "Payments: two of 38.00", "own_empowerment": "yes",
              "says": "refund", "model_answer": PASSING_ANSWER,
              "csrf_token": _token(form.text)}
    leaked = lead.post(f"/lead/practice/from-case/{case.ref}",
                       data={**values, "situation": "Zofia was charged twice."})
    assert leaked.status_code == 422 and "Nothing was saved" in leaked.text
    assert "Zofia was charged twice." in leaked.text  # what the lead typed is kept
    saved = lead.post(f"/lead/practice/from-case/{case.ref}", data=values)
    assert saved.status_code == 200 and "Saved “Charged twice”" in saved.text
    key = re.search(r'data-key="(desk-\d+)"', saved.text)
    assert key
    agent, _ = _sign_in(api, desk.agent2.email)
    page = agent.get(f"/practice/{key.group(1)}")
    assert "You charged my card twice" in page.text and "Zofia" not in page.text
    assert "Your own profile on this desk" in page.text


def test_lead_writes_a_scenario_and_a_failing_model_answer_is_refused(
    api: Any, desk: Desk
) -> None:
    lead, _ = _sign_in(api, desk.lead.email)
    token = _token(lead.get("/lead/practice/new").text)
    values = {"title": "Cold soup", "situation": "Soup arrived cold.", "channel": "chat",
              "thread": "Customer: My soup arrived cold.", "money_per_case": "10",
              "remedy_kinds": "refund", "model_answer": "No. We don't do refunds.",
              "csrf_token": token}
    refused = lead.post("/lead/practice/new", data=values)
    assert refused.status_code == 422 and "does not pass its own grade" in refused.text
    values["model_answer"] = ("I'm sorry your soup arrived cold, and thank you for telling us. "
                              "I've refunded it; you'll see it within three working days. "
                              "Would you like to order again with free delivery?")
    saved = lead.post("/lead/practice/new", data=values)
    assert "Saved “Cold soup”" in saved.text
    agent, _ = _sign_in(api, desk.agent2.email)
    assert agent.get("/lead/practice").status_code == 403
