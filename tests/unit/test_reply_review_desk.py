"""The review of a sent reply on the in-memory desk: which rules apply after the
verdicts (the export's labels), and what a review must hold."""

from __future__ import annotations

import pytest

from frontliner.desk.errors import Forbidden, Invalid
from frontliner.desk.interactions import record_inbound, record_outbound
from frontliner.desk.model import AccountAuditEntry, ReplyReview, SentFinding, SentReply
from frontliner.desk.reply_review import MissedFinding, labels, review_reply, spans
from tests.unit.conftest import Desk

REPLY = "I completely understand. There's nothing more I can do."


def sent(desk: Desk) -> tuple[SentReply, list[SentFinding]]:
    case = desk.open()
    record_inbound(desk.uow, None, case.id or 0, "My kettle broke again!", now=desk.now)
    reply = record_outbound(desk.uow, desk.agent, case.id or 0, REPLY, now=desk.later(hours=1),
                            coach_errors=["cant-help"], override_reason="asked to say so")
    desk.uow.commit()
    [kept] = desk.uow.find(SentReply, interaction_id=reply.id)
    return kept, desk.uow.find(SentFinding, sent_reply_id=kept.id)


def test_labels_are_agreed_findings_plus_missed_ones_and_cant_help_counts_as_cant(
    desk: Desk,
) -> None:
    kept, findings = sent(desk)
    assert kept.override_reason == "asked to say so"
    agree = {f.id or 0: f.rule == "cant-help" for f in findings}
    missed = [MissedFinding("guess", 0, 24)]

    review = review_reply(desk.uow, desk.lead, kept.id or 0, agree, missed, "", desk.now)

    assert labels(review) == ["cant", "cant-help", "guess"]
    assert {"rule": "guess", "start": 0, "end": 24} in spans(review, findings)
    assert all(s["rule"] in ("cant-help", "guess") for s in spans(review, findings))
    [entry] = desk.uow.find(AccountAuditEntry, action="reply_reviewed")
    assert entry.user_id == desk.agent.id and entry.detail["missed"] == ["guess"]


def test_a_review_is_a_leads_and_judges_every_finding(desk: Desk) -> None:
    kept, findings = sent(desk)
    every = {f.id or 0: True for f in findings}

    with pytest.raises(Forbidden):
        review_reply(desk.uow, desk.agent, kept.id or 0, every)
    with pytest.raises(Invalid, match="every finding"):
        review_reply(desk.uow, desk.lead, kept.id or 0, dict(list(every.items())[1:]))
    with pytest.raises(Invalid, match="not inside the reply"):
        review_reply(desk.uow, desk.lead, kept.id or 0, every,
                     [MissedFinding("guess", 3, len(REPLY) + 1)])
    assert desk.uow.find(ReplyReview) == []
