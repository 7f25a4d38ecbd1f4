"""The abuse policy flow through the REST API, on SQLite and PostgreSQL: the policy
(agents read, leads write, history kept), ending a conversation only over abuse, an
agent's own report needing a lead, the leads' list, and the case staying owned."""

from __future__ import annotations

from typing import Any

from api_support import API, Desk, api_fixture, desk_fixture, error, open_case  # noqa: F401

ABUSIVE = "You are a useless idiot. I was charged twice and nobody answers me."
FRUSTRATED = ("This is ridiculous, the third time I write and I am still charged twice!!! "
              "I will sue you and tell everyone on twitter.")
# Intimidation that the analyser does not read as abuse (a plain insult at staff it now
# catches), so staff report it themselves.
ATTACK = "I know where Kim from your team parks her car. Nice car."


def _customer_says(api: Any, desk: Desk, ref: str, body: str) -> dict[str, Any]:
    answer = api.post(f"{API}/cases/{ref}/messages", json={"body": body}, headers=desk.ann.auth)
    assert answer.status_code == 201, answer.text
    message: dict[str, Any] = answer.json()
    return message


def test_agents_read_the_policy_and_leads_write_versions_that_are_kept(
    api: Any, desk: Desk
) -> None:
    shipped = api.get(f"{API}/abuse-policy", headers=desk.agent.auth).json()
    assert shipped["shipped"] and shipped["id"] is None and "Doxxing" in shipped["body"]
    assert api.put(f"{API}/abuse-policy", json={"body": "No threats."},
                   headers=desk.agent.auth).status_code == 403
    assert api.get(f"{API}/abuse-policy", headers=desk.ann.auth).status_code == 403

    for text in ("# Ours\n\nNo threats.", "# Ours\n\nNo threats, <script>x</script> slurs."):
        saved = api.put(f"{API}/abuse-policy", json={"body": text, "note": "tightened"},
                        headers=desk.lead.auth)
        assert saved.status_code == 200, saved.text
    now = api.get(f"{API}/abuse-policy", headers=desk.agent.auth).json()
    assert now["written_by"] == "Lee Lead" and not now["shipped"] and now["note"] == "tightened"
    assert "<script>" not in now["html"] and "&lt;script&gt;" in now["html"]
    history = api.get(f"{API}/abuse-policy/history?limit=1", headers=desk.lead.auth).json()
    assert history["items"][0]["body"].endswith("slurs.") and history["next_cursor"]
    older = api.get(f"{API}/abuse-policy/history?cursor={history['next_cursor']}",
                    headers=desk.lead.auth).json()
    assert [v["body"] for v in older["items"]] == ["# Ours\n\nNo threats."]

    empty = api.put(f"{API}/abuse-policy", json={"body": "  "}, headers=desk.lead.auth)
    assert empty.status_code == 422 and error(empty)["details"]["fields"] == {
        "body": "the text of the policy"}


def test_ending_over_abuse_keeps_the_owner_and_the_lead_sees_the_report(
    api: Any, desk: Desk
) -> None:
    case = open_case(api, desk.agent)
    message = _customer_says(api, desk, case["ref"], ABUSIVE)
    seen = api.get(f"{API}/cases/{case['ref']}/abuse", headers=desk.agent.auth).json()
    flag = seen["flagged"][0]
    assert flag["interaction_id"] == message["id"] and flag["kinds"] == ["insult"]
    assert flag["may_end"] and flag["by_analyser"] and "insults aimed at people" in (
        flag["boundary_reply"])
    check = api.post(f"{API}/coach/check", headers=desk.agent.auth,
                     json={"draft": flag["boundary_reply"], "customer": ABUSIVE}).json()
    assert [f for f in check["findings"] if f["severity"] == "error"] == []

    no_reason = api.post(f"{API}/cases/{case['ref']}/end-conversation", headers=desk.agent.auth,
                         json={"interaction_id": message["id"], "reason": ""})
    assert no_reason.status_code == 422
    ended = api.post(f"{API}/cases/{case['ref']}/end-conversation", headers=desk.agent.auth,
                     json={"interaction_id": message["id"], "reason": "Insults after a boundary."})
    assert ended.status_code == 201, ended.text
    after = api.get(f"{API}/cases/{case['ref']}", headers=desk.agent.auth).json()
    assert after["case"]["owner_id"] == desk.agent.id
    assert after["case"]["status"] in ("new", "open")
    notice = [m for m in after["interactions"] if m["direction"] == "outbound"][-1]
    assert "stays open" in notice["body"] and "support@" in notice["body"]
    assert case["channel"] == "web" and notice["channel"] == "email"  # mailed by the outbox
    again = api.post(f"{API}/cases/{case['ref']}/end-conversation", headers=desk.agent.auth,
                     json={"interaction_id": message["id"], "reason": "again"})
    assert again.status_code == 409

    assert api.get(f"{API}/abuse-reports", headers=desk.agent.auth).status_code == 403
    rows = api.get(f"{API}/abuse-reports", headers=desk.lead.auth).json()["items"]
    assert len(rows) == 1 and rows[0]["case_ref"] == case["ref"]
    assert rows[0]["action"] == "ended" and rows[0]["kinds"] == ["insult"]
    assert rows[0]["by_name"] == "Sam Agent" and rows[0]["reason"] == "Insults after a boundary."
    assert rows[0]["message"] == ABUSIVE and rows[0]["owner_name"] == "Sam Agent"


