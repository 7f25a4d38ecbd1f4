"""The fire log, knowledge articles and prepared replies over HTTP."""

from __future__ import annotations

from typing import Any

from api_support import API, Desk, api_fixture, desk_fixture, error, open_case  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient


def _post(api: TestClient, path: str, who: Any, status: int = 201, **body: Any) -> Any:
    response = api.post(API + path, headers=who.auth, json=body)
    assert response.status_code == status, response.text
    return response.json()


def test_fire_log_notes_links_and_fix_for_good(api: TestClient, desk: Desk) -> None:
    fire = _post(api, "/fires", desk.agent, title="Card reader rejects chip cards")
    again = api.post(
        f"{API}/fires",
        headers=desk.agent2.auth,
        json={"title": "chip cards rejected by the card reader"},
    )
    assert again.status_code == 409 and error(again)["details"]["fire_id"] == fire["id"]
    ref = open_case(api, desk.agent, nature="my card was refused at the till")["ref"]
    note = _post(
        api,
        f"/fires/{fire['id']}/notes",
        desk.agent,
        problem="chip refused",
        solution="swipe instead",
        case_ref=ref,
    )
    assert note["author_id"] == desk.agent.id and note["at"]
    unsigned = api.post(
        f"{API}/fires/{fire['id']}/notes",
        headers=desk.agent.auth,
        json={"problem": "x", "solution": ""},
    )
    assert unsigned.status_code == 422 and "solution" in error(unsigned)["details"]["fields"]
    linked = api.get(f"{API}/cases?fire_id={fire['id']}", headers=desk.lead.auth).json()
    assert [c["ref"] for c in linked["items"]] == [ref]
    by_agent = api.post(
        f"{API}/fires/{fire['id']}/fixed-for-good",
        headers=desk.agent.auth,
        json={"fix": "firmware 2.1"},
    )
    assert by_agent.status_code == 403
    fixed = _post(
        api,
        f"/fires/{fire['id']}/fixed-for-good",
        desk.lead,
        200,
        fix="firmware 2.1 on every reader",
        author_id=desk.agent.id,
    )
    assert fixed["fixed_for_good"] and fixed["fixed_by_id"] == desk.agent.id
    credits = api.get(f"{API}/users/{desk.agent.id}/kudos", headers=desk.agent.auth).json()
    assert [k["kind"] for k in credits["items"]] == ["fix_credit"]
    notes = api.get(f"{API}/fires/{fire['id']}/notes", headers=desk.agent.auth).json()
    assert [n["solution"] for n in notes["items"]] == ["swipe instead"]
    found = api.get(f"{API}/fires?q=firmware", headers=desk.agent.auth).json()["items"]
    assert [f["id"] for f in found] == [fire["id"]]


def test_articles_are_drafted_edited_published_and_searched(api: TestClient, desk: Desk) -> None:
    article = _post(
        api,
        "/articles",
        desk.agent,
        title="Refund to a closed card",
        body="Offer a bank transfer instead.",
    )
    assert article["status"] == "draft"
    edited = api.patch(
        f"{API}/articles/{article['id']}",
        headers=desk.agent.auth,
        json={"body": "Offer a bank transfer or store credit."},
    )
    assert edited.status_code == 200 and "store credit" in edited.json()["body"]
    not_author = api.patch(
        f"{API}/articles/{article['id']}", headers=desk.agent2.auth, json={"title": "mine now"}
    )
    assert not_author.status_code == 403
    assert (
        api.post(f"{API}/articles/{article['id']}/publish", headers=desk.agent.auth).status_code
        == 403
    )
    published = _post(api, f"/articles/{article['id']}/publish", desk.lead, 200)
    assert published["status"] == "published"
    found = api.get(
        f"{API}/articles?q=bank transfer&status=published", headers=desk.agent2.auth
    ).json()["items"]
    assert [a["id"] for a in found] == [article["id"]]
    empty = api.post(f"{API}/articles", headers=desk.agent.auth, json={"title": "", "body": ""})
    assert empty.status_code == 422
    assert set(error(empty)["details"]["fields"]) == {"title", "body"}


def test_prepared_replies_by_tag_and_text(api: TestClient, desk: Desk) -> None:
    reply = _post(
        api,
        "/prepared-replies",
        desk.agent,
        title="Late parcel",
        body="Thank you for telling us; I am sending a replacement today.",
        tags=["Delivery", "late"],
    )
    assert reply["tags"] == ["delivery", "late"]
    by_tag = api.get(f"{API}/prepared-replies?tag=delivery", headers=desk.agent2.auth).json()
    assert [r["id"] for r in by_tag["items"]] == [reply["id"]]
    by_text = api.get(f"{API}/prepared-replies?q=replacement", headers=desk.agent2.auth).json()
    assert [r["id"] for r in by_text["items"]] == [reply["id"]]
    edited = api.patch(
        f"{API}/prepared-replies/{reply['id']}", headers=desk.lead.auth, json={"tags": ["delivery"]}
    )
    assert edited.status_code == 200 and edited.json()["tags"] == ["delivery"]


def test_prepared_replies_are_drafts_until_a_lead_publishes_them(
    api: TestClient, desk: Desk
) -> None:
    reply = _post(api, "/prepared-replies", desk.agent, title="Cracked jug",
                  body="Thank you for telling us; a new jug is on its way today.")
    assert reply["status"] == "draft"
    path = f"{API}/prepared-replies/{reply['id']}"
    assert api.get(path, headers=desk.agent2.auth).json()["title"] == "Cracked jug"
    assert api.post(f"{path}/publish", headers=desk.agent.auth).status_code == 403
    assert _post(api, f"/prepared-replies/{reply['id']}/publish", desk.lead, 200)[
        "status"] == "published"
    own_published = api.patch(path, headers=desk.agent.auth, json={"body": "quietly changed"})
    assert own_published.status_code == 403
    published = api.get(f"{API}/prepared-replies?status=published", headers=desk.agent.auth)
    assert [r["id"] for r in published.json()["items"]] == [reply["id"]]
    assert api.post(f"{path}/unpublish", headers=desk.agent.auth).status_code == 403
    back = _post(api, f"/prepared-replies/{reply['id']}/unpublish", desk.lead, 200)
    assert back["status"] == "draft"
    assert api.patch(path, headers=desk.agent.auth, json={"body": "better"}).status_code == 200


def test_a_lead_takes_a_published_article_back_to_draft(api: TestClient, desk: Desk) -> None:
    article = _post(api, "/articles", desk.agent, title="Jug cracks", body="Replace the jug.")
    path = f"/articles/{article['id']}"
    _post(api, f"{path}/publish", desk.lead, 200)
    assert api.patch(API + path, headers=desk.agent.auth, json={"body": "x"}).status_code == 403
    assert api.post(f"{API}{path}/unpublish", headers=desk.agent.auth).status_code == 403
    assert _post(api, f"{path}/unpublish", desk.lead, 200)["status"] == "draft"
    again = api.post(f"{API}{path}/unpublish", headers=desk.lead.auth)
    assert again.status_code == 409
