"""The abuse policy, abuse reports and ending a conversation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from frontliner.desk.abuse import MAX_NOTE, MAX_POLICY, MAX_REASON
from frontliner.desk.model import AbuseAction, Channel
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.common import In, Out


class PolicyIn(In):
    body: str = Field(max_length=MAX_POLICY, description="The policy: plain text, Markdown-ish")
    note: str = Field(default="", max_length=MAX_NOTE, description="What changed and why")


class PolicyOut(Out):
    id: int | None = Field(description="null for the policy Frontliner ships")
    body: str
    html: str = Field(description="The body rendered as safe HTML")
    written_at: datetime
    written_by_id: int | None
    written_by: str | None
    note: str
    shipped: bool = Field(description="true until a lead writes the desk's own policy")


class ReportIn(In):
    interaction_id: Id = Field(description="The customer's message")
    kind: str = Field(max_length=32, description="insult, slur, threat, harassment, doxxing")
    reason: str = Field(max_length=MAX_REASON)


class EndIn(In):
    interaction_id: Id = Field(description="The abusive message the conversation ends over")
    reason: str = Field(max_length=MAX_REASON)


class AbuseReportOut(Out):
    id: int
    case_id: int
    interaction_id: int
    action: AbuseAction
    kinds: list[str]
    reason: str
    by_id: int | None
    at: datetime
    by_analyser: bool


class AbuseReportRowOut(AbuseReportOut):
    case_ref: str
    message: str = Field(description="The start of the customer's message")
    message_at: datetime
    by_name: str | None
    owner_name: str | None = Field(description="The case's owner (it keeps its owner)")


class FlagOut(Out):
    interaction_id: int
    kinds: list[str]
    by_analyser: bool
    reports: list[AbuseReportOut]
    may_end: bool = Field(description="You may end the conversation over this message now")
    needs_lead: bool = Field(description="Only an agent reported it: a lead ends it")
    boundary_reply: str = Field(description="The prepared boundary reply; check it with "
                                "POST /api/v1/coach/check before sending")


class CaseAbuseOut(Out):
    flagged: list[FlagOut]
    ended: AbuseReportOut | None
    reply_channel: Channel = Field(description="Where replies go now (e-mail after a chat ended)")
    kinds: list[str] = Field(description="The kinds a report may name")


def row_out(row: Any) -> dict[str, Any]:
    """A `abuse_queries.ReportRow` as the fields of `AbuseReportRowOut`."""
    r = row.report
    return {"id": r.id, "case_id": r.case_id, "interaction_id": r.interaction_id,
            "action": r.action, "kinds": list(r.kinds), "reason": r.reason, "by_id": r.by_id,
            "at": r.at, "by_analyser": r.by_analyser, "case_ref": row.case_ref,
            "message": row.message, "message_at": row.message_at, "by_name": row.by_name,
            "owner_name": row.owner_name}
