"""Cases and everything done on them: messages, handovers, remedies, approvals,
escalations, follow-ups, closing, ratings, the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from frontliner.desk.model import (
    ApprovalStatus,
    CaseStatus,
    Channel,
    Direction,
    HandoverStatus,
    RemedyKind,
    RemedyStatus,
    Size,
)
from frontliner.web.schemas.bounds import Cents, Days, Id
from frontliner.web.schemas.common import In, Out
from frontliner.web.schemas.customers import ContactOut, CustomerOut
from frontliner.web.schemas.users import UserOut


class PersonIn(In):
    name: str = Field(max_length=200)
    contact: str = Field(max_length=320)


class CaseIn(In):
    nature: str = Field(
        default="", max_length=2_000, description="The problem, in the customer's terms"
    )
    customer_name: str = Field(default="", max_length=200)
    contact: str = Field(default="", max_length=320, description="E-mail or phone")
    channel: Channel = Channel.WEB
    category: str | None = Field(default=None, max_length=100)
    required_skill: str | None = Field(default=None, max_length=60)
    people_involved: list[PersonIn] = Field(default_factory=list, max_length=50)
    remedy_requested: Cents = Field(default=0, description="cents the customer asks for")
    message: str | None = Field(default=None, max_length=100_000)
    problem_at: AwareDatetime | None = Field(
        default=None, description="When the problem happened (with its time zone; not later "
        "than now). The case's own opened_at is set automatically."
    )


class CaseAmendIn(In):
    category: str | None = Field(default=None, max_length=100)
    required_skill: str | None = Field(default=None, max_length=60)
    people_involved: list[PersonIn] | None = Field(default=None, max_length=50)


class CaseOut(Out):
    id: int
    ref: str
    customer_id: int
    nature: str
    channel: Channel
    opened_at: datetime
    status: CaseStatus
    owner_id: int | None
    handler_id: int | None
    category: str | None
    size: Size
    size_reasons: list[str]
    required_skill: str | None
    people_involved: list[dict[str, str]]
    contact_name: str
    contact_value: str
    plan_shared: bool
    permission_asked: bool
    satisfaction_asked: bool
    confirmed_by_customer: bool
    exception_by_id: int | None
    exception_reason: str | None
    lesson: str | None
    fire_id: int | None
    resolved_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime | None
    version: int
    confirmed_via: str | None = Field(
        default=None, description="how the confirmation came: portal, email_link, chat, "
        "customer, or agent_recorded (staff recorded the customer's cited words)")
    confirmation_recorded_by_id: int | None = Field(
        default=None, description="agent_recorded: who recorded it")
    confirmation_interaction_id: int | None = Field(
        default=None, description="agent_recorded: the cited message or logged call")
    reopened_at: datetime | None = Field(
        default=None, description="last back to open after a confirmation was asked or given")
    problem_at: datetime | None = None
    waiting_since: datetime | None = Field(
        default=None, description="Since when the customer has waited for our answer "
        "(null: we answered last)"
    )
    returned_from_id: int | None = Field(
        default=None, description="set while a lead keeps the case for a deactivated owner")


class MessageIn(In):
    body: str = Field(max_length=100_000)
    direction: Literal["inbound", "outbound"] = Field(
        default="inbound", description="inbound: the customer's words; outbound: our reply"
    )
    channel: Channel | None = None
    wait_for_reply: bool = Field(default=False, description="outbound: now waiting on the customer")
    override_reason: str = Field(
        default="", max_length=1_000,
        description="outbound: why the reply goes out despite the coach's error-level "
        "findings; kept with the reply's coach reading")
    suggestions_used: list[str] = Field(
        default_factory=list, max_length=50,
        description="outbound: the rule ids whose coach suggestion the author used")


class NoteBodyIn(In):
    body: str = Field(max_length=100_000)


class CallIn(In):
    said: str = Field(max_length=100_000, description="What the customer said on the phone")
    summary: str = Field(default="", max_length=2_000,
                         description="The agent's own summary, kept as an internal note")


class InteractionOut(Out):
    id: int
    case_id: int
    customer_id: int
    at: datetime
    channel: Channel
    direction: Direction
    body: str
    author_id: int | None
    analysis: dict[str, Any] | None


class HandoverIn(In):
    to_user_id: Id
    note: str = Field(default="", max_length=5_000)


class HandoverOut(Out):
    id: int
    case_id: int
    from_user_id: int
    to_user_id: int
    offered_at: datetime
    status: HandoverStatus
    note: str
    answered_at: datetime | None
    case_ref: str | None = Field(default=None, description="the case's reference (in lists)")


class RemedyIn(In):
    kind: RemedyKind
    amount: Cents = 0
    days: Days = 0
    note: str = Field(default="", max_length=5_000)


class RemedyOut(Out):
    id: int
    case_id: int
    kind: RemedyKind
    requested_by_id: int
    requested_at: datetime
    amount: int
    days: int
    note: str
    status: RemedyStatus
    applied_at: datetime | None


class ApprovalOut(Out):
    id: int
    case_id: int
    remedy_id: int
    requested_by_id: int
    created_at: datetime
    reason: str
    status: ApprovalStatus
    decided_by_id: int | None
    decided_at: datetime | None
    note: str


class PendingApprovalOut(Out):
    approval: ApprovalOut
    remedy: RemedyOut
    case_ref: str


class EscalateIn(In):
    reason: str = Field(max_length=5_000)
    details: str = Field(max_length=20_000)
    handler_id: Id | None = None
    people_involved: list[PersonIn] | None = Field(default=None, max_length=50)


class EscalationOut(Out):
    id: int
    case_id: int
    handler_id: int
    escalated_by_id: int
    at: datetime
    reason: str
    facts: dict[str, Any]
    resolved_at: datetime | None


class EscalationRowOut(Out):
    escalation: EscalationOut
    case_ref: str
    case_status: CaseStatus


class FollowUpOut(Out):
    id: int
    case_id: int
    owner_id: int
    due_at: datetime
    note: str
    done_at: datetime | None


class FollowUpRowOut(Out):
    follow_up: FollowUpOut
    case_ref: str


class StepIn(In):
    step: Literal["plan_shared", "permission_asked", "satisfaction_asked"]


class ConfirmIn(In):
    interaction_id: Id | None = Field(
        default=None,
        description="staff only, required: the customer's inbound message on this case (or "
        "the call logged on the phone channel) in which they say it is solved",
    )
    evidence: str = Field(
        default="", max_length=5_000, description="staff only, optional: a note beside it"
    )


class ReasonIn(In):
    reason: str = Field(max_length=5_000)


class LessonIn(In):
    lesson: str = Field(max_length=20_000)
    draft_article: bool = False
    title: str | None = Field(default=None, max_length=200)


class RatingIn(In):
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=5_000)


class RatingOut(Out):
    id: int
    case_id: int
    customer_id: int
    score: int
    at: datetime
    comment: str


class AuditOut(Out):
    id: int
    case_id: int
    at: datetime
    action: str
    actor_id: int | None
    detail: dict[str, Any]


class HandBackOut(Out):
    """The case's last hand-back: the handler's note for the owner (staff only)."""

    note: str
    by_id: int | None
    by_name: str | None
    at: datetime
    pending: bool = Field(description="the owner has done nothing on the case since")


class UnconfirmedContactOut(Out):
    """The case gave the address of a customer with a login through a door where anyone
    may type any address; it stays apart from that customer until the address confirms
    by the link mailed to it (staff only)."""

    email: str
    customer_id: int = Field(description="the customer with a login whose address it is")
    since: datetime


class CaseDetailOut(Out):
    case: CaseOut
    customer: CustomerOut
    contacts: list[ContactOut]
    owner: UserOut | None
    handler: UserOut | None
    open_handover: HandoverOut | None
    open_follow_ups: list[FollowUpOut]
    remedies: list[RemedyOut]
    approvals: list[ApprovalOut]
    escalations: list[EscalationOut]
    interactions: list[InteractionOut]
    ratings: list[RatingOut]
    last_hand_back: HandBackOut | None = None
    unconfirmed_contact: UnconfirmedContactOut | None = None


class RecordedConfirmationOut(Out):
    """A case resolved on the customer's words as staff recorded them."""

    case: CaseOut
    words: str = Field(description="the cited message or logged call")
    channel: Channel | None = Field(description="where those words came in")
    recorded_by: str | None = Field(description="who recorded the confirmation")
