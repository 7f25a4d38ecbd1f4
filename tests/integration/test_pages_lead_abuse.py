"""The lead console's abuse pages over HTTP, on SQLite and PostgreSQL: the policy a lead
saves is the one agents read (history kept, a mistake keeps what was typed), and every
ended conversation is listed for the leads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api_support import API, PASSWORD, Desk, api_fixture, desk_fixture  # noqa: F401
from test_pages_lead_console import ALERT, STATUS, _post, _token, lead_fixture  # noqa: F401

from frontliner.store import abuse_queries
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]


def test_the_policy_a_lead_saves_is_what_agents_read_and_versions_are_kept(
    lead: Any, desk: Desk, uow_factory: UowFactory
) -> None:
    shipped = lead.get("/lead/abuse-policy").text
    assert "The policy Frontliner ships" in shipped and "<h4>What is not abuse</h4>" in shipped

    empty = _post(lead, "/lead/abuse-policy", {"body": "   ", "note": "oops, kept"})
    assert empty.status_code == 422 and "the text of the policy" in ALERT.findall(empty.text)[0]
    assert 'value="oops, kept"' in empty.text

    text = "# Our line\n\nNo threats, no slurs. <img src=x onerror=alert(1)>"
    saved = _post(lead, "/lead/abuse-policy", {"body": text, "note": "shorter"})
    assert STATUS.findall(saved.text)[0].startswith("Policy saved")
    assert "Written by Lee Lead" in saved.text and "<h3>Our line</h3>" in saved.text
    assert "<img" not in saved.text and "&lt;img src=x onerror=alert(1)&gt;" in saved.text
    assert "(in force)" in saved.text
    with uow_factory() as uow:
        assert abuse_queries.current_policy(uow.session).policy.body == text
    agent_reads = lead.get(f"{API}/abuse-policy", headers=desk.agent.auth).json()
    assert agent_reads["body"] == text


def test_ended_conversations_are_listed_for_the_leads(lead: Any, desk: Desk) -> None:
    case = lead.post(f"{API}/cases", headers=desk.agent.auth, json={
        "nature": "charged twice", "customer_name": "Ann Lee", "contact": "ann@example.com"}
    ).json()
    said = lead.post(f"{API}/cases/{case['ref']}/messages", headers=desk.ann.auth,
                     json={"body": "You are a pathetic moron, refund me."}).json()
    assert lead.post(f"{API}/cases/{case['ref']}/end-conversation", headers=desk.agent.auth,
                     json={"interaction_id": said["id"], "reason": "Insults <b>again</b>"}
                     ).status_code == 201
    page = lead.get("/lead/abuse").text
    assert case["ref"] in page and "Conversation ended" in page and "Sam Agent" in page
    assert "Insults &lt;b&gt;again&lt;/b&gt;" in page and "insult" in page
    assert case["ref"] not in lead.get("/lead/abuse?action=reported").text


def test_only_leads_open_the_abuse_pages(api: Any, desk: Desk) -> None:
    token = _token(api.get("/login").text)
    api.post("/login", data={"email": desk.agent2.email, "password": PASSWORD,
                             "csrf_token": token})
    for path in ("/lead/abuse", "/lead/abuse-policy"):
        assert api.get(path).status_code == 403
