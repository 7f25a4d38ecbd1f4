"""Closing protocol: a case is resolved only when

(a) the customer confirmed the fix themselves (portal or API with their login, a signed
    e-mail link, the chat), or
(b) the staff working it recorded the customer's own words, citing the message or the
    logged call they came in, after the closing checklist (plan shared, permission
    asked, satisfaction asked) - see `confirmation_evidence`; or
(c) a lead signed an exception with a reason.

Nobody is left on bad terms. The case keeps how it was confirmed (`Via`) and, for (b),
who recorded it and the cited message. Resolving asks "what did you learn?"; the answer
can become a draft knowledge article.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from frontliner.desk import access
from frontliner.desk.audit import record, transition
from frontliner.desk.clock import resolve_now
from frontliner.desk.confirmation_evidence import require_recordable
from frontliner.desk.confirmation_question import ask_in_chat
from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.model import (
    ArticleStatus,
    Case,
    CaseStatus,
    Escalation,
    HandoverStatus,
    Interaction,
    KnowledgeArticle,
    SatisfactionRating,
    User,
    id_of,
)
from frontliner.desk.ports import UnitOfWork

MAX_COMMENT = 5_000


class Via(StrEnum):
    """How the customer's confirmation reached the desk (`Case.confirmed_via`)."""

    PORTAL = "portal"  # the customer, signed in: the portal's button or the API
    EMAIL_LINK = "email_link"  # the signed "Yes, it's solved" link of a confirmation e-mail
    CHAT = "chat"  # the customer, in the chat
    CUSTOMER = "customer"  # the customer themselves, the way not said (resolve's default)
    AGENT_RECORDED = "agent_recorded"  # staff recorded the customer's cited words


WORDS_KEPT = 500  # of the cited message, in the audit entry


class ClosingStep(StrEnum):
    PLAN_SHARED = "plan_shared"
    PERMISSION_ASKED = "permission_asked"
    SATISFACTION_ASKED = "satisfaction_asked"


