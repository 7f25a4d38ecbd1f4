"""Messages on a case: what the customer wrote (inbound), what we wrote (outbound), and
internal notes. A new message from the customer on a resolved or closed case reopens it:
the customer is the one who says whether it is solved.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from frontliner.desk import access, departure, sent_replies
from frontliner.desk.audit import record, transition
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Forbidden, Invalid
from frontliner.desk.model import (
    Case,
    CaseStatus,
    Channel,
    Direction,
    Interaction,
    User,
)
from frontliner.desk.ports import UnitOfWork

MAX_BODY = 100_000
MAX_REASON = 1_000
log = logging.getLogger("frontliner.desk")


class CoachErrors(StrEnum):
    """What the desk does with a reply the coach finds error-level problems in (a lead's
    choice): WARN lets the agent send it with a recorded reason; BLOCK refuses it."""

    WARN = "warn"
    BLOCK = "block"


def parse_coach_errors(value: CoachErrors | str) -> CoachErrors:
    try:
        return CoachErrors(value)
    except ValueError:
        raise Invalid(f"Unknown coach setting {value!r}.",
                      {"coach_errors": f"one of {[c.value for c in CoachErrors]}"}) from None


def parse_channel(value: Channel | str) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise Invalid(f"Unknown channel {value!r}.",
                      {"channel": f"one of {[c.value for c in Channel]}"}) from None


def analyse(body: str) -> dict[str, Any] | None:
    """The coach's reading of a customer's message (complaint, frustration, urgency...),
    or None while the coach offers no `read` function. Looked up at call time so the
    desk works before the coach exists and uses it as soon as it does."""
    try:
        coach = importlib.import_module("frontliner.coach")
    except ImportError:
        return None
    read = getattr(coach, "read", None)
    if read is None:
        return None
    try:
        result: Any = read(body)
        as_dict: dict[str, Any] = result.to_dict()
    except Exception:  # a reading is a bonus: the customer's message must never be lost
        log.warning("the coach could not read an inbound message; stored without analysis",
                    exc_info=True)
        return None
    return as_dict


def record_inbound(
    uow: UnitOfWork,
    actor: User | None,
    case_id: int,
    body: str,
    channel: Channel | str = Channel.WEB,
    now: datetime | None = None,
) -> Interaction:
    """The customer's message, written by them (portal), taken in by a channel (actor
    None), or typed by staff from a phone call. Reopens a resolved or closed case; a
    reply on a case waiting on the customer, or one saying "not solved yet" on a case
    awaiting confirmation, puts it back to open."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id)
    if not (access.is_staff(actor) or access.is_case_customer(actor, case)):
        raise Forbidden("Only the customer or staff may add the customer's message.")
    message = _add(uow, actor, case, Direction.INBOUND, body, parse_channel(channel), at)
    message.analysis = analyse(message.body)
    record(uow, case, "message_received", actor, at, interaction_id=message.id,
           channel=message.channel.value)
    if case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        reopen(uow, actor, case, at, reason="the customer wrote again")
    elif case.status == CaseStatus.WAITING_ON_CUSTOMER:
        transition(uow, case, CaseStatus.OPEN, actor, at, "customer_replied")
    elif case.status == CaseStatus.AWAITING_CONFIRMATION and _says_not_solved(message):
        # The customer answered the confirmation question with "not yet" in their own
        # words (a reply, a chat line, a call): the owner has work again, as with the link.
        transition(uow, case, CaseStatus.OPEN, actor, at, "not_fixed",
                   interaction_id=message.id, note="the customer wrote that it is not solved")
    return message


def _says_not_solved(message: Interaction) -> bool:
    return bool((message.analysis or {}).get("not_solved"))


