"""What staff need before they may record a customer's confirmation for them.

The customer's own "yes, it is solved" (portal, signed e-mail link, chat) resolves a case
at once. When the customer said it somewhere else - in an e-mail, a chat line, on the
phone - the staff working the case record it, and the desk asks for three things:

- the case is past NEW: its owner has acknowledged it and worked on it;
- the closing checklist is done: the plan was shared, permission asked for it, and the
  customer asked whether they are satisfied;
- the customer's own words are cited: an inbound message of this case, written by the
  customer (or taken in by a channel), or a call staff logged on the phone channel; and
  no older than the case's last reopening (a "yes" from before the customer said "not
  yet" confirms nothing), and not the message the case was opened with.

Free text alone ("said fine") is never enough. A refusal names every missing piece at
once (`Invalid.fields`), or the state that is wrong (`Conflict`).
"""

from __future__ import annotations

from frontliner.desk.errors import Conflict, Invalid
from frontliner.desk.model import (
    Case,
    CaseStatus,
    Channel,
    Direction,
    Interaction,
    Role,
    User,
)
from frontliner.desk.ports import UnitOfWork

CHECKLIST = {
    "plan_shared": "share the plan with the customer (closing checklist)",
    "permission_asked": "ask the customer's permission for the plan (closing checklist)",
    "satisfaction_asked": "ask the customer whether they are satisfied (closing checklist)",
}
CITE = "the customer's message, or the call you logged, in which they say it is solved"


def require_recordable(uow: UnitOfWork, case: Case, interaction_id: int | None) -> Interaction:
    """The cited message when staff may record the customer's confirmation from it;
    otherwise `Conflict` (the case's state) or `Invalid` naming everything missing."""
    if case.status == CaseStatus.NEW:
        raise Conflict(
            f"Case {case.ref} is new: acknowledge it and work on it first. A customer's "
            "confirmation can be recorded once they answer the fix.",
            {"status": case.status.value},
        )
    missing = {step: why for step, why in CHECKLIST.items() if not getattr(case, step)}
    message = None if interaction_id is None else uow.get(Interaction, interaction_id)
    problem = CITE if interaction_id is None else citation_problem(uow, case, message)
    if problem:
        missing["interaction_id"] = problem
    if missing:
        raise Invalid("To record the customer's confirmation, first: "
                      + "; ".join(missing.values()) + ".", missing)
    assert message is not None
    return message


def citation_problem(uow: UnitOfWork, case: Case, message: Interaction | None) -> str | None:
    """Why `message` cannot stand for the customer's confirmation of `case`, or None."""
    if message is None or message.case_id != case.id:
        return "not a message of this case: " + CITE
    if message.direction != Direction.INBOUND:
        return "not the customer's words (a reply or an internal note): " + CITE
    if message.channel != Channel.PHONE and written_by_staff(uow, message):
        return ("typed in by staff on the " + message.channel.value + " channel: staff may "
                "cite the customer's own messages, or a call they logged on the phone channel")
    if case.reopened_at is not None and message.at < case.reopened_at:
        return ("older than the case's reopening (the customer said since that it is not "
                "solved, or wrote again): cite what they said after that")
    if is_opening_message(uow, case, message):
        return "the message the case was opened with: cite the customer's answer to your fix"
    return None


def written_by_staff(uow: UnitOfWork, message: Interaction) -> bool:
    """Typed by an agent, lead or admin (not by the customer, nor taken in by a channel)."""
    if message.author_id is None:
        return False
    author = uow.get(User, message.author_id)
    return author is None or author.role != Role.CUSTOMER


def is_opening_message(uow: UnitOfWork, case: Case, message: Interaction) -> bool:
    """The customer's first message, stored with the case when it was opened."""
    if message.at != case.opened_at:
        return False
    first = uow.find(Interaction, limit=1, case_id=case.id)
    return bool(first) and first[0].id == message.id
