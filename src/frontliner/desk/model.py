"""The desk's entities: plain dataclasses, persistence-ignorant.

`store/` maps these classes onto tables (SQLAlchemy imperative mapping), so the domain
rules in `desk/` run the same against the in-memory fakes of the unit tests and against
SQLite or PostgreSQL. Entities reference each other by id, never by object, which keeps
every aggregate small and every load explicit.

Money is in integer minor units (cents) of the desk's single currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class Role(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"  # a front-liner
    LEAD = "lead"
    ADMIN = "admin"


class Channel(StrEnum):
    EMAIL = "email"
    WEB = "web"
    CHAT = "chat"
    PHONE = "phone"
    API = "api"
    WALK_IN = "walk_in"  # the customer came to the desk in person


class ContactKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"


class CaseStatus(StrEnum):
    NEW = "new"  # owned, not yet acknowledged by its owner
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    ESCALATED = "escalated"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Size(StrEnum):
    SMALL = "small"  # this agent can solve it here and now
    BIG = "big"  # needs more authority or expertise


class RemedyKind(StrEnum):
    REFUND = "refund"
    CREDIT = "credit"
    REPLACEMENT = "replacement"
    EXPEDITE = "expedite"
    WAIVE_FEE = "waive_fee"
    EXTRA_TIME = "extra_time"
    DISCOUNT = "discount"


class RemedyStatus(StrEnum):
    APPLIED = "applied"
    PENDING_APPROVAL = "pending_approval"
    DECLINED = "declined"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class HandoverStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Direction(StrEnum):
    INBOUND = "inbound"  # from the customer
    OUTBOUND = "outbound"  # to the customer
    NOTE = "note"  # internal, never shown to the customer


class ArticleStatus(StrEnum):
    """Of knowledge articles and prepared replies: a draft until a lead publishes it."""

    DRAFT = "draft"
    PUBLISHED = "published"


class Presence(StrEnum):
    """Whether a member of staff takes new cases now (set by themselves; see assignment)."""

    AVAILABLE = "available"
    AWAY = "away"
    OFFLINE = "offline"


class KudosKind(StrEnum):
    KUDOS = "kudos"
    FIX_CREDIT = "fix_credit"  # a once-and-for-all fix in the fire log


@dataclass(eq=False)
class Team:
    name: str
    id: int | None = None


@dataclass(eq=False)
class User:
    name: str
    email: str
    role: Role
    team_id: int | None = None
    skills: list[str] = field(default_factory=list)
    password_hash: str | None = None
    active: bool = True
    customer_id: int | None = None  # set for customer logins: whose cases they may see
    created_at: datetime | None = None
    id: int | None = None
    # Automatic assignment (desk/assignment.py): what the person says, when they were
    # last seen, and how many open cases they take at most (None: the desk's default).
    presence: Presence = Presence.OFFLINE
    last_seen_at: datetime | None = None
    capacity: int | None = None
    # Every session and API token that began before this moment no longer works
    # (signed out everywhere, deactivated, or the password changed).
    signed_out_at: datetime | None = None


@dataclass(eq=False)
class Customer:
    name: str
    created_at: datetime | None = None
    merged_into_id: int | None = None  # set when this record was merged into another
    id: int | None = None


@dataclass(eq=False)
class Contact:
    customer_id: int
    kind: ContactKind
    value: str  # normalised: lower-cased e-mail, digits-and-plus phone
    is_primary: bool = False
    id: int | None = None


@dataclass(eq=False)
class EmpowermentProfile:
    """What an agent may give without asking. Exactly one of role / user_id is set:
    a role's profile, or one agent's override of it."""

    name: str
    role: Role | None = None
    user_id: int | None = None
    money_per_case: int = 0  # cents
    money_per_day: int = 0  # cents
    extra_days: int = 0  # extra time the agent may grant (deadline extensions)
    remedy_kinds: list[str] = field(default_factory=list)
    id: int | None = None


@dataclass(eq=False)
class Case:
    ref: str  # unguessable public reference
    customer_id: int
    nature: str  # what the problem is, in the customer's terms
    channel: Channel
    opened_at: datetime
    status: CaseStatus = CaseStatus.NEW
    owner_id: int | None = None
    handler_id: int | None = None  # escalation handler; the owner stays the owner
    category: str | None = None
    size: Size = Size.SMALL
    size_reasons: list[str] = field(default_factory=list)
    required_skill: str | None = None
    people_involved: list[dict[str, str]] = field(default_factory=list)  # name + contact
    contact_name: str = ""  # customer's name as given at intake
    contact_value: str = ""  # customer's contact as given at intake
    plan_shared: bool = False
    permission_asked: bool = False
    satisfaction_asked: bool = False
    confirmed_by_customer: bool = False
    exception_by_id: int | None = None  # lead who signed a closing exception
    exception_reason: str | None = None
    lesson: str | None = None  # "what did you learn?"
    fire_id: int | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1  # optimistic concurrency; store bumps it on every update
    id: int | None = None
    # How the customer's confirmation reached us (closing.Via); all three are cleared when
    # the case reopens. A confirmation staff recorded names who and the cited message.
    confirmed_via: str | None = None
    confirmation_recorded_by_id: int | None = None
    confirmation_interaction_id: int | None = None
    # Last time the case went back to open after a confirmation was asked for or given
    # (the customer said it is not solved, or wrote again): older words confirm nothing.
    reopened_at: datetime | None = None
    problem_at: datetime | None = None  # when the problem happened, as the customer says
    # Since when the customer has waited for us: set when the case opens or the customer
    # writes while nothing is waiting, cleared by our reply. Kept by desk/interactions.py
    # so the queues can sort by it (oldest first) from an index instead of reading
    # every case's messages.
    waiting_since: datetime | None = None
    # Set when the owner was deactivated and a lead keeps the case until it is given to
    # someone else ("to reassign"); cleared when ownership moves on.
    returned_from_id: int | None = None


@dataclass(eq=False)
class AuditEntry:
    case_id: int
    at: datetime
    action: str
    actor_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass(eq=False)
class Interaction:
    """One message or note on a case, from any channel."""

    case_id: int
    customer_id: int
    at: datetime
    channel: Channel
    direction: Direction
    body: str
    author_id: int | None = None  # the user who wrote it (agent, or customer login)
    analysis: dict[str, Any] | None = None  # the coach's reading of an inbound message
    id: int | None = None


@dataclass(eq=False)
class Handover:
    case_id: int
    from_user_id: int
    to_user_id: int
    offered_at: datetime
    status: HandoverStatus = HandoverStatus.OFFERED
    note: str = ""
    answered_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class Remedy:
    case_id: int
    kind: RemedyKind
    requested_by_id: int
    requested_at: datetime
    amount: int = 0  # cents
    days: int = 0
    note: str = ""
    status: RemedyStatus = RemedyStatus.PENDING_APPROVAL
    applied_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class ApprovalRequest:
    case_id: int
    remedy_id: int
    requested_by_id: int
    created_at: datetime
    reason: str = ""  # why it needs a lead: which limit it is above
    status: ApprovalStatus = ApprovalStatus.PENDING
    decided_by_id: int | None = None
    decided_at: datetime | None = None
    note: str = ""
    id: int | None = None


@dataclass(eq=False)
class Escalation:
    case_id: int
    handler_id: int
    escalated_by_id: int
    at: datetime
    reason: str
    facts: dict[str, Any] = field(default_factory=dict)  # date, time, details, people
    resolved_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class FollowUp:
    case_id: int
    owner_id: int
    due_at: datetime
    note: str = ""
    done_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class SatisfactionRating:
    case_id: int
    customer_id: int
    score: int  # 1..5
    at: datetime
    comment: str = ""
    id: int | None = None


@dataclass(eq=False)
class Fire:
    """A recurring problem in the fire log."""

    title: str
    key: str  # normalised signature used to group similar cases
    created_at: datetime
    fixed_for_good: bool = False
    fixed_by_id: int | None = None
    fixed_at: datetime | None = None
    fix: str = ""
    id: int | None = None


@dataclass(eq=False)
class FireNote:
    """A signed note: date, time, problem, solution, author."""

    fire_id: int
    author_id: int
    at: datetime
    problem: str
    solution: str
    case_id: int | None = None
    id: int | None = None


@dataclass(eq=False)
class KnowledgeArticle:
    title: str
    body: str
    author_id: int
    created_at: datetime
    status: ArticleStatus = ArticleStatus.DRAFT
    source_case_id: int | None = None
    updated_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class PreparedReply:
    title: str
    body: str
    author_id: int
    created_at: datetime
    tags: list[str] = field(default_factory=list)
    status: ArticleStatus = ArticleStatus.DRAFT  # only published ones are suggested
    id: int | None = None


@dataclass(eq=False)
class Kudos:
    to_user_id: int
    at: datetime
    message: str
    kind: KudosKind = KudosKind.KUDOS
    from_user_id: int | None = None
    from_customer_id: int | None = None
    case_id: int | None = None
    fire_id: int | None = None
    id: int | None = None


@dataclass(eq=False)
class ApiToken:
    user_id: int
    name: str
    token_hash: str  # sha256 of the secret; the secret is shown once and never stored
    prefix: str  # first characters, to let a user tell tokens apart
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    id: int | None = None


class AbuseAction(StrEnum):
    REPORTED = "reported"  # staff report a message the analyser did not read as abuse
    ENDED = "ended"  # the conversation was ended over this message


@dataclass(eq=False)
class AbusePolicy:
    """One version of the desk's written abuse policy; the newest is in force and every
    earlier one is kept. `written_by_id` None is the policy Frontliner ships."""

    body: str
    written_at: datetime
    written_by_id: int | None = None
    note: str = ""  # what changed, in the lead's words
    id: int | None = None


@dataclass(eq=False)
class AbuseReport:
    """A customer's message treated as abuse: reported by staff, or the conversation
    ended over it. Every report reaches the leads; the case keeps its owner."""

    case_id: int
    interaction_id: int
    action: AbuseAction
    kinds: list[str]
    reason: str
    by_id: int | None  # the staff member who reported or ended (None: the system)
    at: datetime
    by_analyser: bool = False  # the coach's analyser read the message as abuse
    id: int | None = None


@dataclass(eq=False)
class SimilarityKey:
    """One pair of a case's problem words (`desk/similarity.py`), kept so recurring
    problems are found with an indexed count instead of reading every case. No longer
    `suggestible` once the case is linked to a fire or a lead dismissed its suggestion."""

    case_id: int
    key: str
    opened_at: datetime
    suggestible: bool = True
    id: int | None = None


class _Stored(Protocol):
    id: int | None


def id_of(entity: _Stored) -> int:
    """The id of an entity that has been stored (flushed); a bug if it has not."""
    assert entity.id is not None, f"{type(entity).__name__} has no id yet: flush first"
    return entity.id


class AccessPurpose(StrEnum):
    SIGN_IN = "sign_in"  # passwordless sign-in to the customer portal
    PASSWORD_RESET = "password_reset"  # set a new password (staff and customers)


@dataclass(eq=False)
class AccessLink:
    """An e-mailed sign-in or password-reset link. Only the hash of its secret is kept.
    A request for an address with no account is recorded too (user and customer None),
    so asking takes the same path whether or not the address is known; nothing is sent."""

    purpose: AccessPurpose
    email: str  # normalised; the link works only for the login of this address
    created_at: datetime
    expires_at: datetime
    user_id: int | None = None  # the login it is for, when one exists
    customer_id: int | None = None  # or the customer record whose login it creates
    token_hash: str | None = None  # sha256 of the secret in the e-mailed link
    used_at: datetime | None = None  # single use: set when redeemed (or superseded)
    version: int = 1  # two redemptions at once: the second finds a stale row
    id: int | None = None

    @property
    def deliverable(self) -> bool:
        return self.user_id is not None or self.customer_id is not None


@dataclass(eq=False)
class ContactClaim:
    """A case that came through a door where anyone may type any address (the contact
    form, the chat) with the e-mail address of a customer who has a login. The case
    stays on a record of its own until that address confirms by an e-mailed link; then
    it joins the claimed customer's record (and their portal)."""

    case_id: int
    customer_id: int  # the login-holding customer whose address was given
    email: str
    created_at: datetime
    confirmed_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class AccountAuditEntry:
    """The audit trail of users, teams, tokens and sign-in: who did what to whom, when."""

    at: datetime
    action: str
    actor_id: int | None = None  # None: the system (a redeemed link, the operator's CLI)
    user_id: int | None = None  # the user acted on
    team_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


