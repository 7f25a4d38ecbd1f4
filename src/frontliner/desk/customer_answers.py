"""The customer's own answer to "is it solved?", given without a login.

A customer who wrote by e-mail, through the web form, on the phone or in the chat has no
portal account. They answer through a signed link in our mail or in the chat widget, and
the link (or the chat token) vouches for one case and one customer. These operations take
exactly that: the case id and the customer id the channel vouches for, with the system
as actor (None), and refuse a pair that does not match as "not found", so a link for one
case never tells anything about another.

Every answer can be given twice without harm: a second "yes" on a case already resolved
by the customer changes nothing, a second "not yet" without words changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from frontliner.desk import closing, interactions
from frontliner.desk.audit import record, transition
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Conflict, Invalid, NotFound
from frontliner.desk.model import (
    Case,
    CaseStatus,
    Channel,
    Interaction,
    SatisfactionRating,
    id_of,
)
from frontliner.desk.ports import UnitOfWork

DONE = (CaseStatus.RESOLVED, CaseStatus.CLOSED)


class AnswerVia(StrEnum):
    """How the customer answered: a signed link from our e-mail, or the chat widget (the
    two of `closing.Via` that come without a login; the case keeps it as confirmed_via)."""

    EMAIL_LINK = "email_link"
    CHAT = "chat"


def customers_case(uow: UnitOfWork, case_id: int, customer_id: int) -> Case:
    """The case, if it belongs to the customer the link vouches for; else NotFound (the
    same answer as for a case that does not exist)."""
    case = uow.get(Case, case_id)
    if case is None or case.customer_id != customer_id:
        raise NotFound("No such case.", {"case_id": case_id})
    return case


def customer_confirms(
    uow: UnitOfWork, case_id: int, customer_id: int, via: AnswerVia | str,
    now: datetime | None = None,
) -> Case:
    """The customer says it is solved: RESOLVED, confirmed by the customer. A second yes
    on a case they already confirmed changes nothing."""
    at = resolve_now(now)
    how = AnswerVia(via)
    case = customers_case(uow, case_id, customer_id)
    if case.status in DONE and case.confirmed_by_customer:
        return case
    if case.status != CaseStatus.AWAITING_CONFIRMATION:
        raise Conflict(f"Case {case.ref} is not waiting for your confirmation.",
                       {"status": case.status.value})
    case.confirmed_by_customer = True
    closing.resolve(uow, None, case, at, "confirmed_by_customer", by_customer=True,
                    via=closing.Via(how.value))
    return case


def customer_not_fixed(
    uow: UnitOfWork, case_id: int, customer_id: int, note: str, via: AnswerVia | str,
    now: datetime | None = None,
) -> Interaction | None:
    """The customer says it is not solved (yet). A case waiting for their word goes back
    to OPEN for its owner; what they say is kept as their own message on the case (which
    also reopens a case already resolved or closed). Returns that message, if any."""
    at = resolve_now(now)
    how = AnswerVia(via)
    case = customers_case(uow, case_id, customer_id)
    words = note.strip()
    if case.status == CaseStatus.AWAITING_CONFIRMATION:
        transition(uow, case, CaseStatus.OPEN, None, at, "not_fixed", by_customer=True,
                   via=how.value, note=words[:200])
    if not words:
        return None
    channel = Channel.CHAT if how == AnswerVia.CHAT else Channel.WEB
    return interactions.record_inbound(uow, None, id_of(case), words, channel=channel, now=at)


def customer_rates(
    uow: UnitOfWork, case_id: int, customer_id: int, score: int, comment: str,
    via: AnswerVia | str, now: datetime | None = None,
) -> SatisfactionRating:
    """The customer rates the service 1..5 (with an optional comment), once, after the
    case is resolved: the same rules as a rating from the portal."""
    at = resolve_now(now)
    how = AnswerVia(via)
    case = customers_case(uow, case_id, customer_id)
    if case.status not in DONE:
        raise Conflict(f"Case {case.ref} can be rated once it is resolved.",
                       {"status": case.status.value})
    if not 1 <= score <= 5:
        raise Invalid("The rating is a whole number from 1 to 5.", {"score": "1 to 5"})
    if len(comment) > closing.MAX_COMMENT:
        raise Invalid(f"The comment is longer than {closing.MAX_COMMENT} characters.",
                      {"comment": "too long"})
    if rating_of(uow, case) is not None:
        raise Conflict(f"Case {case.ref} was already rated.")
    rating = SatisfactionRating(case_id=id_of(case), customer_id=case.customer_id, score=score,
                                at=at, comment=comment.strip())
    uow.add(rating)
    uow.flush()
    record(uow, case, "rated", None, at, score=score, by_customer=True, via=how.value)
    return rating


def rating_of(uow: UnitOfWork, case: Case) -> SatisfactionRating | None:
    found = uow.find(SatisfactionRating, limit=1, case_id=case.id)
    return found[0] if found else None
