"""The abuse policy flow in the desk: the written policy, reporting a message, ending a
conversation (only over abuse, never over frustration), and the case staying owned."""

from __future__ import annotations

import pytest

from frontliner.desk import abuse
from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.interactions import record_inbound
from frontliner.desk.model import (
    AbuseAction,
    AbusePolicy,
    AbuseReport,
    AuditEntry,
    Case,
    CaseStatus,
    Channel,
    Direction,
    Interaction,
)
from tests.unit.conftest import MONDAY, Desk

ABUSIVE = "You are a useless idiot. My kettle is still broken and nobody answers me."
THREAT = "I know where you live and I will hurt you if this kettle is not replaced."
# Intimidation that the analyser does not read as abuse (a plain insult at staff, "your
# colleague is a clown and a liar", it now catches), so staff report it themselves.
VEILED = "I saw where your new colleague at the counter parks her car. Nice car."
FRUSTRATED = [
    "This is absolutely ridiculous, the third time I write and the damn kettle is still "
    "broken!!! I will sue you and tell everyone on twitter.",
    "Your service is crap. I am cancelling my account and going to a competitor.",
    "WHY DOES NOBODY ANSWER?? This is the worst company I have ever dealt with.",
]


def _message(desk: Desk, case: Case, body: str) -> Interaction:
    assert case.id is not None
    return record_inbound(desk.uow, None, case.id, body, channel=case.channel, now=MONDAY)


def _ids(case: Case, message: Interaction) -> tuple[int, int]:
    assert case.id is not None and message.id is not None
    return case.id, message.id


# --- the policy -------------------------------------------------------------------------


def test_shipped_policy_separates_abuse_from_frustration() -> None:
    text = abuse.default_policy_text()
    for words in ("Threats of harm", "Slurs", "Insults aimed at a person", "Harassment",
                  "Doxxing", "threats to leave", "to sue", "go public", "swearing"):
        assert words in text


def test_lead_writes_a_new_policy_version_and_the_old_one_is_kept(desk: Desk) -> None:
    first = abuse.update_policy(desk.uow, desk.lead, "No threats.", "first", now=MONDAY)
    second = abuse.update_policy(desk.uow, desk.lead, "No threats or slurs.\r\n", now=MONDAY)
    kept = desk.uow.find(AbusePolicy)
    assert [p.body for p in kept] == ["No threats.", "No threats or slurs."]
    assert second.written_by_id == desk.lead.id and first.note == "first"


