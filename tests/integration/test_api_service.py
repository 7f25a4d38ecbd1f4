"""The service rules over HTTP: remedies within empowerment and approvals above it,
escalation with follow-ups, and the closing protocol up to the satisfaction rating."""

from __future__ import annotations

from typing import Any

from api_support import API, Desk, api_fixture, desk_fixture, error, open_case  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient

LATER = {"due_by": "2999-01-01T00:00:00Z"}


def _case(api: TestClient, desk: Desk, ref: str) -> dict[str, Any]:
    body: dict[str, Any] = api.get(f"{API}/cases/{ref}", headers=desk.lead.auth).json()
    return body


def _post(api: TestClient, path: str, who: Any, status: int = 200, **body: Any) -> Any:
    response = api.post(API + path, headers=who.auth, json=body)
    assert response.status_code == status, response.text
    return response.json()


def test_remedy_within_limits_is_applied_at_once(api: TestClient, desk: Desk) -> None:
    ref = open_case(api, desk.agent)["ref"]
    remedy = _post(api, f"/cases/{ref}/remedies", desk.agent, 201, kind="refund", amount=20_00)
    assert remedy["status"] == "applied" and remedy["applied_at"] is not None
    assert _case(api, desk, ref)["approvals"] == []


def test_remedy_above_limits_waits_for_a_lead(api: TestClient, desk: Desk) -> None:
    ref = open_case(api, desk.agent)["ref"]
    remedy = _post(api, f"/cases/{ref}/remedies", desk.agent, 202, kind="refund", amount=300_00)
    assert remedy["status"] == "pending_approval" and remedy["applied_at"] is None
    pending = api.get(f"{API}/approvals", headers=desk.lead.auth).json()["items"]
    assert [p["case_ref"] for p in pending] == [ref]
    assert "per-case limit" in pending[0]["approval"]["reason"]
    approval_id = pending[0]["approval"]["id"]
    assert api.get(f"{API}/approvals", headers=desk.agent.auth).status_code == 403
    by_agent = api.post(f"{API}/approvals/{approval_id}/approve", headers=desk.agent2.auth, json={})
    assert by_agent.status_code == 403
    assert _case(api, desk, ref)["remedies"][0]["status"] == "pending_approval"
    approved = _post(api, f"/approvals/{approval_id}/approve", desk.lead, note="fair")
    assert approved["status"] == "approved" and approved["decided_by_id"] == desk.lead.id
    assert _case(api, desk, ref)["remedies"][0]["status"] == "applied"
    assert _case(api, desk, ref)["case"]["size"] == "big"


def test_declining_needs_a_note(api: TestClient, desk: Desk) -> None:
    ref = open_case(api, desk.agent)["ref"]
    _post(api, f"/cases/{ref}/remedies", desk.agent, 202, kind="discount", amount=5_00)
    approval_id = api.get(f"{API}/approvals", headers=desk.lead.auth).json()["items"][0][
        "approval"
    ]["id"]
    bare = api.post(f"{API}/approvals/{approval_id}/decline", headers=desk.lead.auth, json={})
    assert bare.status_code == 422 and "note" in error(bare)["details"]["fields"]
    declined = _post(
        api, f"/approvals/{approval_id}/decline", desk.lead, note="offer a credit instead"
    )
    assert declined["status"] == "declined"
    assert _case(api, desk, ref)["remedies"][0]["status"] == "declined"


def test_unknown_remedy_kind_is_422(api: TestClient, desk: Desk) -> None:
    ref = open_case(api, desk.agent)["ref"]
    response = api.post(
        f"{API}/cases/{ref}/remedies",
        headers=desk.agent.auth,
        json={"kind": "free_car", "amount": 1},
    )
    assert response.status_code == 422
    assert error(response)["details"][0]["field"] == "kind"


def test_escalation_keeps_the_owner_and_schedules_follow_ups(api: TestClient, desk: Desk) -> None:
    ref = open_case(api, desk.agent, nature="water leak damaged my floor, lawyer involved")["ref"]
    assert _case(api, desk, ref)["case"]["size"] == "big"
    no_people = api.post(
        f"{API}/cases/{ref}/escalate",
        headers=desk.agent.auth,
        json={"reason": "legal", "details": "leak on 3 March"},
    )
    assert no_people.status_code == 422
    assert "people_involved" in error(no_people)["details"]["fields"]
    escalation = _post(
        api,
        f"/cases/{ref}/escalate",
        desk.agent,
        201,
        reason="legal",
        details="leak on 3 March",
        people_involved=[{"name": "Fay Plumber", "contact": "fay@plumb.test"}],
    )
    assert escalation["handler_id"] == desk.lead.id
    case = _case(api, desk, ref)["case"]
    assert case["status"] == "escalated" and case["owner_id"] == desk.agent.id
    due = api.get(f"{API}/follow-ups", headers=desk.agent.auth, params=LATER).json()["items"]
    assert [d["case_ref"] for d in due] == [ref]
    mine = api.get(f"{API}/escalations?mine=true", headers=desk.lead.auth).json()["items"]
    assert [e["case_ref"] for e in mine] == [ref]
    done = _post(
        api,
        f"/follow-ups/{due[0]['follow_up']['id']}/complete",
        desk.agent,
        note="called the customer",
    )
    assert done["done_at"] is not None
    again = api.get(f"{API}/follow-ups", headers=desk.agent.auth, params=LATER).json()["items"]
    assert len(again) == 1 and again[0]["follow_up"]["id"] != done["id"]
    back = _post(api, f"/cases/{ref}/hand-back", desk.lead, note="insurer pays the floor")
    assert back["resolved_at"] is not None
    assert _case(api, desk, ref)["case"]["status"] == "open"


