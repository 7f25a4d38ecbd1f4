"""A customer's export (data portability) over the API, on SQLite and PostgreSQL: staff get
every case with every message and note; the customer gets their own cases as they see
them (no internal notes, no staff names); nobody gets someone else's."""

from __future__ import annotations

import json
import warnings
from typing import Any

from tests.integration.api_support import (  # noqa: F401
    API,
    Desk,
    api_fixture,
    desk_fixture,
    open_case,
)

from frontliner.desk.model import Channel

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient


def _add(api: TestClient, desk: Desk, ref: str) -> None:
    for path, body, who in (
        (f"/cases/{ref}/messages", {"body": "It is still broken, =SUM(A1) days later."},
         desk.ann),
        (f"/cases/{ref}/messages", {"body": "Thank you, Ann: a new one ships today.",
                                    "direction": "outbound", "channel": Channel.EMAIL.value},
         desk.agent),
        (f"/cases/{ref}/notes", {"body": "Courier lost the first parcel."}, desk.agent),
    ):
        response = api.post(f"{API}{path}", json=body, headers=who.auth)
        assert response.status_code in (200, 201), (path, response.text)


def _export(api: TestClient, customer_id: int, who: Any) -> Any:
    return api.get(f"{API}/customers/{customer_id}/export", headers=who.auth)


def test_staff_export_holds_every_case_with_messages_and_internal_notes(
    api: TestClient, desk: Desk,
) -> None:
    first = open_case(api, desk.agent, message="My kettle stopped working.")
    second = open_case(api, desk.agent, nature="charged twice for the kettle")
    _add(api, desk, first["ref"])

    response = _export(api, desk.ann.customer_id, desk.agent)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    exported = json.loads(response.content)
    assert exported["view"] == "staff" and exported["customer"]["name"] == "Ann Lee"
    assert [c["ref"] for c in exported["cases"]] == [first["ref"], second["ref"]]
    messages = exported["cases"][0]["messages"]
    assert [m["from"] for m in messages] == ["customer", "customer", "support", "internal note"]
    assert messages[-1]["body"] == "Courier lost the first parcel."
    assert messages[2]["author"] == "Sam Agent"
    assert {"kind": "email", "value": "ann@example.com", "primary": True} in (
        exported["customer"]["contacts"])


def test_customer_exports_their_own_cases_as_they_see_them_and_nobody_elses(
    api: TestClient, desk: Desk,
) -> None:
    case = open_case(api, desk.agent, message="My kettle stopped working.")
    _add(api, desk, case["ref"])

    mine = _export(api, desk.ann.customer_id, desk.ann)
    assert mine.status_code == 200
    exported = json.loads(mine.content)
    assert exported["view"] == "customer"
    [only] = exported["cases"]
    assert [m["from"] for m in only["messages"]] == ["customer", "customer", "support"]
    assert "Courier" not in mine.text and "Sam Agent" not in mine.text
    assert "author" not in only["messages"][0] and "id" not in exported["customer"]

    assert _export(api, desk.ann.customer_id, desk.bob).status_code == 404
    assert _export(api, 999_999, desk.agent).status_code == 404
    assert api.get(f"{API}/customers/{desk.ann.customer_id}/export").status_code == 401


def test_a_customer_with_no_cases_gets_an_empty_list(api: TestClient, desk: Desk) -> None:
    response = _export(api, desk.bob.customer_id, desk.bob)
    assert response.status_code == 200
    assert json.loads(response.content)["cases"] == []
