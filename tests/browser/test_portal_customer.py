"""The customer portal as a customer meets it: only their own cases, a new case with the
intake fields (nothing typed is lost on a mistake), replying, and saying a fix did not
work, at a phone's width."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import BrowserDesk
from tests.browser.test_lead_approval_flow import assert_accessible_basics

from frontliner.desk import closing, customers, intake, interactions, presence
from frontliner.desk.model import Case, CaseStatus, Direction, Interaction

PHONE = {"width": 390, "height": 844}


def test_a_customer_cannot_open_another_customers_case(
    customer_page: Any, browser_desk: BrowserDesk
) -> None:
    desk = browser_desk
    with desk.uow_factory() as uow:
        customers.create_customer(uow, None, "Bob Stone", ["bob@example.com"])
        theirs = intake.open_case(uow, desk.user(desk.agent, uow),
                                  nature="Bob's secret billing dispute",
                                  customer_name="Bob Stone", contact="bob@example.com")
        uow.commit()
    own = desk.open_case(nature="Ann's own parcel")

    response = customer_page.goto(f"/portal/cases/{theirs.ref}")
    assert response.status == 404
    body = customer_page.locator("main").inner_text()
    assert "We found no case of yours with that reference" in body
    assert "secret billing dispute" not in body

    customer_page.goto("/portal")
    listed = customer_page.locator("main").inner_text()
    assert own.ref in listed and theirs.ref not in listed
    # Posting to the other customer's case changes nothing either.
    token = customer_page.locator("meta[name=csrf-token]").get_attribute("content")
    refused = customer_page.request.post(f"/portal/cases/{theirs.ref}/reply",
                                         form={"csrf_token": token, "body": "hello"})
    assert refused.status == 404
    with desk.uow_factory() as uow:
        assert uow.find(Interaction, case_id=theirs.id) == []


def test_customer_opens_a_case_on_a_phone_replies_and_says_the_fix_did_not_work(
    customer_page: Any, browser_desk: BrowserDesk
) -> None:
    desk = browser_desk
    desk.run(presence.set_presence, desk.agent2, "available")  # someone to take it in
    try:
        _opens_replies_and_says_not_fixed(customer_page, desk)
    finally:
        desk.run(presence.set_presence, desk.agent2, "offline")


def _opens_replies_and_says_not_fixed(page: Any, desk: BrowserDesk) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/portal")
    page.get_by_role("link", name="Tell us about a problem").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Tell us about a problem"
    assert "Ann Lee at ann@example.com" in page.locator("main").inner_text()  # from her record
    assert_accessible_basics(page)

    # The problem left empty: refused, and the story she wrote is still there.
    page.get_by_label("Tell us what happened").fill("The kettle stopped heating after a week.")
    page.get_by_label("What is the problem?").evaluate("e => e.removeAttribute('required')")
    page.get_by_role("button", name="Send").click()
    assert "the nature of the problem" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Tell us what happened").input_value() == (
        "The kettle stopped heating after a week.")

    page.get_by_label("What is the problem?").fill("Kettle <b>stopped</b> heating")
    page.get_by_role("button", name="Send").click()
    assert "Your case is open and has an owner" in page.get_by_role("status").inner_text()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Kettle <b>stopped</b> heating"  # shown as typed, never as markup
    ref = page.url.split("/portal/cases/")[1].split("?")[0]
    # Usable at a phone's width: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_label("Your message").fill("It is the blue one, bought in March.")
    page.get_by_role("button", name="Send message").click()
    assert "your message is with your contact" in page.get_by_role("status").inner_text()
    assert "bought in March" in page.locator(".conversation").inner_text()

    with desk.uow_factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None
        case_id, owner_id = case.id, case.owner_id
    # Whoever took the case in answers and believes it fixed (the agent workspace's steps).
    owner = next(p for p in (desk.agent, desk.agent2, desk.lead) if p.id == owner_id)
    desk.run(interactions.record_outbound, owner, case_id,
             "Thank you for telling us, and sorry. A new kettle is on its way today.")
    desk.run(closing.request_confirmation, owner, case_id)
    page.reload()
    conversation = page.locator(".conversation").inner_text()
    assert f"{owner.name} ·" in conversation and "A new kettle is on its way" in conversation
    page.get_by_label("If it is not solved, what is still wrong?").fill(
        "Still cold after the swap.")
    page.get_by_role("button", name="No, it is not solved").click()
    assert "open again with the same contact" in page.get_by_role("status").inner_text()
    assert "We are working on it" in page.locator(".case-meta").inner_text()
    assert page.get_by_role("button", name="Yes, it is solved").count() == 0

    with desk.uow_factory() as uow:
        stored = uow.get(Case, case_id or 0)
        assert stored is not None and stored.status == CaseStatus.OPEN
        said = [m.body for m in uow.find(Interaction, case_id=case_id)
                if m.direction == Direction.INBOUND]
    assert said == ["The kettle stopped heating after a week.",
                    "It is the blue one, bought in March.", "Still cold after the swap."]