def test_agent_cannot_change_the_policy(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        abuse.update_policy(desk.uow, desk.agent, "Anything goes.", now=MONDAY)


def test_empty_or_huge_policy_is_refused_naming_the_field(desk: Desk) -> None:
    with pytest.raises(Invalid) as empty:
        abuse.update_policy(desk.uow, desk.lead, "   ", now=MONDAY)
    with pytest.raises(Invalid) as huge:
        abuse.update_policy(desk.uow, desk.lead, "x" * (abuse.MAX_POLICY + 1), now=MONDAY)
    assert list(empty.value.fields) == ["body"] and list(huge.value.fields) == ["body"]


# --- ending a conversation ---------------------------------------------------------------


def test_owner_ends_conversation_over_abuse_and_case_stays_owned_and_open(desk: Desk) -> None:
    case = desk.open()
    message = _message(desk, case, ABUSIVE)
    report = abuse.end_conversation(desk.uow, desk.agent, *_ids(case, message),
                                    "Insults after a boundary reply.",
                                    reach_us="support@desk.example", now=MONDAY)
    assert report.action == AbuseAction.ENDED and report.kinds == ["insult"]
    assert report.by_analyser and report.by_id == desk.agent.id
    assert case.owner_id == desk.agent.id and case.status in (CaseStatus.NEW, CaseStatus.OPEN)
    told = [m for m in desk.uow.find(Interaction, case_id=case.id)
            if m.direction == Direction.OUTBOUND]
    assert len(told) == 1 and case.ref in told[0].body
    assert "support@desk.example" in told[0].body and "insults aimed at people" in told[0].body
    entry = desk.uow.find(AuditEntry, case_id=case.id, action="conversation_ended")[0]
    assert entry.detail["reason"] == "Insults after a boundary reply."
    assert entry.detail["kinds"] == ["insult"] and entry.actor_id == desk.agent.id


@pytest.mark.parametrize("body", FRUSTRATED)
def test_frustration_never_ends_a_conversation(desk: Desk, body: str) -> None:
    case = desk.open()
    message = _message(desk, case, body)
    assert message.analysis is not None and not message.analysis["abuse"]
    assert abuse.grounds(desk.uow, message) is None
    with pytest.raises(Conflict, match="frustration"):
        abuse.end_conversation(desk.uow, desk.lead, *_ids(case, message), "rude", now=MONDAY)
    assert not desk.uow.find(AbuseReport)


def test_ending_needs_a_reason(desk: Desk) -> None:
    case = desk.open()
    message = _message(desk, case, ABUSIVE)
    with pytest.raises(Invalid) as err:
        abuse.end_conversation(desk.uow, desk.agent, *_ids(case, message), "  ", now=MONDAY)
    assert list(err.value.fields) == ["reason"]


def test_a_colleague_who_does_not_work_the_case_cannot_end_it(desk: Desk) -> None:
    case = desk.open()
    message = _message(desk, case, ABUSIVE)
    with pytest.raises(Forbidden):
        abuse.end_conversation(desk.uow, desk.other_agent, *_ids(case, message), "insults",
                               now=MONDAY)


def test_a_conversation_ends_once(desk: Desk) -> None:
    case = desk.open()
    message = _message(desk, case, THREAT)
    abuse.end_conversation(desk.uow, desk.agent, *_ids(case, message), "threat", now=MONDAY)
    with pytest.raises(Conflict, match="already ended"):
        abuse.end_conversation(desk.uow, desk.agent, *_ids(case, message), "again", now=MONDAY)


def test_our_own_reply_cannot_be_treated_as_abuse(desk: Desk) -> None:
    case = desk.open()
    _message(desk, case, ABUSIVE)
    report = abuse.end_conversation(desk.uow, desk.agent, case.id or 0,
                                    desk.uow.find(Interaction, case_id=case.id)[0].id or 0,
                                    "insults", now=MONDAY)
    reply = next(m for m in desk.uow.find(Interaction, case_id=case.id)
             if m.direction == Direction.OUTBOUND)
    assert report.interaction_id != reply.id
    with pytest.raises(Invalid):
        abuse.report_abuse(desk.uow, desk.agent, *_ids(case, reply), "insult", "x", now=MONDAY)


# --- an agent's own report ----------------------------------------------------------------


def test_agents_report_lets_a_lead_end_it_but_not_the_agent(desk: Desk) -> None:
    case = desk.open()
    message = _message(desk, case, VEILED)
    case_id, message_id = _ids(case, message)
    report = abuse.report_abuse(desk.uow, desk.agent, case_id, message_id, "harassment",
                                "Third message attacking the same colleague by name.",
                                now=MONDAY)
    assert report.action == AbuseAction.REPORTED and not report.by_analyser
    assert desk.uow.find(AuditEntry, case_id=case.id, action="abuse_reported")
    with pytest.raises(Forbidden, match="lead"):
        abuse.end_conversation(desk.uow, desk.agent, case_id, message_id, "harassment",
                               now=MONDAY)
    ended = abuse.end_conversation(desk.uow, desk.lead, case_id, message_id,
                                   "Agreed with the report.", now=MONDAY)
    assert ended.kinds == ["harassment"] and case.owner_id == desk.agent.id


def test_a_leads_own_report_lets_the_owner_end_it(desk: Desk) -> None:
    case = desk.open()
    message = _message(desk, case, VEILED)
    abuse.report_abuse(desk.uow, desk.lead, *_ids(case, message), "insult", "Personal attack.",
                       now=MONDAY)
    abuse.end_conversation(desk.uow, desk.agent, *_ids(case, message), "After the lead's report.",
                           now=MONDAY)
    assert abuse.conversation_ended(desk.uow, case.id or 0) is not None


def test_report_needs_a_kind_from_the_policy_and_a_reason(desk: Desk) -> None:
    case = desk.open()
    message = _message(desk, case, "Your service is crap.")
    with pytest.raises(Invalid) as kind:
        abuse.report_abuse(desk.uow, desk.agent, *_ids(case, message), "rudeness", "r",
                           now=MONDAY)
    with pytest.raises(Invalid) as reason:
        abuse.report_abuse(desk.uow, desk.agent, *_ids(case, message), "insult", " ",
                           now=MONDAY)
    assert list(kind.value.fields) == ["kind"] and list(reason.value.fields) == ["reason"]


def test_a_message_the_analyser_flagged_needs_no_report(desk: Desk) -> None:
    case = desk.open()
    message = _message(desk, case, ABUSIVE)
    with pytest.raises(Conflict):
        abuse.report_abuse(desk.uow, desk.agent, *_ids(case, message), "insult", "x",
                           now=MONDAY)


# --- the chat -------------------------------------------------------------------------------


def test_an_ended_chat_refuses_messages_politely_and_replies_go_by_email(desk: Desk) -> None:
    case = desk.open(channel=Channel.CHAT)
    message = _message(desk, case, THREAT)
    assert abuse.reply_channel(desk.uow, case) == Channel.CHAT
    abuse.require_chat_open(desk.uow, case)
    abuse.end_conversation(desk.uow, desk.agent, *_ids(case, message), "Threat of harm.",
                           reach_us="support@desk.example", now=MONDAY)
    with pytest.raises(abuse.ConversationEnded) as refused:
        abuse.require_chat_open(desk.uow, case, "support@desk.example")
    assert case.ref in refused.value.message and "support@desk.example" in refused.value.message
    assert abuse.reply_channel(desk.uow, case) == Channel.EMAIL
    notice = next(m for m in desk.uow.find(Interaction, case_id=case.id)
              if m.direction == Direction.OUTBOUND)
    assert notice.channel == Channel.CHAT and notice.body.startswith("We have ended this chat")


def test_a_web_form_customer_is_told_by_email_and_a_caller_without_one_by_voice(
    desk: Desk
) -> None:
    form = desk.open(channel=Channel.WEB)
    abuse.end_conversation(desk.uow, desk.agent, *_ids(form, _message(desk, form, THREAT)),
                           "Threat of harm.", now=MONDAY)
    call = desk.open(channel=Channel.PHONE, contact="+44 20 7946 0001")
    abuse.end_conversation(desk.uow, desk.agent, *_ids(call, _message(desk, call, THREAT)),
                           "Threat of harm on the phone.", now=MONDAY)
    told = {m.case_id: m.channel for m in desk.uow.find(Interaction)
            if m.direction == Direction.OUTBOUND}
    assert told == {form.id: Channel.EMAIL, call.id: Channel.PHONE}
