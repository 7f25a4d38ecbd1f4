"""GET /api/v1/search: staff search the whole desk; a customer only their own cases."""

from __future__ import annotations

from typing import Any

from api_support import API, Desk, api_fixture, desk_fixture, open_case  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient


def _search(api: TestClient, who: Any, **params: Any) -> list[dict[str, Any]]:
    response = api.get(f"{API}/search", params=params, headers=who.auth)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_staff_find_a_case_by_words_of_its_messages_with_a_marked_snippet(
    api: TestClient, desk: Desk
) -> None:
    case = open_case(api, desk.agent, nature="kitchen trouble",
                     message="The jug of my blender cracked <b>badly</b>.")
    items = _search(api, desk.agent, q="jug blender")
    assert [(i["kind"], i["ref"]) for i in items] == [("case", case["ref"])]
    hit = items[0]
    assert hit["matched"] == "message" and hit["url"] == f"/work/cases/{case['ref']}"
    assert "<mark>jug</mark>" in hit["snippet_html"] and "<b>" not in hit["snippet_html"]
    assert "<mark>" not in hit["snippet"] and "blender" in hit["snippet"]


def test_a_customer_finds_only_their_own_cases_and_never_a_note(
    api: TestClient, desk: Desk
) -> None:
    anns = open_case(api, desk.ann, nature="my trampoline wobbles")
    bobs = open_case(api, desk.agent, nature="my trampoline squeaks",
                     customer_name="Bob Roe", contact="bob@example.com")
    note = api.post(f"{API}/cases/{anns['ref']}/notes", headers=desk.agent.auth,
                    json={"body": "internal: trampoline supplier recall list"})
    assert note.status_code == 201
    staff = {i["ref"] for i in _search(api, desk.agent, q="trampoline")}
    assert staff == {anns["ref"], bobs["ref"]}
    mine = _search(api, desk.ann, q="trampoline")
    assert [i["ref"] for i in mine] == [anns["ref"]]
    assert mine[0]["url"] == f"/portal/cases/{anns['ref']}"
    assert _search(api, desk.ann, q="recall") == []
    assert _search(api, desk.ann, q="squeaks") == []
    assert _search(api, desk.ann, q="Bob Roe") == []


def test_filters_and_limits_are_checked(api: TestClient, desk: Desk) -> None:
    open_case(api, desk.agent, nature="printer jams", channel="phone")
    assert _search(api, desk.agent, q="printer", channel="chat") == []
    assert len(_search(api, desk.agent, q="printer", channel="phone")) == 1
    for bad in ({"q": "x" * 201}, {"q": "x", "limit": 0}, {"q": "x", "owner_id": 2**40},
                {"q": "x", "status": "nonsense"}):
        response = api.get(f"{API}/search", params=bad, headers=desk.agent.auth)
        assert response.status_code == 422, (bad, response.text)


def test_hostile_words_are_searched_as_words(api: TestClient, desk: Desk) -> None:
    case = open_case(api, desk.agent, nature='the "quoted" NEAR(thing) broke')
    for text in ['"', "NEAR(", "quoted*", "') OR 1=1 --", "a:* & !b", "\\", "%"]:
        response = api.get(f"{API}/search", params={"q": text}, headers=desk.agent.auth)
        assert response.status_code == 200, (text, response.text)
    assert [i["ref"] for i in _search(api, desk.agent, q='"quoted"')] == [case["ref"]]