def mark_closing_step(
    uow: UnitOfWork,
    actor: User,
    case_id: int,
    step: ClosingStep | str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Record that the plan was shared, permission asked, or satisfaction asked."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id, expected_version)
    access.require_works_case(actor, case)
    try:
        done = ClosingStep(step)
    except ValueError:
        raise Invalid(f"Unknown closing step {step!r}.",
                      {"step": f"one of {[s.value for s in ClosingStep]}"}) from None
    setattr(case, done.value, True)
    record(uow, case, done.value, actor, at)
    return case


def request_confirmation(
    uow: UnitOfWork,
    actor: User,
    case_id: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """We believe it is fixed; the customer is asked to confirm."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id, expected_version)
    access.require_works_case(actor, case)
    if case.status == CaseStatus.AWAITING_CONFIRMATION:
        raise Conflict(f"Case {case.ref} is already awaiting confirmation.")
    if case.status == CaseStatus.NEW:
        raise Conflict(f"Case {case.ref} is new: its owner acknowledges it first.",
                       {"status": case.status.value})
    transition(uow, case, CaseStatus.AWAITING_CONFIRMATION, actor, at, "confirmation_requested")
    ask_in_chat(uow, actor, case, at)  # e-mail customers are asked by the outbox
    return case


def confirm_fixed(
    uow: UnitOfWork,
    actor: User | None,
    case_id: int,
    evidence: str = "",
    now: datetime | None = None,
    *,
    interaction_id: int | None = None,
) -> Case:
    """The customer confirms the problem is solved -> RESOLVED.

    The case's customer confirms for themselves. Staff working the case (or the system)
    record a confirmation the customer gave elsewhere only by citing it
    (`interaction_id`: the customer's message or a logged call) after the closing
    checklist, never on a new case; `evidence` is an optional note beside it."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id)
    access.require_unresolved(case)
    if access.is_case_customer(actor, case):
        case.confirmed_by_customer = True
        resolve(uow, actor, case, at, "confirmed_by_customer", via=Via.PORTAL,
                by_customer=True)
        return case
    if not access.works_case(actor, case):
        raise Forbidden("Only the customer, or staff working the case, record a confirmation.")
    cited = require_recordable(uow, case, interaction_id)
    case.confirmed_by_customer = True
    resolve(uow, actor, case, at, "confirmed_by_customer", via=Via.AGENT_RECORDED,
            recorded_from=cited, by_customer=False, evidence=evidence.strip())
    return case


def report_not_fixed(
    uow: UnitOfWork,
    actor: User | None,
    case_id: int,
    note: str = "",
    now: datetime | None = None,
) -> Case:
    """The customer says it is not fixed: back to OPEN, the owner still owns it."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id)
    if not (access.is_case_customer(actor, case) or access.works_case(actor, case)):
        raise Forbidden("Only the customer, or staff working the case, may report this.")
    if case.status != CaseStatus.AWAITING_CONFIRMATION:
        raise Conflict(f"Case {case.ref} is not awaiting confirmation.",
                       {"status": case.status.value})
    transition(uow, case, CaseStatus.OPEN, actor, at, "not_fixed", note=note.strip())
    return case


def sign_exception(
    uow: UnitOfWork,
    actor: User,
    case_id: int,
    reason: str,
    now: datetime | None = None,
) -> Case:
    """A lead resolves without the customer's confirmation, signing why."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id)
    access.require_authority(actor)
    access.require_unresolved(case)
    if not reason.strip():
        raise Invalid.missing({"reason": "why the case is resolved without the customer's "
                                         "confirmation"})
    case.exception_by_id, case.exception_reason = actor.id, reason.strip()
    resolve(uow, actor, case, at, "exception_signed", reason=case.exception_reason)
    return case


def resolve(
    uow: UnitOfWork, actor: User | None, case: Case, at: datetime, action: str,
    *, via: Via | str | None = None, recorded_from: Interaction | None = None,
    **detail: object,
) -> None:
    """The one way to RESOLVED; callers have checked the confirmation or the exception.

    For a confirmation, `via` says how it came (`Via`; default: the customer, the way
    not said). Staff resolve only with a signed exception or by recording the customer's
    cited words (`recorded_from`, which makes `via` AGENT_RECORDED whatever was passed)."""
    assert case.confirmed_by_customer or case.exception_by_id is not None
    if case.confirmed_by_customer:
        detail.update(_confirmation(actor, case, via, recorded_from))
    else:
        assert recorded_from is None, "an exception cites no confirmation"
    transition(uow, case, CaseStatus.RESOLVED, actor, at, action, **detail)
    case.resolved_at = at
    for follow_up in uow.open_follow_ups(id_of(case)):
        follow_up.done_at = at
        record(uow, case, "follow_up_done", actor, at, follow_up_id=follow_up.id,
               note="the case is resolved")
    for escalation in uow.find(Escalation, limit=50, case_id=case.id, resolved_at=None):
        escalation.resolved_at = at
    pending = uow.open_handover(id_of(case))
    if pending is not None:
        pending.status, pending.answered_at = HandoverStatus.WITHDRAWN, at
        record(uow, case, "handover_withdrawn", actor, at, handover_id=pending.id,
               note="the case is resolved")


def _confirmation(
    actor: User | None, case: Case, via: Via | str | None, recorded_from: Interaction | None,
) -> dict[str, object]:
    """Set how `case` was confirmed; what the audit entry says about it."""
    if recorded_from is None:
        assert not (actor is not None and access.is_staff(actor)), (
            "staff record a confirmation only by citing the customer's words")
        case.confirmed_via = Via(via).value if via else Via.CUSTOMER.value
        case.confirmation_recorded_by_id = case.confirmation_interaction_id = None
        return {"via": case.confirmed_via}
    case.confirmed_via = Via.AGENT_RECORDED.value
    case.confirmation_recorded_by_id = None if actor is None else actor.id
    case.confirmation_interaction_id = recorded_from.id
    return {"via": case.confirmed_via, "recorded_by_id": case.confirmation_recorded_by_id,
            "interaction_id": recorded_from.id, "channel": recorded_from.channel.value,
            "words": recorded_from.body[:WORDS_KEPT]}


def record_lesson(
    uow: UnitOfWork,
    actor: User,
    case_id: int,
    lesson: str,
    draft_article: bool = False,
    title: str | None = None,
    now: datetime | None = None,
) -> KnowledgeArticle | None:
    """The answer to "what did you learn?"; optionally a draft knowledge article."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id)
    access.require_works_case(actor, case)
    if not lesson.strip():
        raise Invalid.missing({"lesson": "what you learned from this case"})
    case.lesson = lesson.strip()
    record(uow, case, "lesson_recorded", actor, at)
    if not draft_article:
        return None
    assert actor.id is not None
    article = KnowledgeArticle(title=(title or "").strip() or case.nature[:120],
                               body=case.lesson, author_id=actor.id, created_at=at,
                               status=ArticleStatus.DRAFT, source_case_id=case.id,
                               updated_at=at)
    uow.add(article)
    uow.flush()
    record(uow, case, "article_drafted", actor, at, article_id=article.id)
    return article


def close_case(
    uow: UnitOfWork,
    actor: User | None,
    case_id: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """RESOLVED -> CLOSED. A later message from the customer still reopens it."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id, expected_version)
    access.require_works_case(actor, case)
    if case.status != CaseStatus.RESOLVED:
        raise Conflict(f"Only a resolved case can be closed; case {case.ref} is "
                       f"{case.status.value}.", {"status": case.status.value})
    transition(uow, case, CaseStatus.CLOSED, actor, at, "closed")
    case.closed_at = at
    return case


def rate_satisfaction(
    uow: UnitOfWork,
    actor: User,
    case_id: int,
    score: int,
    comment: str = "",
    now: datetime | None = None,
) -> SatisfactionRating:
    """The case's customer rates the service 1..5, once, after resolution."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id)
    if not access.is_case_customer(actor, case):
        raise Forbidden("Only the case's customer rates it.")
    if case.status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        raise Conflict(f"Case {case.ref} can be rated once it is resolved.",
                       {"status": case.status.value})
    if not 1 <= score <= 5:
        raise Invalid("The rating is a whole number from 1 to 5.", {"score": "1 to 5"})
    if len(comment) > MAX_COMMENT:
        raise Invalid(f"The comment is longer than {MAX_COMMENT} characters.",
                      {"comment": "too long"})
    if uow.find(SatisfactionRating, limit=1, case_id=case.id):
        raise Conflict(f"Case {case.ref} was already rated.")
    rating = SatisfactionRating(case_id=id_of(case), customer_id=case.customer_id, score=score,
                                at=at, comment=comment.strip())
    uow.add(rating)
    uow.flush()
    record(uow, case, "rated", actor, at, score=score)
    return rating

