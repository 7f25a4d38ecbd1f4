"""The closing protocol on the pages, over HTTP (no browser): the case page offers to
record a confirmation from a message that says it is solved, refuses it exactly as the
API does (the reason shown beside the button, nothing resolved), labels a message that
says it is not solved, and the lead console lists confirmations staff recorded."""

from __future__ import annotations

import re
from collections.abc import Callable

from api_support import Desk, api_fixture, desk_fixture  # noqa: F401 - fixtures, used by name
from fastapi.testclient import TestClient
from tests.integration.test_pages_agent import log_in, open_case

from frontliner.desk import closing, interactions, ownership
from frontliner.desk.model import Case, CaseStatus, Channel, User
from frontliner.store.uow import SqlUnitOfWork

BUTTON = "Record the customer's confirmation from this message"


def _worked_case(factory: Callable[[], SqlUnitOfWork], desk: Desk, says: str) -> tuple[str, int]:
    """Kim's acknowledged case, answered, and the customer's e-mailed reply `says`."""
    ref = open_case(factory, desk.agent2.id, "Kettle switches itself off")
    with factory() as uow:
        kim = uow.get(User, desk.agent2.id)
        case = uow.case_by_ref(ref)
        assert kim is not None and case is not None and case.id is not None
        ownership.acknowledge(uow, kim, case.id)
        interactions.record_outbound(uow, kim, case.id, "A new thermostat is on its way.")
        said = interactions.record_inbound(uow, None, case.id, says, channel=Channel.EMAIL)
        uow.commit()
        assert said.id is not None
        return ref, said.id


def _status(factory: Callable[[], SqlUnitOfWork], ref: str) -> Case:
    with factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None
        return case


def test_a_message_saying_solved_gets_the_button_refused_until_the_checklist(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref, said = _worked_case(uow_factory, desk, "Yes that fixed it, thanks!")
    token = log_in(api, "kim@desk.test")
    page = api.get(f"/work/cases/{ref}").text
    assert BUTTON in page and "says it is solved" in page
    refused = api.post(f"/work/cases/{ref}/confirm?from={said}",
                       data={"csrf_token": token, "interaction_id": str(said)})
    assert refused.status_code == 422
    shown = re.search(rf'id="confirm-{said}-error">(.*?)</p>', refused.text, re.S)
    assert shown is not None and "share the plan" in shown.group(1)
    assert 'href="#closing"' in shown.group(1)
    assert _status(uow_factory, ref).status == CaseStatus.OPEN
    for step in ("plan_shared", "permission_asked", "satisfaction_asked"):
        marked = api.post(f"/work/cases/{ref}/closing/{step}", data={"csrf_token": token},
                          follow_redirects=False)
        assert marked.status_code == 303
    done = api.post(f"/work/cases/{ref}/confirm?from={said}",
                    data={"csrf_token": token, "interaction_id": str(said)},
                    follow_redirects=False)
    assert done.status_code == 303
    case = _status(uow_factory, ref)
    assert case.status == CaseStatus.RESOLVED and case.confirmed_via == "agent_recorded"
    after = api.get(f"/work/cases/{ref}").text
    assert "cited as the customer's confirmation, recorded by Kim Agent" in after
    assert 'id="recorded-confirmation"' in after and "recorded by staff" in after
    assert BUTTON not in after


def test_the_page_refuses_a_new_case_and_a_reply_as_the_api_does(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref = open_case(uow_factory, desk.agent2.id, "Blender lid cracked")
    token = log_in(api, "kim@desk.test")
    with uow_factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None and case.id is not None
        kim = uow.get(User, desk.agent2.id)
        for step in closing.ClosingStep:
            closing.mark_closing_step(uow, kim, case.id, step)
        call = interactions.record_inbound(uow, kim, case.id, "Caller: all working now",
                                           channel=Channel.PHONE)
        uow.commit()
    new = api.post(f"/work/cases/{ref}/confirm",
                   data={"csrf_token": token, "interaction_id": str(call.id)})
    assert new.status_code == 409 and "is new" in new.text
    reply_ref, _ = _worked_case(uow_factory, desk, "thanks")
    bad = api.post(f"/work/cases/{reply_ref}/confirm",
                   data={"csrf_token": token, "interaction_id": "abc"})
    assert bad.status_code == 422 and 'id="confirm-error"' in bad.text
    assert _status(uow_factory, ref).status == CaseStatus.NEW
    assert _status(uow_factory, reply_ref).status == CaseStatus.OPEN


def test_a_message_saying_not_solved_gets_a_quiet_label_and_no_button(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref, _ = _worked_case(uow_factory, desk, "No, it still switches itself off.")
    log_in(api, "kim@desk.test")
    page = api.get(f"/work/cases/{ref}").text
    assert "says it is not solved yet" in page and BUTTON not in page


def test_the_lead_console_lists_confirmations_staff_recorded_with_the_words(
    api: TestClient, desk: Desk, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    ref, said = _worked_case(uow_factory, desk, "Sorted, cheers - it stays on now")
    with uow_factory() as uow:
        kim = uow.get(User, desk.agent2.id)
        case = uow.case_by_ref(ref)
        assert case is not None and case.id is not None
        for step in closing.ClosingStep:
            closing.mark_closing_step(uow, kim, case.id, step)
        closing.confirm_fixed(uow, kim, case.id, interaction_id=said)
        uow.commit()
    log_in(api, "lee@desk.test")
    page = api.get("/lead/closing").text
    listed = page[page.index('id="recorded-title"'):]
    assert ref in listed and "Sorted, cheers - it stays on now" in listed
    assert "Kim Agent" in listed
