"""Cases over HTTP: intake, the list and its cursor, acknowledging, messages and notes,
handovers, the audit trail, and optimistic concurrency (ETag / If-Match -> 409)."""

from __future__ import annotations

from typing import Any

from api_support import API, Desk, api_fixture, desk_fixture, error, open_case  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient


def _get(api: TestClient, path: str, who: Any) -> dict[str, Any]:
    response = api.get(API + path, headers=who.auth)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_intake_names_every_missing_field(api: TestClient, desk: Desk) -> None:
    response = api.post(f"{API}/cases", headers=desk.agent.auth, json={"channel": "phone"})
    assert response.status_code == 422
    body = error(response)
    assert set(body["details"]["fields"]) == {"nature", "customer_name", "contact"}
    assert "nature of the problem" in body["message"]
    assert _get(api, "/cases", desk.admin)["items"] == []  # nothing half-created


def test_intake_captures_time_owner_and_a_private_reference(api: TestClient, desk: Desk) -> None:
    response = api.post(
        f"{API}/cases",
        headers=desk.agent.auth,
        json={
            "nature": "charged twice",
            "customer_name": "Cat New",
            "contact": "+44 20 7946 0000",
            "channel": "phone",
            "message": "I see two charges on my card",
        },
    )
    assert response.status_code == 201
    case = response.json()
    assert case["status"] == "new" and case["owner_id"] == desk.agent.id
    assert case["opened_at"] and len(case["ref"]) >= 12
    assert response.headers["etag"] == f'"{case["version"]}"'
    assert response.headers["location"] == f"/api/v1/cases/{case['ref']}"
    detail = _get(api, f"/cases/{case['ref']}", desk.agent)
    assert detail["customer"]["name"] == "Cat New"
    assert [c["value"] for c in detail["contacts"]] == ["+442079460000"]
    assert [m["body"] for m in detail["interactions"]] == ["I see two charges on my card"]


def test_an_opened_case_is_the_json_every_other_read_of_it_gives(
    api: TestClient, desk: Desk
) -> None:
    # Intake writes its answer itself (one trip to the thread pool); it must be the same
    # document, field for field, as the list's CaseOut for that case.
    response = api.post(f"{API}/cases", headers=desk.agent.auth, json={
        "nature": "kettle leaks", "customer_name": "Zoë Ünal", "contact": "zoe@example.org",
        "people_involved": [{"name": "Ed", "contact": "ed@example.org"}],
        "problem_at": "2026-01-05T09:00:00Z"})
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    listed = [c for c in _get(api, "/cases", desk.agent)["items"]
              if c["ref"] == response.json()["ref"]]
    mine = response.json()
    assert {k: (v, listed[0].get(k)) for k, v in mine.items() if listed[0].get(k) != v} == {}
    assert listed == [mine]
    assert "Zoë Ünal".encode() in response.content  # UTF-8, as FastAPI writes it
    no_token = api.post(f"{API}/cases", json={"nature": "x", "customer_name": "y",
                                               "contact": "z@example.org"})
    assert no_token.status_code == 401


def test_a_customers_own_case_gets_an_agent_as_owner(api: TestClient, desk: Desk) -> None:
    # Kim can sign in and says she is available (Sam has no password: never chosen).
    api.put(f"{API}/me/presence", json={"presence": "available"}, headers=desk.agent2.auth)
    case = open_case(api, desk.ann, nature="invoice wrong", customer_name="", contact="")
    assert case["customer_id"] == desk.ann.customer_id
    assert case["owner_id"] == desk.agent2.id


def test_unknown_case_is_404(api: TestClient, desk: Desk) -> None:
    response = api.get(f"{API}/cases/FL-NOPE-NOPE", headers=desk.agent.auth)
    assert response.status_code == 404 and error(response)["code"] == "not_found"