def test_frustration_offers_no_ending_and_is_refused(api: Any, desk: Desk) -> None:
    case = open_case(api, desk.agent)
    message = _customer_says(api, desk, case["ref"], FRUSTRATED)
    assert message["analysis"]["frustration"] > 0.5 and not message["analysis"]["abuse"]
    seen = api.get(f"{API}/cases/{case['ref']}/abuse", headers=desk.agent.auth).json()
    assert seen["flagged"] == [] and seen["ended"] is None
    refused = api.post(f"{API}/cases/{case['ref']}/end-conversation", headers=desk.lead.auth,
                       json={"interaction_id": message["id"], "reason": "rude"})
    assert refused.status_code == 409 and "frustration" in error(refused)["message"]
    assert api.get(f"{API}/abuse-reports", headers=desk.lead.auth).json()["items"] == []


def test_an_agents_own_report_goes_to_the_leads_who_end_it(api: Any, desk: Desk) -> None:
    case = open_case(api, desk.agent)
    message = _customer_says(api, desk, case["ref"], ATTACK)
    assert not message["analysis"]["abuse"]
    path = f"{API}/cases/{case['ref']}"
    bad_kind = api.post(f"{path}/abuse-reports", headers=desk.agent.auth,
                        json={"interaction_id": message["id"], "kind": "rude", "reason": "x"})
    assert bad_kind.status_code == 422 and "kind" in error(bad_kind)["details"]["fields"]
    made = api.post(f"{path}/abuse-reports", headers=desk.agent.auth,
                    json={"interaction_id": message["id"], "kind": "harassment",
                          "reason": "Attacks a colleague by name, third time."})
    assert made.status_code == 201, made.text
    flag = api.get(f"{path}/abuse", headers=desk.agent.auth).json()["flagged"][0]
    assert flag["needs_lead"] and not flag["may_end"]
    assert api.post(f"{path}/end-conversation", headers=desk.agent.auth,
                    json={"interaction_id": message["id"], "reason": "x"}).status_code == 403
    rows = api.get(f"{API}/abuse-reports?action=reported", headers=desk.lead.auth).json()
    assert rows["items"][0]["kinds"] == ["harassment"] and not rows["items"][0]["by_analyser"]
    assert api.get(f"{path}/abuse", headers=desk.lead.auth).json()["flagged"][0]["may_end"]
    ended = api.post(f"{path}/end-conversation", headers=desk.lead.auth,
                     json={"interaction_id": message["id"], "reason": "I agree: harassment."})
    assert ended.status_code == 201
    assert api.get(path, headers=desk.lead.auth).json()["case"]["owner_id"] == desk.agent.id


def test_customers_and_other_customers_cannot_use_the_abuse_endpoints(
    api: Any, desk: Desk
) -> None:
    case = open_case(api, desk.agent)
    message = _customer_says(api, desk, case["ref"], ABUSIVE)
    path = f"{API}/cases/{case['ref']}"
    for who in (desk.ann, desk.bob):
        assert api.get(f"{path}/abuse", headers=who.auth).status_code == 403
        assert api.post(f"{path}/end-conversation", headers=who.auth, json={
            "interaction_id": message["id"], "reason": "x"}).status_code == 403
    elsewhere = open_case(api, desk.agent, nature="a second problem")
    wrong_case = api.post(f"{API}/cases/{elsewhere['ref']}/end-conversation",
                          headers=desk.agent.auth,
                          json={"interaction_id": message["id"], "reason": "x"})
    assert wrong_case.status_code == 404