def test_closing_needs_the_customers_confirmation(api: TestClient, desk: Desk) -> None:
    ref = open_case(api, desk.agent)["ref"]
    _post(api, f"/cases/{ref}/acknowledge", desk.agent)
    for step in ("plan_shared", "permission_asked", "satisfaction_asked"):
        _post(api, f"/cases/{ref}/closing-steps", desk.agent, step=step)
    too_early = api.post(f"{API}/cases/{ref}/rating", headers=desk.ann.auth, json={"score": 5})
    assert too_early.status_code == 409
    no_evidence = api.post(f"{API}/cases/{ref}/confirm", headers=desk.agent.auth, json={})
    assert no_evidence.status_code == 422
    _post(api, f"/cases/{ref}/request-confirmation", desk.agent)
    _post(api, f"/cases/{ref}/not-fixed", desk.ann, note="still two charges")
    assert _case(api, desk, ref)["case"]["status"] == "open"
    _post(api, f"/cases/{ref}/request-confirmation", desk.agent)
    resolved = _post(api, f"/cases/{ref}/confirm", desk.ann)
    assert resolved["status"] == "resolved" and resolved["confirmed_by_customer"] is True
    assert resolved["plan_shared"] and resolved["permission_asked"]
    assert resolved["satisfaction_asked"]
    rating = _post(api, f"/cases/{ref}/rating", desk.ann, 201, score=5, comment="quick")
    assert rating["score"] == 5
    article = _post(
        api,
        f"/cases/{ref}/lesson",
        desk.agent,
        lesson="check duplicate charges",
        draft_article=True,
        title="Duplicate charges",
    )
    assert article["status"] == "draft" and article["title"] == "Duplicate charges"
    closed = _post(api, f"/cases/{ref}/close", desk.agent)
    assert closed["status"] == "closed"
    _post(api, f"/cases/{ref}/messages", desk.ann, 201, body="It happened again!")
    assert _case(api, desk, ref)["case"]["status"] == "open"


def test_a_lead_signs_an_exception_with_a_reason(api: TestClient, desk: Desk) -> None:
    ref = open_case(api, desk.agent)["ref"]
    by_agent = api.post(
        f"{API}/cases/{ref}/exception",
        headers=desk.agent.auth,
        json={"reason": "customer unreachable"},
    )
    assert by_agent.status_code == 403
    no_reason = api.post(
        f"{API}/cases/{ref}/exception", headers=desk.lead.auth, json={"reason": " "}
    )
    assert no_reason.status_code == 422
    resolved = _post(
        api, f"/cases/{ref}/exception", desk.lead, reason="customer unreachable for 30 days"
    )
    assert resolved["status"] == "resolved" and resolved["exception_by_id"] == desk.lead.id
    assert resolved["confirmed_by_customer"] is False


def test_the_customer_sees_the_conversation_not_the_desks_workings(
    api: TestClient, desk: Desk
) -> None:
    ref = open_case(api, desk.agent, customer_name="Ann Lee", contact="ann@example.com")["ref"]
    _post(api, f"/cases/{ref}/remedies", desk.agent, 201, kind="credit", amount=10_00)
    _post(api, f"/cases/{ref}/remedies", desk.agent, 202, kind="refund", amount=400_00)
    _post(
        api,
        f"/cases/{ref}/escalate",
        desk.agent,
        201,
        reason="refund above my limit",
        details="internal: supplier at fault",
        people_involved=[{"name": "Ann Lee", "contact": "ann@example.com"}],
    )
    staff = _case(api, desk, ref)
    assert len(staff["approvals"]) == 1 and len(staff["escalations"]) == 1
    seen = api.get(f"{API}/cases/{ref}", headers=desk.ann.auth).json()
    assert [(r["kind"], r["status"]) for r in seen["remedies"]] == [("credit", "applied")]
    assert seen["approvals"] == [] and seen["escalations"] == []
    assert seen["open_follow_ups"] == [] and "supplier" not in str(seen)
