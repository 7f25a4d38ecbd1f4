"""No way round the closing protocol over the API.

A case resolves only on (a) the customer's own confirmation, (b) the customer's words
recorded by the staff working it - a cited inbound message or logged call, after the
closing checklist, never on a new case - or (c) a lead's signed exception. Each test
tries a way round and sees it refused, with what is missing named."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import API, Desk, api_fixture, desk_fixture, error, open_case  # noqa: F401 - fixtures, used by name
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

STEPS = ("plan_shared", "permission_asked", "satisfaction_asked")
RESOLVED = ("resolved", "closed")


def _post(api: TestClient, path: str, who: Any, status: int = 200, **body: Any) -> Any:
    response = api.post(API + path, headers=who.auth, json=body)
    assert response.status_code == status, response.text
    return response.json()


def _case(api: TestClient, desk: Desk, ref: str) -> dict[str, Any]:
    body: dict[str, Any] = api.get(f"{API}/cases/{ref}", headers=desk.lead.auth).json()
    return body


def _status(api: TestClient, desk: Desk, ref: str) -> str:
    return str(_case(api, desk, ref)["case"]["status"])


def _worked(api: TestClient, desk: Desk, checklist: bool = True) -> str:
    """A case the agent acknowledged and answered; the checklist done, or not."""
    ref = str(open_case(api, desk.agent, message="Charged twice for one order")["ref"])
    _post(api, f"/cases/{ref}/acknowledge", desk.agent)
    _post(api, f"/cases/{ref}/messages", desk.agent, 201, direction="outbound",
          body="I have refunded the second charge.")
    if checklist:
        for step in STEPS:
            _post(api, f"/cases/{ref}/closing-steps", desk.agent, step=step)
    return ref


def _customer_says(api: TestClient, desk: Desk, ref: str, body: str) -> int:
    message = _post(api, f"/cases/{ref}/messages", desk.ann, 201, body=body)
    return int(message["id"])


def _log_call(api: TestClient, desk: Desk, ref: str, body: str) -> int:
    call = _post(api, f"/cases/{ref}/messages", desk.agent, 201, body=body, channel="phone")
    return int(call["id"])


def test_the_reported_way_round_confirm_and_close_a_new_case_is_refused(
    api: TestClient, desk: Desk
) -> None:
    ref = open_case(api, desk.agent)["ref"]
    confirm = api.post(f"{API}/cases/{ref}/confirm", headers=desk.agent.auth,
                       json={"evidence": "said fine"})
    assert confirm.status_code == 409 and error(confirm)["details"] == {"status": "new"}
    close = api.post(f"{API}/cases/{ref}/close", headers=desk.agent.auth, json={})
    assert close.status_code == 409
    assert _status(api, desk, ref) == "new"


def test_a_new_case_refuses_a_cited_call_even_after_the_checklist(
    api: TestClient, desk: Desk
) -> None:
    ref = open_case(api, desk.agent)["ref"]
    for step in STEPS:
        _post(api, f"/cases/{ref}/closing-steps", desk.agent, step=step)
    call = _log_call(api, desk, ref, "Caller says all working now")
    for who in (desk.agent, desk.lead):
        refused = api.post(f"{API}/cases/{ref}/confirm", headers=who.auth,
                           json={"interaction_id": call})
        assert refused.status_code == 409, refused.text
    assert _status(api, desk, ref) == "new"


def test_free_text_evidence_is_not_enough(api: TestClient, desk: Desk) -> None:
    ref = _worked(api, desk)
    refused = api.post(f"{API}/cases/{ref}/confirm", headers=desk.agent.auth,
                       json={"evidence": "said fine on the phone"})
    assert refused.status_code == 422
    assert set(error(refused)["details"]["fields"]) == {"interaction_id"}
    assert _status(api, desk, ref) == "open"


def test_before_the_checklist_the_refusal_names_each_missing_step(
    api: TestClient, desk: Desk
) -> None:
    ref = _worked(api, desk, checklist=False)
    said = _customer_says(api, desk, ref, "Yes that fixed it, thanks")
    refused = api.post(f"{API}/cases/{ref}/confirm", headers=desk.agent.auth,
                       json={"interaction_id": said})
    assert refused.status_code == 422
    assert set(error(refused)["details"]["fields"]) == set(STEPS)
    _post(api, f"/cases/{ref}/closing-steps", desk.agent, step="plan_shared")
    again = api.post(f"{API}/cases/{ref}/confirm", headers=desk.agent.auth,
                     json={"interaction_id": said})
    assert set(error(again)["details"]["fields"]) == {"permission_asked", "satisfaction_asked"}
    assert _status(api, desk, ref) == "open"


@pytest.mark.parametrize("cited", ["reply", "note", "typed_email", "other_case", "missing"])
def test_only_the_customers_words_on_this_case_can_be_cited(
    api: TestClient, desk: Desk, cited: str
) -> None:
    ref = _worked(api, desk)
    other = _worked(api, desk)
    made = {
        "reply": lambda: _post(api, f"/cases/{ref}/messages", desk.agent, 201,
                               direction="outbound", body="Glad it works!")["id"],
        "note": lambda: _post(api, f"/cases/{ref}/notes", desk.agent, 201,
                              body="customer happy")["id"],
        "typed_email": lambda: _post(api, f"/cases/{ref}/messages", desk.agent, 201,
                                     body="customer says fixed", channel="email")["id"],
        "other_case": lambda: _customer_says(api, desk, other, "All working now"),
        "missing": lambda: 999_999,
    }
    refused = api.post(f"{API}/cases/{ref}/confirm", headers=desk.agent.auth,
                       json={"interaction_id": made[cited]()})
    assert refused.status_code == 422, refused.text
    assert set(error(refused)["details"]["fields"]) == {"interaction_id"}
    assert _status(api, desk, ref) == "open"


def test_the_message_the_case_was_opened_with_cannot_be_cited(
    api: TestClient, desk: Desk
) -> None:
    # Kim can sign in and is available: the customer's own case goes to her.
    api.put(f"{API}/me/presence", json={"presence": "available"}, headers=desk.agent2.auth)
    mine = api.post(f"{API}/cases", headers=desk.ann.auth,
                    json={"nature": "Charged twice", "message": "Thanks, but I was charged twice"})
    ref, owner_id = mine.json()["ref"], mine.json()["owner_id"]
    owner = next(who for who in (desk.agent, desk.agent2, desk.lead) if who.id == owner_id)
    _post(api, f"/cases/{ref}/acknowledge", owner)
    for step in STEPS:
        _post(api, f"/cases/{ref}/closing-steps", owner, step=step)
    opening = api.get(f"{API}/cases/{ref}/messages", headers=desk.lead.auth).json()["items"][0]
    refused = api.post(f"{API}/cases/{ref}/confirm", headers=desk.lead.auth,
                       json={"interaction_id": opening["id"]})
    assert refused.status_code == 422
    assert "opened with" in error(refused)["details"]["fields"]["interaction_id"]


def test_a_yes_from_before_the_customer_said_not_yet_is_stale(
    api: TestClient, desk: Desk
) -> None:
    ref = _worked(api, desk)
    early = _customer_says(api, desk, ref, "Looks fixed, thanks")
    _post(api, f"/cases/{ref}/request-confirmation", desk.agent)
    _post(api, f"/cases/{ref}/not-fixed", desk.ann, note="second charge is back")
    refused = api.post(f"{API}/cases/{ref}/confirm", headers=desk.agent.auth,
                       json={"interaction_id": early})
    assert refused.status_code == 422
    assert "reopening" in error(refused)["details"]["fields"]["interaction_id"]


def test_colleagues_customers_and_strangers_cannot_record_it(
    api: TestClient, desk: Desk
) -> None:
    ref = _worked(api, desk)
    said = _customer_says(api, desk, ref, "All working now")
    colleague = api.post(f"{API}/cases/{ref}/confirm", headers=desk.agent2.auth,
                         json={"interaction_id": said})
    assert colleague.status_code == 403
    stranger = api.post(f"{API}/cases/{ref}/confirm", headers=desk.bob.auth, json={})
    assert stranger.status_code == 404
    exception = api.post(f"{API}/cases/{ref}/exception", headers=desk.agent.auth,
                         json={"reason": "customer is happy"})
    assert exception.status_code == 403
    assert _status(api, desk, ref) == "open"


def test_no_other_route_resolves_or_closes_a_case(api: TestClient, desk: Desk) -> None:
    """Every write route on a case, called by its owner with a body trying to resolve it
    (or a plausible body where that is refused as unknown fields), leaves it unresolved."""
    ref = _worked(api, desk, checklist=False)
    attempts = {
        "PATCH /cases/{ref}": [{"status": "resolved"}, {"category": "billing"}],
        "POST /cases/{ref}/acknowledge": [{}],
        "POST /cases/{ref}/messages": [{"body": "resolved", "direction": "outbound"}],
        "POST /cases/{ref}/notes": [{"body": "customer confirmed"}],
        "POST /cases/{ref}/calls": [{"said": "all fine now", "summary": "please close"}],
        "POST /cases/{ref}/handovers": [{"to_user_id": desk.agent2.id}],
        "POST /cases/{ref}/remedies": [{"kind": "credit", "amount": 100}],
        "POST /cases/{ref}/escalate": [{"reason": "r", "details": "d"}],
        "POST /cases/{ref}/hand-back": [{"note": "done"}],
        "POST /cases/{ref}/closing-steps": [{"step": "resolved"}],
        "POST /cases/{ref}/request-confirmation": [{}],
        "POST /cases/{ref}/confirm": [{"evidence": "said fine"}, {"confirmed_by_customer": True}],
        "POST /cases/{ref}/not-fixed": [{"note": "fine"}],
        "POST /cases/{ref}/exception": [{"reason": "all good"}],
        "POST /cases/{ref}/lesson": [{"lesson": "done"}],
        "POST /cases/{ref}/close": [{}],
        "POST /cases/{ref}/rating": [{"score": 5}],
        "POST /cases/{ref}/abuse-reports": [{"interaction_id": 1, "kind": "insult",
                                             "reason": "r"}],
        "POST /cases/{ref}/end-conversation": [{"interaction_id": 1, "reason": "r"}],
        "POST /cases/{ref}/take": [{}],
        "POST /cases/{ref}/assign": [{"user_id": desk.agent2.id}],
    }
    routes = {f"{m} {r.path.removeprefix(API)}" for r in iter_route_contexts(api.app.routes)
              if (r.path or "").startswith(f"{API}/cases/{{ref}}")
              for m in (r.methods or ()) if m in ("POST", "PATCH", "PUT", "DELETE")}
    assert routes == set(attempts), "a new write route on a case: add it here"
    for route, payloads in attempts.items():
        method, path = route.split(" ")
        for body in payloads:
            api.request(method, API + path.format(ref=ref), headers=desk.agent.auth, json=body)
            assert _status(api, desk, ref) not in RESOLVED, (route, body)


def test_owner_records_a_logged_call_after_the_checklist_and_it_shows_as_recorded(
    api: TestClient, desk: Desk
) -> None:
    ref = _worked(api, desk)
    call = _log_call(api, desk, ref, "Rang Ann: she says the refund arrived, all sorted")
    resolved = _post(api, f"/cases/{ref}/confirm", desk.agent, interaction_id=call,
                     evidence="call at 10:05")
    assert resolved["status"] == "resolved" and resolved["confirmed_by_customer"] is True
    assert resolved["confirmed_via"] == "agent_recorded"
    assert resolved["confirmation_recorded_by_id"] == desk.agent.id
    assert resolved["confirmation_interaction_id"] == call
    audit = api.get(f"{API}/cases/{ref}/audit?limit=200", headers=desk.lead.auth).json()
    entry = next(e for e in audit["items"] if e["action"] == "confirmed_by_customer")
    assert entry["actor_id"] == desk.agent.id and entry["detail"]["via"] == "agent_recorded"
    assert entry["detail"]["words"].startswith("Rang Ann") and entry["detail"]["channel"] == "phone"
    closed = _post(api, f"/cases/{ref}/close", desk.agent)
    assert closed["status"] == "closed"


def test_the_customers_own_confirmation_shows_as_theirs(api: TestClient, desk: Desk) -> None:
    ref = _worked(api, desk, checklist=False)
    resolved = _post(api, f"/cases/{ref}/confirm", desk.ann)
    assert resolved["status"] == "resolved" and resolved["confirmed_via"] == "portal"
    assert resolved["confirmation_recorded_by_id"] is None


def test_leads_list_the_confirmations_staff_recorded_with_the_cited_words(
    api: TestClient, desk: Desk
) -> None:
    recorded, own = _worked(api, desk), _worked(api, desk)
    said = _customer_says(api, desk, recorded, "Sorted, cheers")
    _post(api, f"/cases/{recorded}/confirm", desk.agent, interaction_id=said)
    _post(api, f"/cases/{own}/confirm", desk.ann)
    assert api.get(f"{API}/closing/recorded-confirmations",
                   headers=desk.agent.auth).status_code == 403
    listed = api.get(f"{API}/closing/recorded-confirmations", headers=desk.lead.auth).json()
    assert [(row["case"]["ref"], row["words"], row["channel"], row["recorded_by"])
            for row in listed["items"]] == [(recorded, "Sorted, cheers", "web", "Sam Agent")]
    _customer_says(api, desk, recorded, "Oh no, it is back")  # reopens: off the list
    again = api.get(f"{API}/closing/recorded-confirmations", headers=desk.lead.auth).json()
    assert again["items"] == []