class FindingSeverity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(eq=False)
class SentReply:
    """A reply as the coach read it at the moment it was sent, kept for review and
    insights: its score, the reason the agent gave for sending it despite an error, and
    which of the coach's suggestions the agent took while drafting. Its findings are
    `SentFinding` rows; they never change after the send."""

    interaction_id: int  # the reply itself (outbound, written by `author_id`)
    case_id: int
    author_id: int
    sent_at: datetime
    channel: Channel
    score: int  # 0..100, as the coach scored the reply
    team_id: int | None = None  # the author's team when they sent it
    answered_id: int | None = None  # the customer's message the reply answered
    override_reason: str | None = None  # why it went out with error-level findings
    suggestions_used: list[str] = field(default_factory=list)  # rule ids, in the order used
    id: int | None = None


@dataclass(eq=False)
class SentFinding:
    """One finding of the coach on a sent reply; `start`/`end` index the reply's text."""

    sent_reply_id: int
    sent_at: datetime  # the reply's, so counts over time need no join
    rule: str
    start: int
    end: int
    severity: FindingSeverity
    message: str
    id: int | None = None


@dataclass(eq=False)
class ReplyReview:
    """A lead's review of one sent reply: a verdict on each of the coach's findings
    (`verdicts`: `{"finding_id": int, "agree": bool}`) and the findings the coach missed
    (`missed`: `{"rule": str, "start": int, "end": int}`). One review per reply; a second
    review replaces the first (the audit trail keeps both)."""

    sent_reply_id: int
    reviewer_id: int
    reviewed_at: datetime
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
    id: int | None = None


class HeldStatus(StrEnum):
    HELD = "held"  # waiting for staff: not on the case, not seen by the customer
    ACCEPTED = "accepted"  # staff took it as the customer's: it joined the case
    REJECTED = "rejected"  # staff kept it out, with a reason


@dataclass(eq=False)
class HeldMessage:
    """A message that claims to continue a customer's case but whose origin nobody could
    check (an e-mail with the customer's From line, without our signed reply token and
    without a trusted host's DKIM/SPF/DMARC pass). Anyone can write any From line, so it
    waits here, out of the conversation and unseen by the customer, until staff accept
    it (it joins the case as the customer's message) or reject it (kept out, with why)."""

    case_id: int
    customer_id: int  # the customer the message claims to come from
    channel: Channel
    sender: str  # the address it claims (From)
    sender_name: str
    subject: str
    body: str
    why: str  # why it was held, in plain words
    received_at: datetime
    status: HeldStatus = HeldStatus.HELD
    mail_id: int | None = None  # the channel's record of it (inbound_mail), if any
    decided_by_id: int | None = None
    decided_at: datetime | None = None
    decision_reason: str = ""
    interaction_id: int | None = None  # the case message it became, once accepted
    id: int | None = None
