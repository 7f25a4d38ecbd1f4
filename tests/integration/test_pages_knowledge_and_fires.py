"""Knowledge and suggested fires on the pages, on SQLite and PostgreSQL: an agent drafts,
a lead publishes; a lesson becomes a draft; a lead opens a suggested fire in one click."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from api_support import PASSWORD, Desk, api_fixture, desk_fixture  # noqa: F401
from fastapi.testclient import TestClient

from frontliner.desk import closing, intake
from frontliner.desk.model import Case, User
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]
JUG = ["the jug of my blender cracked", "cracked blender jug",
       "Blender jug has a crack in it after a week", "My blender's jug is cracking",
       "Crack in the blender jug"]


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "every page with a form carries the CSRF token"
    return found.group(1)


def _client(api: Any, email: str) -> TestClient:
    client = TestClient(api.app)
    token = _token(client.get("/login").text)
    answer = client.post("/login", data={"email": email, "password": PASSWORD,
                                         "csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303
    return client


@pytest.fixture(name="kim")
def kim_fixture(api: Any, desk: Desk) -> TestClient:
    return _client(api, desk.agent2.email)


@pytest.fixture(name="lead")
def lead_fixture(api: Any, desk: Desk) -> TestClient:
    return _client(api, desk.lead.email)


def _post(client: TestClient, path: str, data: dict[str, Any]) -> Any:
    token = _token(client.get("/knowledge").text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=True)


def _open(uow_factory: UowFactory, owner_id: int, nature: str) -> Case:
    with uow_factory() as uow:
        owner = uow.get(User, owner_id)
        case = intake.open_case(uow, owner, nature=nature, customer_name="Ann Lee",
                                contact="ann@example.com")
        uow.commit()
        return case


def test_agent_drafts_an_article_and_a_lead_publishes_it(
    kim: TestClient, lead: TestClient
) -> None:
    empty = _post(kim, "/knowledge", {"title": "Jug cracks", "body": ""})
    assert empty.status_code == 422 and "Jug cracks" in empty.text and 'role="alert"' in empty.text
    saved = _post(kim, "/knowledge", {"title": "Cracked <b>jug</b>",
                                      "body": "**Replace** the jug. <script>alert(1)</script>"})
    assert saved.status_code == 200 and "saved as a draft" in saved.text
    path = str(saved.url.path)
    assert "<strong>Replace</strong>" in saved.text and "<script>alert" not in saved.text
    assert "Cracked &lt;b&gt;jug&lt;/b&gt;" in saved.text
    assert _post(kim, f"{path}/publish", {}).status_code == 403
    published = _post(lead, f"{path}/publish", {})
    assert published.status_code == 200 and "✔ published" in published.text
    changed = _post(kim, f"{path}/edit", {"title": "Cracked jug", "body": "quietly"})
    assert changed.status_code == 403 and "quietly" in changed.text
    listed = kim.get("/knowledge?q=jug&status=published")
    assert "Cracked &lt;b&gt;jug&lt;/b&gt;" in listed.text


def test_a_published_prepared_reply_is_offered_on_the_case(
    kim: TestClient, lead: TestClient, desk: Desk, uow_factory: UowFactory
) -> None:
    case = _open(uow_factory, desk.agent2.id, "The blender jug cracked")
    saved = _post(kim, "/knowledge/replies", {"title": "Cracked blender jug",
                                              "body": "Sorry about the jug; a new one ships today.",
                                              "tags": "blender, damaged"})
    path = str(saved.url.path)
    assert saved.status_code == 200 and "tags: blender, damaged" in saved.text
    assert "a new one ships today" not in kim.get(f"/work/cases/{case.ref}").text
    _post(lead, f"{path}/publish", {})
    page = kim.get(f"/work/cases/{case.ref}").text
    assert 'class="insert-reply" data-text="Sorry about the jug; a new one ships today."' in page


def test_a_lesson_on_a_resolved_case_becomes_a_draft_article(
    kim: TestClient, desk: Desk, uow_factory: UowFactory
) -> None:
    case = _open(uow_factory, desk.agent2.id, "Kettle lid will not close")
    assert "What did you learn?" not in kim.get(f"/work/cases/{case.ref}").text
    with uow_factory() as uow:
        closing.sign_exception(uow, uow.get(User, desk.lead.id), case.id, "customer moved away")
        uow.commit()
    token = _token(kim.get(f"/work/cases/{case.ref}").text)
    empty = kim.post(f"/work/cases/{case.ref}/lesson",
                     data={"csrf_token": token, "lesson": " ", "draft_article": "yes"})
    assert empty.status_code == 422 and "lesson-error" in empty.text
    kept = kim.post(f"/work/cases/{case.ref}/lesson", follow_redirects=True,
                    data={"csrf_token": token, "lesson": "Press the hinge pin back in.",
                          "draft_article": "yes", "title": "Kettle lid hinge"})
    assert "waits in Knowledge" in kept.text and "Press the hinge pin back in." in kept.text
    assert "Kettle lid hinge" in kim.get("/knowledge?status=draft").text


def test_a_lead_opens_a_suggested_fire_in_one_click(
    lead: TestClient, kim: TestClient, desk: Desk, uow_factory: UowFactory
) -> None:
    refs = [_open(uow_factory, desk.agent2.id, n).ref for n in JUG]
    fires = lead.get("/fires").text
    assert "Suggested fires" in fires and all(ref in fires for ref in refs)
    assert "Suggested fires" not in kim.get("/fires").text
    assert 'href="/fires"' in lead.get("/lead/approvals").text
    token = _token(fires)
    opened = lead.post("/fires/suggestions/open", follow_redirects=True,
                       data={"csrf_token": token, "key": "blender crack jug",
                             "title": "Cracked blender jugs"})
    assert opened.status_code == 200 and "<h1>Cracked blender jugs</h1>" in opened.text
    assert all(ref in opened.text for ref in refs)
    fire_path = str(opened.url.path)
    assert f'href="{fire_path}" id="fire-link"' in kim.get(f"/work/cases/{refs[0]}").text
    assert "No similar cases have piled up." in lead.get("/fires").text


def test_a_lead_sets_the_thresholds_on_the_fire_log(
    lead: TestClient, desk: Desk, uow_factory: UowFactory
) -> None:
    for nature in JUG[:3]:
        _open(uow_factory, desk.agent2.id, nature)
    token = _token(lead.get("/fires").text)
    bad = lead.post("/fires/suggestions/thresholds", follow_redirects=True,
                    data={"csrf_token": token, "min_cases": "1", "days": "7"})
    assert "2 to 500 similar cases" in bad.text
    good = lead.post("/fires/suggestions/thresholds", follow_redirects=True,
                     data={"csrf_token": token, "min_cases": "3", "days": "7"})
    assert "3 similar cases within 7 days" in good.text and "cracked blender jug" in good.text
