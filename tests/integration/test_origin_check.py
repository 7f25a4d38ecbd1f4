"""Unsafe requests riding on cookies must come from our own pages: another site's
Origin (or, without one, its Referer) is a clear 403 and nothing changes, for the forms
and for the API used with the session cookie. API tokens are not CSRF-able and pass."""

from __future__ import annotations

import re

from api_support import API, PASSWORD, Desk, api_fixture, desk_fixture, open_case  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient

EVIL = "http://evil.example"
OURS = "http://testserver"  # the Host the test client sends
_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def _session(api: TestClient, email: str = "lee@desk.test") -> None:
    signed_in = api.post(f"{API}/auth/login", json={"email": email, "password": PASSWORD})
    assert signed_in.status_code == 200


def test_cookie_api_write_from_another_site_is_refused(api: TestClient, desk: Desk) -> None:
    _session(api)
    body = {"name": "from evil", "contacts": ["evil@example.org"]}
    refused = api.post(f"{API}/customers", json=body, headers={"Origin": EVIL})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "cross_origin"
    assert EVIL in refused.json()["error"]["message"]
    by_referer = api.post(f"{API}/customers", json=body,
                          headers={"Referer": f"{EVIL}/page.html"})
    assert by_referer.status_code == 403
    opaque = api.post(f"{API}/customers", json=body, headers={"Origin": "null"})
    assert opaque.status_code == 403
    found = api.get(f"{API}/customers?q=evil").json()["items"]
    assert found == []  # nothing was made
    ours = api.post(f"{API}/customers", json=body, headers={"Origin": OURS})
    assert ours.status_code == 201


def test_token_api_calls_are_not_checked_for_origin(api: TestClient, desk: Desk) -> None:
    response = api.post(f"{API}/customers", headers={**desk.agent.auth, "Origin": EVIL},
                        json={"name": "Tool Made", "contacts": ["tool@example.org"]})
    assert response.status_code == 201


def test_page_form_with_a_valid_token_from_another_site_is_refused(
    api: TestClient, desk: Desk
) -> None:
    ref = open_case(api, desk.lead)["ref"]
    token = _TOKEN.search(api.get("/login").text)
    assert token is not None
    api.post("/login", data={"email": "lee@desk.test", "password": PASSWORD,
                             "csrf_token": token.group(1)})
    page = api.get(f"/work/cases/{ref}")
    token = _TOKEN.search(page.text)
    assert page.status_code == 200 and token is not None
    note = {"note": "planted by another site", "csrf_token": token.group(1)}
    refused = api.post(f"/work/cases/{ref}/note", data=note, headers={"Origin": EVIL})
    assert refused.status_code == 403
    assert "came from another site" in refused.text
    assert "planted by another site" not in api.get(f"/work/cases/{ref}").text
    kept = api.post(f"/work/cases/{ref}/note", data=note, headers={"Origin": OURS})
    assert kept.status_code in (200, 303)
    assert "planted by another site" in api.get(f"/work/cases/{ref}").text


def test_public_contact_form_from_another_site_is_refused(api: TestClient) -> None:
    token = _TOKEN.search(api.get("/contact").text) or re.search(
        r'name="csrf_token" value="([^"]+)"', api.get("/contact").text)
    assert token is not None
    form = {"name": "Eve", "email": "eve@example.org", "problem": "Kettle leaks",
            "details": "Hello", "csrf_token": token.group(1)}
    refused = api.post("/contact", data=form, headers={"Referer": f"{EVIL}/form"})
    assert refused.status_code == 403 and "another site" in refused.text