def test_list_pages_with_a_cursor_without_repeats(api: TestClient, desk: Desk) -> None:
    refs = {open_case(api, desk.agent, nature=f"problem number {i}")["ref"] for i in range(5)}
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get(f"{API}/cases", params=params, headers=desk.agent.auth).json()
        seen += [c["ref"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and set(seen) == refs


def test_list_filters_and_refuses_a_bad_cursor_or_limit(api: TestClient, desk: Desk) -> None:
    mine = open_case(api, desk.agent, nature="printer on fire")
    open_case(api, desk.agent2, nature="late delivery")
    found = _get(api, f"/cases?owner_id={desk.agent.id}&status=new&q=printer", desk.lead)
    assert [c["ref"] for c in found["items"]] == [mine["ref"]]
    bad_cursor = api.get(f"{API}/cases?cursor=not-a-cursor", headers=desk.lead.auth)
    assert bad_cursor.status_code == 422 and "cursor" in error(bad_cursor)["message"]
    too_many = api.get(f"{API}/cases?limit=100000", headers=desk.lead.auth)
    assert too_many.status_code == 422 and error(too_many)["details"][0]["field"] == "limit"


def test_owner_acknowledges_and_a_stale_if_match_is_409(api: TestClient, desk: Desk) -> None:
    case = open_case(api, desk.agent)
    ref, v1 = case["ref"], case["version"]
    stale = api.post(
        f"{API}/cases/{ref}/acknowledge", headers={**desk.agent.auth, "If-Match": f'"{v1 + 7}"'}
    )
    assert stale.status_code == 409
    assert error(stale)["details"] == {"expected_version": v1 + 7, "current_version": v1}
    assert _get(api, f"/cases/{ref}", desk.agent)["case"]["status"] == "new"
    done = api.post(
        f"{API}/cases/{ref}/acknowledge", headers={**desk.agent.auth, "If-Match": f'"{v1}"'}
    )
    assert done.status_code == 200 and done.json()["status"] == "open"
    assert done.headers["etag"] == f'"{v1 + 1}"'
    again = api.post(
        f"{API}/cases/{ref}/acknowledge", headers={**desk.agent.auth, "If-Match": f'"{v1}"'}
    )
    assert again.status_code == 409  # the first writer moved the version on
    garbled = api.post(
        f"{API}/cases/{ref}/acknowledge", headers={**desk.agent.auth, "If-Match": "yesterday"}
    )
    assert garbled.status_code == 400


def test_only_the_owner_acknowledges(api: TestClient, desk: Desk) -> None:
    case = open_case(api, desk.agent)
    response = api.post(f"{API}/cases/{case['ref']}/acknowledge", headers=desk.agent2.auth)
    assert response.status_code == 403


def test_reply_note_and_inbound_message(api: TestClient, desk: Desk) -> None:
    ref = open_case(api, desk.agent, customer_name="Ann Lee", contact="ann@example.com")["ref"]
    reply = api.post(
        f"{API}/cases/{ref}/messages",
        headers=desk.agent.auth,
        json={
            "body": "Thank you for telling us; I am refunding the second charge now.",
            "direction": "outbound",
            "wait_for_reply": True,
        },
    )
    assert reply.status_code == 201 and reply.json()["direction"] == "outbound"
    assert _get(api, f"/cases/{ref}", desk.agent)["case"]["status"] == "waiting_on_customer"
    note = api.post(
        f"{API}/cases/{ref}/notes",
        headers=desk.agent.auth,
        json={"body": "ledger shows the duplicate"},
    )
    assert note.status_code == 201
    answer = api.post(
        f"{API}/cases/{ref}/messages",
        headers=desk.ann.auth,
        json={"body": "Thanks, I see it.", "direction": "inbound"},
    )
    assert answer.status_code == 201
    assert _get(api, f"/cases/{ref}", desk.agent)["case"]["status"] == "open"
    as_customer = _get(api, f"/cases/{ref}/messages", desk.ann)["items"]
    assert [m["direction"] for m in as_customer] == ["outbound", "inbound"]
    as_staff = _get(api, f"/cases/{ref}/messages", desk.agent)["items"]
    assert [m["direction"] for m in as_staff] == ["outbound", "note", "inbound"]
    pretending = api.post(
        f"{API}/cases/{ref}/messages",
        headers=desk.ann.auth,
        json={"body": "We refund you 1000", "direction": "outbound"},
    )
    assert pretending.status_code == 403
    empty = api.post(f"{API}/cases/{ref}/messages", headers=desk.agent.auth, json={"body": " "})
    assert empty.status_code == 422 and "body" in error(empty)["details"]["fields"]


def test_handover_moves_ownership_only_when_accepted(api: TestClient, desk: Desk) -> None:
    ref = open_case(api, desk.agent)["ref"]
    offer = api.post(
        f"{API}/cases/{ref}/handovers",
        headers=desk.agent.auth,
        json={"to_user_id": desk.agent2.id, "note": "you know this customer"},
    )
    assert offer.status_code == 201
    handover_id = offer.json()["id"]
    assert _get(api, f"/cases/{ref}", desk.agent)["case"]["owner_id"] == desk.agent.id
    waiting = _get(api, "/handovers", desk.agent2)["items"]
    assert [h["id"] for h in waiting] == [handover_id]
    not_mine = api.post(f"{API}/handovers/{handover_id}/accept", headers=desk.lead.auth)
    assert not_mine.status_code == 403
    accepted = api.post(f"{API}/handovers/{handover_id}/accept", headers=desk.agent2.auth)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert _get(api, f"/cases/{ref}", desk.lead)["case"]["owner_id"] == desk.agent2.id
    twice = api.post(f"{API}/handovers/{handover_id}/accept", headers=desk.agent2.auth)
    assert twice.status_code == 409


def test_declined_handover_keeps_the_owner(api: TestClient, desk: Desk) -> None:
    ref = open_case(api, desk.agent)["ref"]
    handover = api.post(
        f"{API}/cases/{ref}/handovers", headers=desk.agent.auth, json={"to_user_id": desk.agent2.id}
    ).json()
    declined = api.post(
        f"{API}/handovers/{handover['id']}/decline",
        headers=desk.agent2.auth,
        json={"note": "not my area"},
    )
    assert declined.json()["status"] == "declined"
    assert _get(api, f"/cases/{ref}", desk.agent)["case"]["owner_id"] == desk.agent.id


def test_amend_records_people_and_resizes(api: TestClient, desk: Desk) -> None:
    case = open_case(api, desk.agent)
    response = api.patch(
        f"{API}/cases/{case['ref']}",
        headers=desk.agent.auth,
        json={
            "people_involved": [
                {"name": "Dee Courier", "contact": "dee@courier.test"},
                {"name": "Eli Shop", "contact": "eli@shop.test"},
            ]
        },
    )
    assert response.status_code == 200
    amended = response.json()
    assert len(amended["people_involved"]) == 2 and amended["version"] > case["version"]
    incomplete = api.patch(
        f"{API}/cases/{case['ref']}",
        headers=desk.agent.auth,
        json={"people_involved": [{"name": "No Contact", "contact": ""}]},
    )
    assert incomplete.status_code == 422
    assert "people_involved[0].contact" in error(incomplete)["details"]["fields"]


def test_audit_trail_has_an_entry_per_transition(api: TestClient, desk: Desk) -> None:
    ref = open_case(api, desk.agent, message="help")["ref"]
    api.post(f"{API}/cases/{ref}/acknowledge", headers=desk.agent.auth)
    actions = [e["action"] for e in _get(api, f"/cases/{ref}/audit", desk.agent)["items"]]
    assert actions == ["opened", "message_received", "acknowledged"]


def test_two_editors_of_one_version_the_second_gets_409_and_loses_nothing(
    api: TestClient, desk: Desk
) -> None:
    case = open_case(api, desk.agent)
    ref, read_version = case["ref"], f'"{case["version"]}"'
    first = api.patch(
        f"{API}/cases/{ref}",
        json={"category": "billing"},
        headers={**desk.agent.auth, "If-Match": read_version},
    )
    second = api.patch(
        f"{API}/cases/{ref}",
        json={"category": "shipping"},
        headers={**desk.lead.auth, "If-Match": read_version},
    )
    assert first.status_code == 200 and second.status_code == 409
    assert error(second)["details"]["current_version"] == first.json()["version"]
    assert _get(api, f"/cases/{ref}", desk.lead)["case"]["category"] == "billing"
    retried = api.patch(
        f"{API}/cases/{ref}",
        json={"category": "shipping"},
        headers={**desk.lead.auth, "If-Match": first.headers["etag"]},
    )
    assert retried.status_code == 200 and retried.json()["category"] == "shipping"
