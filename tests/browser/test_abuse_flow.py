"""The abuse policy flow in Chromium, through the real parts: a visitor's chat widget, the
agent's case page, the lead console.

A frustrated chat message offers nothing but an answer; an abusive one brings the policy
beside it. The agent sends the prepared boundary reply (the coach passes it), ends the
chat with a reason; the visitor's widget says the chat has ended and how to reach us; the
lead sees the report; the case still has its owner and is unresolved."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import LiveServer, Person, screenshot

from frontliner.desk import ownership, unassigned
from frontliner.desk.access import UNRESOLVED
from frontliner.desk.model import AbuseReport, AuditEntry, Case, Direction, Interaction

FRUSTRATED = ("This is ridiculous!!! The damn jug cracked AGAIN, third time I write. "
              "I will cancel and tell everyone on twitter.")
ABUSIVE = "You are a useless idiot and a liar. Fix my jug."


def _owned_by(server: LiveServer, ref: str, person: Person) -> Case:
    """The chat went to whoever was free, or waits in Unassigned: `person` takes it, or
    its owner hands it to them (offered, accepted)."""
    desk = server.desk
    with desk.uow_factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None
        owner_id, case_id = case.owner_id, case.id
    if owner_id is None:
        desk.run(unassigned.take_case, person, case_id)
    elif owner_id != person.id:
        owner = next(p for p in (desk.agent, desk.agent2, desk.lead, desk.admin)
                     if p.id == owner_id)
        offered = desk.run(ownership.offer_handover, owner, case_id, person.id, "abuse test")
        desk.run(ownership.accept_handover, person, offered.id)
    with desk.uow_factory() as uow:
        found = uow.case_by_ref(ref)
        assert found is not None
        return found


def _visitor_says(page: Any, text: str) -> None:
    page.get_by_label("Message").fill(text)
    page.get_by_role("button", name="Send").click()
    page.get_by_text(text).wait_for()


def test_abusive_chat_leads_to_the_policy_flow_and_frustration_does_not(
    anonymous_page: Any, agent_page: Any, lead_page: Any, live_server: LiveServer,
    tmp_path: Any,
) -> None:
    visitor, agent, lead = anonymous_page, agent_page, lead_page
    visitor.goto("/chat")
    visitor.get_by_role("button", name="Chat with us").click()
    visitor.get_by_label("Your name").fill("Rex Roe")
    visitor.get_by_label("Your e-mail").fill("rex@example.org")
    visitor.get_by_label("How can we help?").fill("My blender jug cracked on day two.")
    visitor.get_by_role("button", name="Start chat").click()
    visitor.get_by_text(re.compile(r"Connected\. Case FL-")).wait_for()
    ref = visitor.get_by_role("status").inner_text().split("Case ", 1)[1].rstrip(".")
    sam = live_server.desk.agent
    _owned_by(live_server, ref, sam)
    _visitor_says(visitor, FRUSTRATED)
    _visitor_says(visitor, ABUSIVE)

    # The agent: frustration gets no policy and no ending; the abusive message does.
    agent.goto(f"/work/cases/{ref}")
    messages = agent.locator("article.message")
    frustrated = messages.filter(has_text="third time I write")
    abusive = messages.filter(has_text="useless idiot")
    assert frustrated.get_by_role("button", name=re.compile("End the")).count() == 0
    assert frustrated.get_by_text("Abuse:").count() == 0
    panel = abusive.locator(".abuse-panel")
    panel.get_by_role("heading", name=re.compile(r"Abuse \(insult\): what you may do")).wait_for()
    assert abusive.locator(".badge.abuse").inner_text().endswith("Abuse: insult")
    panel.get_by_text("Read the abuse policy").click()
    panel.get_by_role("heading", name="What is not abuse", level=5).wait_for()
    screenshot(agent, live_server, "agent-case-abuse-policy", tmp_path)

    # The boundary reply goes into the composer; the coach checks it and finds no error.
    panel.get_by_role("button", name="Use the boundary reply").click()
    draft = agent.get_by_label("Your reply")
    assert "insults aimed at people" in draft.input_value()
    agent.locator("#coach-summary").filter(has_not_text="reads your draft").wait_for()
    assert agent.locator("#coach-summary .sev-error-text").count() == 0
    agent.get_by_role("button", name="Send reply").click()
    agent.get_by_text("Reply sent.").wait_for()
    visitor.get_by_text(re.compile(r"I will not go on with a chat that includes insults")
                        ).wait_for()

    # The agent ends the chat with a reason: the visitor is told and can send no more,
    # and a lead at work in the workspace gets a live notice.
    lead.goto("/work")
    abusive = agent.locator("article.message").filter(has_text="useless idiot")
    abusive.get_by_label(re.compile("Why you end the conversation")).fill(
        "Insults went on after the boundary reply.")
    abusive.get_by_role("button", name="End the chat").click()
    agent.get_by_text("Conversation ended and the reason recorded").wait_for()
    side = agent.locator("#abuse-ended")
    side.get_by_text("Insults went on after the boundary reply.").wait_for()
    assert "Replies now go by e-mail" in side.inner_text()
    assert agent.locator("#case-status").inner_text() != "resolved"

    visitor.get_by_text(re.compile(r"We have ended this chat because of the insults")).wait_for()
    visitor.get_by_text(re.compile(rf"This chat has ended\. Your case {ref} is still open")
                        ).wait_for()
    assert not visitor.get_by_label("Message").is_visible()
    screenshot(visitor, live_server, "chat-ended-over-abuse", tmp_path)

    lead.locator("#notices").get_by_text(
        re.compile(rf"Sam Agent ended the conversation over abuse on case {ref} \(insult\)")
    ).wait_for()

    # The lead sees the report in the console.
    lead.goto("/lead/abuse")
    row = lead.locator("#abuse-reports tbody tr").filter(has_text=ref)
    row.get_by_text("Conversation ended").wait_for()
    assert "Insults went on after the boundary reply." in row.inner_text()
    assert "Sam Agent" in row.inner_text() and "insult" in row.inner_text()
    screenshot(lead, live_server, "lead-abuse-reports", tmp_path)

    with live_server.desk.uow_factory() as uow:
        case = uow.case_by_ref(ref)
        assert case is not None
        assert case.owner_id == sam.id and case.status in UNRESOLVED
        [ended] = uow.find(AbuseReport, case_id=case.id)
        said = uow.find(Interaction, case_id=case.id, limit=20)
        audit = uow.find(AuditEntry, case_id=case.id, action="conversation_ended")
    assert ended.reason == "Insults went on after the boundary reply." and audit
    sent = [m for m in said if m.direction == Direction.OUTBOUND]
    assert "insults aimed at people" in sent[0].body and "stays open" in sent[1].body


def test_lead_edits_the_policy_agents_see(lead_page: Any, live_server: LiveServer,
                                          tmp_path: Any) -> None:
    page = lead_page
    page.goto("/lead/abuse-policy")
    box = page.get_by_label(re.compile(r"The policy \(at most"))
    text = box.input_value()
    assert "What counts as abuse" in text
    box.fill(text + "\n\nCall a lead at once about any threat of harm.")
    page.get_by_label("What changed").fill("Threats go to a lead at once.")
    page.get_by_role("button", name="Save the policy").click()
    page.get_by_text("Policy saved").wait_for()
    page.locator("#policy-now").get_by_text("Call a lead at once about any threat").wait_for()
    assert "Threats go to a lead at once." in page.locator("#policy-history").inner_text()
    screenshot(page, live_server, "lead-abuse-policy", tmp_path)
