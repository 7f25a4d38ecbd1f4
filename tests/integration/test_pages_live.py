"""The pages' side of live updates: the counts the side navigation asks for again, the
cursor every agent page starts its socket from, and the handler's hand-back note on the
case page."""

from __future__ import annotations

import re
from collections.abc import Callable

from api_support import Desk, api_fixture, desk_fixture  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient
from test_pages_agent import case_id, log_in, open_case

from frontliner.desk import escalation, interactions
from frontliner.desk.model import User
from frontliner.store import live_queries
from frontliner.store.uow import SqlUnitOfWork

Factory = Callable[[], SqlUnitOfWork]


def _as(factory: Factory, person_id: int, operation: Callable[..., object], *args: object,
        **kw: object) -> None:
    with factory() as uow:
        operation(uow, uow.get(User, person_id), *args, **kw)
        uow.commit()


def test_queue_counts_answer_as_json_for_a_logged_in_agent_only(
    api: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    open_case(uow_factory, desk.agent2.id, "Blender arrived with a cracked jug")
    log_in(api, "kim@desk.test")
    found = api.get("/work/queue-counts")
    assert found.status_code == 200
    assert found.headers["cache-control"] == "no-store"
    assert found.json() == {"counts": {"mine": 1, "unassigned": 0, "escalated": 0,
                                       "follow-ups": 0, "waiting": 0}, "cap": 1000}
    nobody = TestClient(api.app).get("/work/queue-counts", follow_redirects=False)
    assert nobody.status_code == 303 and nobody.headers["location"].startswith("/login")


def test_every_agent_page_starts_its_live_view_from_the_newest_change(
    api: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    ref = open_case(uow_factory, desk.agent2.id, "Blender arrived with a cracked jug")
    log_in(api, "kim@desk.test")
    with uow_factory() as uow:
        newest = live_queries.head(uow.session)
        this_case = case_id(uow, ref)
    queue = api.get("/work").text
    assert f'data-live-since="{newest}"' in queue and "data-case-id" not in queue
    assert '<script src="/static/js/live.js" defer></script>' in queue
    page = api.get(f"/work/cases/{ref}").text
    assert f'data-live-since="{newest}"' in page and f'data-case-id="{this_case}"' in page


def test_the_hand_back_note_shows_to_the_owner_until_they_act(
    api: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    ref = open_case(uow_factory, desk.agent2.id, "Refund for a double charge")
    with uow_factory() as uow:
        number = case_id(uow, ref)
    _as(uow_factory, desk.agent2.id, escalation.escalate, number, "above my limit",
        "charged twice", handler_id=desk.lead.id,
        people_involved=[{"name": "Pat", "contact": "pat@bank.example"}])
    _as(uow_factory, desk.lead.id, escalation.hand_back, number,
        "Refund of <b>80.00</b> approved")
    log_in(api, "kim@desk.test")
    page = api.get(f"/work/cases/{ref}").text
    assert "Handed back to you by Lee Lead" in page
    assert "Refund of &lt;b&gt;80.00&lt;/b&gt; approved" in page  # escaped, never markup
    assert "Handler:" not in page

    _as(uow_factory, desk.agent2.id, interactions.record_outbound, number,
        "Thank you for waiting: your refund of 80.00 is on its way.")
    after = api.get(f"/work/cases/{ref}").text
    assert "Handed back to you by" not in after
    assert re.search(r"Last handed back by Lee Lead .*80\.00", after, re.S)

