"""Every reply an agent sends keeps the coach's reading of it from that moment: the
findings (rule, span, severity, message), the score, the reason the agent gave for
sending it despite an error, and which of the coach's suggestions they took while
drafting. Leads review these later (desk/reply_review.py); insights count them.

`keep_sent_reply` is called by `interactions.record_outbound`, the one operation every
staff reply goes through (the composer, the API, chat replies), so no path skips it.
The coach reads the reply's stored text against the customer's message it answers, with
the lead's rule settings (desk/desk_coach.py): the same findings the composer showed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from frontliner import coach
from frontliner.desk.desk_coach import COACH_RULES, coach_for
from frontliner.desk.errors import Invalid
from frontliner.desk.model import (
    FindingSeverity,
    Interaction,
    SentFinding,
    SentReply,
    User,
)
from frontliner.desk.ports import UnitOfWork

MAX_SUGGESTIONS = 50
_RULE_ID = re.compile(r"[a-z][a-z0-9-]{0,63}")


def parse_suggestions_used(values: Sequence[str] | str) -> list[str]:
    """The rule ids whose suggestion the agent used, each once, in the order used. A
    string is a comma- or space-separated list (as a form sends it)."""
    items = values.replace(",", " ").split() if isinstance(values, str) else list(values)
    used: list[str] = []
    for item in items:
        rule = str(item).strip()
        if not _RULE_ID.fullmatch(rule):
            raise Invalid(f"{rule!r} is not a coach rule id.",
                          {"suggestions_used": "rule ids such as cant or no-apology"})
        if rule not in used:
            used.append(rule)
    if len(used) > MAX_SUGGESTIONS:
        raise Invalid(f"At most {MAX_SUGGESTIONS} suggestions.", {"suggestions_used": "too many"})
    return used


def keep_sent_reply(
    uow: UnitOfWork,
    author: User,
    reply: Interaction,
    at: datetime,
    override_reason: str = "",
    suggestions_used: Sequence[str] = (),
) -> SentReply:
    """The coach's reading of `reply` (just added, with its id) kept beside it. The
    override reason is kept only when the coach found an error-level problem: it is the
    agent's word on why the reply went out despite it."""
    assert reply.id is not None and author.id is not None
    answered = uow.last_customer_message(reply.case_id)
    report = _check(uow, reply.body, None if answered is None else answered.body)
    has_error = any(f.severity == coach.Severity.ERROR for f in report.findings)
    kept = SentReply(interaction_id=reply.id, case_id=reply.case_id, author_id=author.id,
                     sent_at=at, channel=reply.channel, score=report.score,
                     team_id=author.team_id, answered_id=None if answered is None else answered.id,
                     override_reason=(override_reason or None) if has_error else None,
                     suggestions_used=list(suggestions_used))
    uow.add(kept)
    uow.flush()
    assert kept.id is not None
    for finding in report.findings:
        uow.add(SentFinding(sent_reply_id=kept.id, sent_at=at, rule=finding.rule,
                            start=finding.start, end=finding.end,
                            severity=FindingSeverity(finding.severity.label),
                            message=finding.message))
    return kept


def _check(uow: UnitOfWork, body: str, customer: str | None) -> coach.Report:
    try:
        return coach_for(uow.setting(COACH_RULES)).check(body, customer)
    except coach.InputTooLarge as exc:
        raise Invalid(str(exc), {"body": "too long"}) from None
