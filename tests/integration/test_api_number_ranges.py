"""Every id and number the API reads has a range: a value no row can have, or an amount
no remedy can be, is a clear 422 (or 404), never a 500 from the database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from api_support import API, PASSWORD, Desk, api_fixture, desk_fixture, error, open_case  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient

from frontliner.config import Settings
from frontliner.desk.bounds import MAX_ID
from frontliner.web.app import create_app

_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')

HUGE = 99999999999999999999  # more than any database integer holds


def _integer_inputs(schema: Any, where: str, components: dict[str, Any],
                    seen: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            yield from _integer_inputs(components[name], name, components, seen)
        return
    if schema.get("type") == "integer":
        yield where, schema
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _integer_inputs(part, where, components, seen)
    yield from _integer_inputs(schema.get("items"), f"{where}[]", components, seen)
    for name, part in schema.get("properties", {}).items():
        yield from _integer_inputs(part, f"{where}.{name}", components, seen)


def test_every_integer_the_api_reads_has_both_ends_of_a_range() -> None:
    app = create_app(Settings(environment="test", database_url="sqlite://"),
                     uow_factory=lambda: None, health_check=lambda: None)  # type: ignore[arg-type, return-value]
    document = app.openapi()
    components = document["components"]["schemas"]
    found: list[str] = []
    unbounded: list[str] = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            inputs = [(f"{p['in']} {p['name']}", p["schema"])
                      for p in operation.get("parameters", [])]
            for content in operation.get("requestBody", {}).get("content", {}).values():
                inputs.append(("body", content["schema"]))
            for where, schema in inputs:
                for field, number in _integer_inputs(schema, where, components, set()):
                    found.append(field)
                    if "minimum" not in number or "maximum" not in number:
                        unbounded.append(f"{method.upper()} {path}: {field}")
    assert len(found) > 50  # the walk reaches path, query and body integers
    assert unbounded == []


@pytest.mark.parametrize("path", [
    f"/customers/{HUGE}", f"/fires/{HUGE}", f"/users/{HUGE}", f"/articles/{HUGE}",
    f"/customers/{MAX_ID + 1}/timeline", f"/cases?owner_id={HUGE}", f"/users?team_id={HUGE}",
])
def test_an_id_no_row_can_have_is_refused_with_422(api: TestClient, desk: Desk,
                                                    path: str) -> None:
    response = api.get(API + path, headers=desk.admin.auth)
    assert response.status_code == 422, response.text
    assert error(response)["code"] == "invalid"


def test_the_largest_id_a_row_can_have_is_simply_not_found(api: TestClient, desk: Desk) -> None:
    response = api.get(f"{API}/customers/{MAX_ID}", headers=desk.admin.auth)
    assert response.status_code == 404


def test_oversized_amounts_and_ids_in_bodies_are_refused(api: TestClient, desk: Desk) -> None:
    ref = open_case(api, desk.agent)["ref"]
    for path, body in [
        (f"/cases/{ref}/remedies", {"kind": "refund", "amount": HUGE}),
        (f"/cases/{ref}/remedies", {"kind": "extension", "days": HUGE}),
        (f"/cases/{ref}/handovers", {"to_user_id": HUGE}),
        (f"/users/{desk.agent.id}/team", {"team_id": HUGE}),
        ("/cases", {"nature": "x", "customer_name": "Ann Lee", "contact": "ann@example.com",
                    "remedy_requested": HUGE}),
    ]:
        method = api.put if path.endswith("/team") else api.post
        response = method(API + path, json=body, headers=desk.admin.auth)
        assert response.status_code == 422, (path, response.text)


def test_pages_answer_an_impossible_id_or_amount_with_a_page_not_a_crash(
    api: TestClient, desk: Desk
) -> None:
    token = _TOKEN.search(api.get("/login").text)
    assert token is not None
    signed_in = api.post("/login", data={"email": "lee@desk.test", "password": PASSWORD,
                                         "csrf_token": token.group(1)})
    assert signed_in.status_code == 200
    token = _TOKEN.search(api.get("/lead/recognition").text)
    assert token is not None
    csrf = token.group(1)
    assert api.get(f"/team/{HUGE}").status_code == 422
    kudos = api.post("/lead/kudos", data={"to_user_id": "999999999999", "message": "Thanks!",
                                          "csrf_token": csrf})
    assert kudos.status_code == 422 and "Thanks!" in kudos.text  # what was typed is kept
    limits = api.post("/lead/empowerment", data={
        "target": "role:agent", "money_per_case": "999999999", "money_per_day": "10",
        "extra_days": "0", "csrf_token": csrf})
    assert limits.status_code == 422 and "limits are not valid" in limits.text
