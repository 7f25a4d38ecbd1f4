"""The workspace pages over HTTP (no browser): the New case form for a caller or a
walk-in, logging a call, internal notes, the coach's reading on each message, handovers
named by their case, and the same intake rules on the API."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from api_support import API, Desk, api_fixture, desk_fixture  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient
from test_pages_agent import case_id, log_in, open_case

from frontliner.desk import escalation, ownership
from frontliner.desk.model import Case, Channel, Direction, Interaction, User
from frontliner.store.uow import SqlUnitOfWork

INTAKE = {
    "channel": "walk_in", "customer_name": "Bo Chen", "contact": "+44 20 7946 0000",
    "nature": "Kettle stopped heating", "message": "It just stopped; the light stays off.",
    "problem_at": "2026-03-01T14:30", "remedy_requested": "120.00", "category": "kettles",
    "required_skill": "", "person_name[]": ["Dee Store", "", ""],
    "person_contact[]": ["dee@shop.test", "", ""],
}


def _stored(factory: Callable[[], SqlUnitOfWork], ref: str) -> Case:
    with factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None
        return case


def test_new_case_form_opens_a_walk_in_case_with_when_the_problem_happened(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    token = log_in(api, "kim@desk.test")
    form = api.get("/work/cases/new")
    assert form.status_code == 200 and 'name="problem_at"' in form.text
    opened = api.post("/work/cases/new", data={**INTAKE, "csrf_token": token},
                      follow_redirects=False)
    assert opened.status_code == 303
    ref = opened.headers["location"].rsplit("/", 1)[1]
    case = _stored(uow_factory, ref)
    assert (case.channel, case.owner_id, case.category) == (Channel.WALK_IN, desk.agent2.id,
                                                           "kettles")
    assert case.problem_at == datetime(2026, 3, 1, 14, 30, tzinfo=UTC)
    assert case.people_involved == [{"name": "Dee Store", "contact": "dee@shop.test"}]
    assert "the remedy asked for" in " ".join(case.size_reasons)  # 120.00 reached triage
    page = api.get(opened.headers["location"]).text
    assert f"Case {ref} opened" in page
    assert re.search(r'id="problem-at"><time[^>]*>2026-03-01 14:30 UTC', page)
    assert "the problem happened" in page  # on the customer's timeline


def test_new_case_form_shows_each_refusal_by_its_field_and_keeps_what_was_typed(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    token = log_in(api, "kim@desk.test")
    typed = {**INTAKE, "nature": "", "contact": "", "person_contact[]": ["", "", ""],
             "csrf_token": token}
    refused = api.post("/work/cases/new", data=typed)
    assert refused.status_code == 422
    page = refused.text
    for field in ("nature", "contact"):
        assert f'id="{field}-error"' in page
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page)
    assert 'value="Bo Chen"' in page and "It just stopped; the light stays off." in page
    assert 'value="2026-03-01T14:30"' in page and 'value="Dee Store"' in page

    fixed = {**typed, "nature": "Kettle stopped heating", "contact": "bo@example.com"}
    person = api.post("/work/cases/new", data=fixed)
    assert person.status_code == 422  # the person involved still has no contact
    assert 'id="person_contact_0-error"' in person.text
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    later = api.post("/work/cases/new", data={**fixed, "person_contact[]": ["dee@shop.test"],
                                              "problem_at": future, "remedy_requested": "x"})
    assert later.status_code == 422
    assert 'id="remedy_requested-error"' in later.text and "12.50" in later.text
    when = api.post("/work/cases/new", data={**fixed, "person_contact[]": ["dee@shop.test"],
                                             "problem_at": future})
    assert 'id="problem_at-error"' in when.text and "not later than now" in when.text
    with uow_factory() as uow:
        assert uow.find(Case, limit=5) == []  # nothing opened by a refused form


def test_api_intake_refuses_what_the_form_refuses_and_keeps_problem_at(
    api: TestClient, desk: Desk
) -> None:
    body = {"nature": "Kettle stopped heating", "customer_name": "Bo Chen",
            "contact": "bo@example.com", "channel": "phone"}
    naive = api.post(f"{API}/cases", json={**body, "problem_at": "2026-03-01T14:30:00"},
                     headers=desk.agent2.auth)
    assert naive.status_code == 422
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    refused = api.post(f"{API}/cases", json={**body, "problem_at": future},
                       headers=desk.agent2.auth)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["fields"] == {"problem_at": "not later than now"}
    opened = api.post(f"{API}/cases", json={**body, "problem_at": "2026-03-01T14:30:00+01:00"},
                      headers=desk.agent2.auth)
    assert opened.status_code == 201
    stored = datetime.fromisoformat(opened.json()["problem_at"].replace("Z", "+00:00"))
    assert stored == datetime(2026, 3, 1, 13, 30, tzinfo=UTC)
    assert opened.json()["waiting_since"] is not None


def test_logging_a_call_and_a_note_from_the_case_page(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref = open_case(uow_factory, desk.agent2.id, "Blender jug cracked")
    token = log_in(api, "kim@desk.test")
    empty = api.post(f"/work/cases/{ref}/call", data={"said": " ", "summary": "kept?",
                                                      "csrf_token": token})
    assert empty.status_code == 422 and 'value="kept?"' in empty.text
    api.post(f"/work/cases/{ref}/call", data={
        "said": "You idiots, I know where you live. Third time this jug cracked!",
        "summary": "Customer shouting; offered a new jug", "csrf_token": token})
    api.post(f"/work/cases/{ref}/note", data={"note": "Supplier batch 42?",
                                             "csrf_token": token})
    with uow_factory() as uow:
        found = uow.find(Interaction, case_id=case_id(uow, ref))
    said = [(m.direction, m.channel, m.body) for m in found]
    assert (Direction.INBOUND, Channel.PHONE,
            "You idiots, I know where you live. Third time this jug cracked!") in said
    assert (Direction.NOTE, Channel.API, "Call summary: Customer shouting; offered a new jug"
            ) in said
    assert (Direction.NOTE, Channel.API, "Supplier batch 42?") in said

    page = api.get(f"/work/cases/{ref}").text
    assert "(phone call, logged by Kim Agent)" in page
    assert re.search(r'class="badge abuse"[^>]*>.*Abuse: insult, threat', page)
    # frustration 0.5: in words and a meter icon, not colour alone
    assert re.search(r'aria-hidden="true">▮▮▯</span> Frustration: frustrated<', page)
    customer = api.get(f"{API}/cases/{ref}", headers=desk.ann.auth).json()
    assert all(m["direction"] != "note" for m in customer["interactions"])


def test_handovers_offered_to_me_are_named_by_their_case_reference(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref = open_case(uow_factory, desk.agent.id, "Refund not received yet")
    with uow_factory() as uow:
        sam = uow.get(User, desk.agent.id)
        ownership.offer_handover(uow, sam, case_id(uow, ref), desk.agent2.id, "my shift ends")
        uow.commit()
    log_in(api, "kim@desk.test")
    page = api.get("/work").text
    assert f"Handover of case {ref}</a>: Refund not received yet" in page
    assert not re.search(r"Handover of case \d+<", page)


def test_follow_ups_due_name_the_customer_and_the_last_message(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref = open_case(uow_factory, desk.agent2.id, "Water damage from a leaking washer")
    with uow_factory() as uow:
        kim = uow.get(User, desk.agent2.id)
        escalation.escalate(uow, kim, case_id(uow, ref), "needs a lead's authority",
                            "leak since Monday 9:00", handler_id=desk.lead.id,
                            people_involved=[{"name": "Joe Fixer", "contact": "joe@ex.test"}],
                            now=datetime.now(UTC) - timedelta(days=5))
        uow.commit()
    log_in(api, "kim@desk.test")
    page = api.get("/work?queue=follow-ups").text
    row = re.search(rf'<tr data-row data-ref="{ref}">(.*?)</tr>', page, re.S)
    assert row is not None
    assert "Ann Lee" in row.group(1)
    assert re.search(r"Customer:</span> It is broken again!", row.group(1))


def test_the_hand_over_choices_are_the_active_agents_then_leads_but_not_me(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref = open_case(uow_factory, desk.agent2.id, "Kettle lid broken")
    log_in(api, "kim@desk.test")

    def offered() -> list[tuple[str, str]]:
        page = api.get(f"/work/cases/{ref}").text
        hand_over = re.search(r'<select id="ho-to" name="to_user_id">(.*?)</select>', page)
        assert hand_over is not None
        return re.findall(r'<option value="(\d+)">([^<]+)</option>', hand_over.group(1))

    # Agents first though the lead's account is older; not Kim herself, no admin.
    assert offered() == [(str(desk.agent.id), "Sam Agent (agent)"),
                         (str(desk.lead.id), "Lee Lead (lead)")]
    with uow_factory() as uow:
        gone = uow.get(User, desk.agent.id)
        assert gone is not None
        gone.active = False  # Sam left: no longer offered
        uow.commit()
    assert offered() == [(str(desk.lead.id), "Lee Lead (lead)")]
