"""The abuse policy flow on the case page over HTTP, on SQLite and PostgreSQL: the
policy and the actions appear beside an abusive message only, never beside a frustrated
one; ending needs a reason and keeps the case owned and open; an agent's own report
leaves the ending to a lead. The browser flow is tests/browser/test_abuse_flow.py."""

from __future__ import annotations

import re
from collections.abc import Callable

from api_support import Desk, api_fixture, desk_fixture  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient
from test_pages_agent import log_in

from frontliner.desk import intake, interactions
from frontliner.desk.model import AbuseReport, CaseStatus, User
from frontliner.store.uow import SqlUnitOfWork

Factory = Callable[[], SqlUnitOfWork]
ABUSIVE = "You are a useless idiot. The blender jug cracked again and nobody answers."
FRUSTRATED = ("This is ridiculous!!! The damn jug cracked AGAIN, third time I write. "
              "I will cancel and tell everyone on twitter.")
# Intimidation that the analyser does not read as abuse (a plain insult at staff it now
# catches), so staff report it themselves.
ATTACK = "I saw where your colleague at the counter parks her car. Nice car."


def _case_with(factory: Factory, owner_id: int, *bodies: str) -> tuple[str, list[int]]:
    with factory() as uow:
        owner = uow.get(User, owner_id)
        case = intake.open_case(uow, owner, nature="cracked blender jug",
                                customer_name="Ann Lee", contact="ann@example.com")
        ids = [interactions.record_inbound(uow, None, case.id or 0, body).id or 0
               for body in bodies]
        uow.commit()
        return case.ref, ids


def test_abusive_message_gets_the_policy_and_frustration_gets_none(
    api: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    ref, (frustrated, abusive) = _case_with(uow_factory, desk.agent2.id, FRUSTRATED, ABUSIVE)
    log_in(api, desk.agent2.email)
    page = api.get(f"/work/cases/{ref}").text
    assert page.count('action="/work/cases/' + ref + '/abuse/end') == 1
    assert f'abuse/end?message={abusive}"' in page
    assert f'id="abuse-flow-{abusive}-title"' in page and "Abuse (insult): what you may do" in page
    assert "Use the boundary reply" in page and "Read the abuse policy" in page
    assert "What is not abuse" in page  # the whole policy, folded
    [frustrated_part] = [part for part in page.split("<article ")
                         if f'id="message-{frustrated}"' in part]
    assert "Abuse:" not in frustrated_part and "End the conversation" not in frustrated_part
    assert "Report as abuse" in frustrated_part


def test_ending_needs_a_reason_then_keeps_the_case_owned_and_open(
    api: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    ref, (abusive,) = _case_with(uow_factory, desk.agent2.id, ABUSIVE)
    token = log_in(api, desk.agent2.email)
    path = f"/work/cases/{ref}/abuse/end?message={abusive}"
    refused = api.post(path, data={"csrf_token": token, "interaction_id": str(abusive),
                                   "reason": "  "})
    assert refused.status_code == 422
    assert re.search(rf'id="abuse-flow-{abusive}-error">Missing: the reason', refused.text)
    ended = api.post(path, data={"csrf_token": token, "interaction_id": str(abusive),
                                 "reason": "Insults went on after the boundary reply."})
    assert ended.status_code == 200 and "Conversation ended and the reason recorded" in ended.text
    assert 'id="abuse-ended"' in ended.text and "still yours and open" in ended.text
    assert "abuse/end" not in ended.text  # once
    with uow_factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None and case.owner_id == desk.agent2.id
        assert case.status in (CaseStatus.NEW, CaseStatus.OPEN)
        [report] = uow.find(AbuseReport, case_id=case.id)
        assert report.reason == "Insults went on after the boundary reply."


def test_an_agents_report_leaves_the_ending_to_a_lead(
    api: TestClient, desk: Desk, uow_factory: Factory
) -> None:
    ref, (attack,) = _case_with(uow_factory, desk.agent2.id, ATTACK)
    token = log_in(api, desk.agent2.email)
    page = api.get(f"/work/cases/{ref}").text
    assert "abuse/end" not in page and f"abuse/report?message={attack}" in page
    no_kind = api.post(f"/work/cases/{ref}/abuse/report?message={attack}",
                       data={"csrf_token": token, "interaction_id": str(attack), "kind": "",
                             "reason": "Attacks a colleague."})
    assert no_kind.status_code == 422 and "Attacks a colleague." in no_kind.text
    made = api.post(f"/work/cases/{ref}/abuse/report?message={attack}",
                    data={"csrf_token": token, "interaction_id": str(attack),
                          "kind": "harassment", "reason": "Attacks a colleague."})
    assert made.status_code == 200 and "a lead decides" in made.text
    assert "Abuse (harassment): what you may do" in made.text
    assert "Reported by Kim Agent" in made.text
    assert "abuse/end" not in made.text and "needs a lead" in made.text