def record_outbound(
    uow: UnitOfWork,
    actor: User | None,
    case_id: int,
    body: str,
    channel: Channel | str = Channel.EMAIL,
    wait_for_reply: bool = False,
    now: datetime | None = None,
    coach_errors: Sequence[str] = (),
    override_reason: str = "",
    on_coach_errors: CoachErrors | str = CoachErrors.WARN,
    suggestions_used: Sequence[str] | str = (),
    agent_words: bool = True,
) -> Interaction:
    """Our reply to the customer. The owner's first reply acknowledges a new case;
    `wait_for_reply` marks the case as waiting on the customer.

    `coach_errors` are the rule ids of the error-level findings the coach reported on
    this body. With any, the reply goes out only when the desk warns (not blocks) and
    the agent gives `override_reason`; both are kept in the audit entry.

    A reply in a staff member's own words (`agent_words`; False only for the desk's
    fixed texts, such as the confirmation question) keeps the coach's reading of it,
    the reason and the suggestions the agent used (`sent_replies.keep_sent_reply`)."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id)
    access.require_staff(actor)
    errors = sorted({str(rule) for rule in coach_errors})
    reason = " ".join(override_reason.split())
    _check_coach_errors(errors, reason, parse_coach_errors(on_coach_errors))
    used = sent_replies.parse_suggestions_used(suggestions_used)
    message = _add(uow, actor, case, Direction.OUTBOUND, body, parse_channel(channel), at)
    if agent_words and actor is not None:
        sent_replies.keep_sent_reply(uow, actor, message, at, reason[:MAX_REASON], used)
    extra: dict[str, Any] = {"coach_errors": errors, "override_reason": reason} if errors else {}
    record(uow, case, "reply_sent", actor, at, interaction_id=message.id,
           channel=message.channel.value, **extra)
    if case.status == CaseStatus.NEW and actor is not None and actor.id == case.owner_id:
        transition(uow, case, CaseStatus.OPEN, actor, at, "acknowledged")
    if wait_for_reply and case.status == CaseStatus.OPEN:
        transition(uow, case, CaseStatus.WAITING_ON_CUSTOMER, actor, at, "waiting_on_customer")
    return message


def _check_coach_errors(errors: list[str], reason: str, policy: CoachErrors) -> None:
    if not errors:
        return
    listed = ", ".join(errors)
    if policy == CoachErrors.BLOCK:
        raise Invalid(f"The coach found errors ({listed}) and this desk does not send replies "
                      "with errors: fix them first.", {"body": f"coach errors: {listed}"})
    if not reason:
        raise Invalid(f"The coach found errors ({listed}): say why this reply should go "
                      "out as it is.", {"override_reason": "why you send it anyway"})
    if len(reason) > MAX_REASON:
        raise Invalid(f"The reason is longer than {MAX_REASON} characters.",
                      {"override_reason": "too long"})


def add_note(
    uow: UnitOfWork,
    actor: User | None,
    case_id: int,
    body: str,
    now: datetime | None = None,
) -> Interaction:
    """An internal note: staff only, never shown to the customer."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id)
    access.require_staff(actor)
    note = _add(uow, actor, case, Direction.NOTE, body, Channel.API, at)
    record(uow, case, "note_added", actor, at, interaction_id=note.id)
    return note


def log_call(
    uow: UnitOfWork,
    actor: User | None,
    case_id: int,
    said: str,
    summary: str = "",
    now: datetime | None = None,
) -> Interaction:
    """A phone call taken by staff: what the customer said becomes their inbound message
    on the phone channel (read by the coach, reopening a resolved case like any of their
    messages); the agent's own summary, if any, is an internal note beside it."""
    access.require_staff(actor)
    message = record_inbound(uow, actor, case_id, said, Channel.PHONE, now)
    if summary.strip():
        add_note(uow, actor, case_id, f"Call summary: {summary.strip()}", now)
    return message


def reopen(uow: UnitOfWork, actor: User | None, case: Case, at: datetime, reason: str) -> None:
    """Back to open with the closing facts cleared; the owner (still the owner) is
    replaced only if their account was deactivated meanwhile."""
    transition(uow, case, CaseStatus.OPEN, actor, at, "reopened", reason=reason)
    case.confirmed_by_customer = False
    case.confirmed_via = None
    case.confirmation_recorded_by_id = case.confirmation_interaction_id = None
    case.exception_by_id, case.exception_reason = None, None
    case.resolved_at, case.closed_at = None, None
    departure.replace_inactive_owner(uow, actor, case, at)


def _add(
    uow: UnitOfWork,
    actor: User | None,
    case: Case,
    direction: Direction,
    body: str,
    channel: Channel,
    at: datetime,
) -> Interaction:
    text = body.strip()
    if not text:
        raise Invalid.missing({"body": "the text of the message"})
    if len(text) > MAX_BODY:
        raise Invalid(f"The message is longer than {MAX_BODY} characters.", {"body": "too long"})
    assert case.id is not None
    message = Interaction(case_id=case.id, customer_id=case.customer_id, at=at, channel=channel,
                          direction=direction, body=text,
                          author_id=None if actor is None else actor.id)
    uow.add(message)
    uow.flush()
    track_waiting(case, direction, at)
    return message


def track_waiting(case: Case, direction: Direction, at: datetime) -> None:
    """Keep `case.waiting_since`: the customer's word starts the wait (unless one is
    already running), our reply ends it; an internal note changes nothing."""
    if direction == Direction.INBOUND and case.waiting_since is None:
        case.waiting_since = at
    elif direction == Direction.OUTBOUND:
        case.waiting_since = None


