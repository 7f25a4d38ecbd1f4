"""What one case adds to the insights: its figures as small counted facts.

The insights never read every case per request. Instead, each case's figures are worked
out here once (again whenever the case changes) as a list of `Fact`s: a metric, the day
it happened, who it is about, a bucket and a count. The store adds them up in daily
rollups per team, channel and category (`store/insight_rollup.py`), and a figure is a
sum over those rows. Everything here is plain Python so the definitions, which
docs/insights.md states in words, are tested without a database.

Durations are kept as histograms: a duration counts in the bucket of its upper bound
(`duration_bucket`), so a median or 90th percentile is read from the sums to that
resolution (`percentile`), however many cases there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

MINUTE, HOUR, DAY = 60, 3600, 86400

# The metrics (one word for one thing: docs/insights.md defines each).
OPENED = "opened"
FIRST_REPLY = "first_reply"
RESOLVED = "resolved"
CONFIRMED_SOLUTION = "confirmed_solution"
EXCEPTION = "exception"
FIRST_RESOLVED = "first_resolved"
FIRST_CONTACT = "first_contact_resolution"
REOPENED = "reopened"
ESCALATED = "escalated"
HAND_BACK = "hand_back"
FOLLOW_UP_ON_TIME = "follow_up_on_time"
FOLLOW_UP_LATE = "follow_up_late"
FOLLOW_UP_OPEN = "follow_up_open"  # bucket: when it is due (seconds since the epoch)
APPROVAL_ASKED = "approval_asked"
APPROVAL_GRANTED = "approval_granted"
APPROVAL_DECLINED = "approval_declined"
APPROVAL_DECISION = "approval_decision"
RATING = "rating"  # bucket: the score
COMMENT = "rating_comment"  # a rating with a comment; bucket: when (seconds since the epoch)
INBOUND = "inbound"
INBOUND_COMPLAINT = "inbound_complaint"
INBOUND_INDIRECT = "inbound_indirect"
INBOUND_ABUSE = "inbound_abuse"
REPLY_SENT = "reply_sent"
REPLY_READ = "reply_read"  # a sent reply that kept the coach's reading (reply review)
REPLY_WITH_SUGGESTION = "reply_with_suggestion"  # the coach found something while drafting
SUGGESTION_TAKEN = "suggestion_taken"  # ... and the agent used at least one suggestion
FINDING = "finding:"  # + rule id: findings of that rule on sent replies
FIRE_CASE = "fire_case"  # bucket: the fire's id

DURATIONS = frozenset({FIRST_REPLY, CONFIRMED_SOLUTION, HAND_BACK, APPROVAL_DECISION})
EXCEPTION_ACTION = "exception_signed"
RESOLVING_ACTIONS = frozenset({"confirmed_by_customer", EXCEPTION_ACTION})
REOPEN_ACTION = "reopened"


@dataclass(frozen=True)
class Fact:
    """`n` occurrences of `metric` on `day`, about `agent_id` (None: nobody in
    particular); `total` is the sum of their values (seconds, a score)."""

    metric: str
    day: date
    agent_id: int | None
    bucket: int = 0
    n: int = 1
    total: int = 0


@dataclass(frozen=True)
class Reply:
    """A reply staff sent, with the coach's reading kept when it was sent (`read`: the
    reply has one; replies from before reply review, and the desk's own fixed texts,
    do not)."""

    at: datetime
    author_id: int | None
    read: bool = False
    rules: tuple[str, ...] = ()  # one entry per finding still there when it was sent
    suggested: bool = False  # the coach found something while the agent drafted
    taken: bool = False  # the agent used at least one of its suggestions


@dataclass(frozen=True)
class ApprovalFacts:
    created_at: datetime
    requested_by_id: int
    status: str  # pending | approved | declined
    decided_at: datetime | None


@dataclass
class CaseRecord:
    """What one case's figures are computed from (read by the store in batches)."""

    opened_at: datetime
    owner_id: int | None
    resolved_at: datetime | None = None
    confirmed_by_customer: bool = False
    fire_id: int | None = None
    inbound: list[tuple[datetime, dict[str, Any] | None]] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    # every move to resolved: when, and the audit action (a confirmation or an exception)
    resolutions: list[tuple[datetime, str]] = field(default_factory=list)
    reopens: list[datetime] = field(default_factory=list)  # back to open after resolved
    escalations: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    follow_ups: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    approvals: list[ApprovalFacts] = field(default_factory=list)
    ratings: list[tuple[datetime, int]] = field(default_factory=list)
    commented: list[datetime] = field(default_factory=list)  # when ratings with a comment came


# The upper bounds (seconds) of the duration buckets: about 20 % apart, so a median or
# percentile read from them is within a fifth of the real one, with few rows a day.
BOUNDS: tuple[int, ...] = (
    *(m * MINUTE for m in (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 90,
                           105, 120, 150)),
    *(h * HOUR for h in (3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 30, 36)),
    *(d * DAY for d in (2, 3, 4, 5, 6, 7, 10, 14, 21, 30)),
)


def duration_bucket(seconds: float) -> int:
    """The upper bound (seconds) of the bucket a duration counts in: the smallest of
    `BOUNDS` at or above it; past 30 days, the whole number of days above it."""
    s = max(0, int(-(-seconds // 1)))  # whole seconds, rounded up
    for bound in BOUNDS:
        if s <= bound:
            return bound
    return -(-s // DAY) * DAY


def percentile(histogram: Iterable[tuple[int, int]], fraction: float) -> int | None:
    """The nearest-rank percentile of a histogram of (bucket upper bound, count): the
    bound of the bucket holding the ceil(fraction * N)-th smallest value; None if empty."""
    pairs = sorted((bound, n) for bound, n in histogram if n > 0)
    count = sum(n for _, n in pairs)
    if count == 0:
        return None
    rank = max(1, -(-int(fraction * count * 1000) // 1000))
    seen = 0
    for bound, n in pairs:
        seen += n
        if seen >= rank:
            return bound
    return pairs[-1][0]


def _duration(metric: str, start: datetime, end: datetime, agent: int | None) -> Fact:
    seconds = max(0, int((end - start).total_seconds()))
    return Fact(metric, end.date(), agent, duration_bucket(seconds), 1, seconds)


def case_facts(record: CaseRecord) -> list[Fact]:
    """Every fact this case contributes, as of now."""
    owner = record.owner_id
    facts = [Fact(OPENED, record.opened_at.date(), owner)]
    if record.fire_id is not None:
        facts.append(Fact(FIRE_CASE, record.opened_at.date(), owner, record.fire_id))
    facts += _reply_facts(record)
    facts += _resolution_facts(record)
    facts += _escalation_facts(record)
    facts += _approval_facts(record.approvals)
    facts += [Fact(RATING, at.date(), owner, score, 1, score) for at, score in record.ratings]
    # the latest comments are found in the rollups (newest first in any filters' rows),
    # then read by their time
    facts += [Fact(COMMENT, at.date(), owner, int(at.timestamp())) for at in record.commented]
    facts += _inbound_facts(record.inbound, owner)
    return facts


def _reply_facts(record: CaseRecord) -> list[Fact]:
    staff = sorted((r for r in record.replies if r.author_id is not None), key=lambda r: r.at)
    facts: list[Fact] = []
    if staff:
        facts.append(_duration(FIRST_REPLY, record.opened_at, staff[0].at, record.owner_id))
    for reply in staff:
        day, who = reply.at.date(), reply.author_id
        facts.append(Fact(REPLY_SENT, day, who))
        if not reply.read:
            continue
        facts.append(Fact(REPLY_READ, day, who))
        facts += [Fact(FINDING + rule, day, who) for rule in reply.rules]
        if reply.suggested:
            facts.append(Fact(REPLY_WITH_SUGGESTION, day, who))
        if reply.suggested and reply.taken:
            facts.append(Fact(SUGGESTION_TAKEN, day, who))
    return facts


def _resolution_facts(record: CaseRecord) -> list[Fact]:
    owner = record.owner_id
    facts = [Fact(RESOLVED, at.date(), owner) for at, _ in record.resolutions]
    facts += [Fact(EXCEPTION, at.date(), owner) for at, action in record.resolutions
              if action == EXCEPTION_ACTION]
    if record.resolved_at is not None and record.confirmed_by_customer:
        facts.append(_duration(CONFIRMED_SOLUTION, record.opened_at, record.resolved_at, owner))
    if not record.resolutions:
        return facts
    first = min(at for at, _ in record.resolutions)
    day = first.date()
    reopened = any(at >= first for at in record.reopens)
    facts.append(Fact(FIRST_RESOLVED, day, owner))
    if reopened:
        facts.append(Fact(REOPENED, day, owner))
    if _first_contact(record, first) and not reopened:
        facts.append(Fact(FIRST_CONTACT, day, owner))
    return facts


def _first_contact(record: CaseRecord, first_resolution: datetime) -> bool:
    """Resolved with at most one message from the customer and no escalation before."""
    inbound = sum(1 for at, _ in record.inbound if at <= first_resolution)
    escalated = any(at <= first_resolution for at, _ in record.escalations)
    return inbound <= 1 and not escalated


def _escalation_facts(record: CaseRecord) -> list[Fact]:
    owner, facts = record.owner_id, []
    for at, resolved_at in record.escalations:
        facts.append(Fact(ESCALATED, at.date(), owner))
        if resolved_at is not None:
            facts.append(_duration(HAND_BACK, at, resolved_at, owner))
    for due_at, done_at in record.follow_ups:
        if done_at is None:
            facts.append(Fact(FOLLOW_UP_OPEN, due_at.date(), owner, int(due_at.timestamp())))
        else:
            metric = FOLLOW_UP_ON_TIME if done_at <= due_at else FOLLOW_UP_LATE
            facts.append(Fact(metric, due_at.date(), owner))
    return facts


def _approval_facts(approvals: Sequence[ApprovalFacts]) -> list[Fact]:
    facts: list[Fact] = []
    for approval in approvals:
        who = approval.requested_by_id
        facts.append(Fact(APPROVAL_ASKED, approval.created_at.date(), who))
        if approval.decided_at is None or approval.status == "pending":
            continue
        decided = approval.decided_at.date()
        metric = APPROVAL_GRANTED if approval.status == "approved" else APPROVAL_DECLINED
        facts.append(Fact(metric, decided, who))
        facts.append(_duration(APPROVAL_DECISION, approval.created_at, approval.decided_at, who))
    return facts


def _inbound_facts(
    inbound: Sequence[tuple[datetime, dict[str, Any] | None]], owner: int | None
) -> list[Fact]:
    facts: list[Fact] = []
    for at, analysis in inbound:
        day, reading = at.date(), analysis or {}
        facts.append(Fact(INBOUND, day, owner))
        if reading.get("complaint"):
            facts.append(Fact(INBOUND_COMPLAINT, day, owner))
        if reading.get("indirect"):
            facts.append(Fact(INBOUND_INDIRECT, day, owner))
        if reading.get("abuse"):
            facts.append(Fact(INBOUND_ABUSE, day, owner))
    return facts
