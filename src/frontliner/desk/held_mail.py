"""Held messages: mail that claims to continue a customer's case from an origin nobody
checked, waiting for staff to accept or reject it.

Anyone can put a customer's address in a From line and their case reference in a
subject. Such a message must not land in the customer's conversation (they would see
a stranger's words as their own, and the desk would answer the stranger's text to
them), nor be lost (most of the time it really is the customer, writing from a new mail
client). So it is held: the case's staff see it with the reason, the customer does not,
no automatic mail answers it, and every step is in the case's audit trail.

- `hold_message`: the channel holds a message on a case (the system as actor).
- `accept_held`: staff who work the case take it as the customer's; it joins the case
  exactly as it would have (it may reopen the case), audited with who accepted it.
- `reject_held`: staff keep it out, with a reason; it stays recorded, out of the case.
"""

from __future__ import annotations

from datetime import datetime

from frontliner.desk import access
from frontliner.desk.audit import actor_id, record
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Conflict, Invalid, NotFound
from frontliner.desk.interactions import record_inbound
from frontliner.desk.model import Case, Channel, HeldMessage, HeldStatus, Interaction, User
from frontliner.desk.ports import UnitOfWork

MAX_REASON = 1_000
MAX_WHY = 500


def hold_message(
    uow: UnitOfWork,
    case: Case,
    *,
    channel: Channel,
    sender: str,
    sender_name: str,
    subject: str,
    body: str,
    why: str,
    mail_id: int | None = None,
    now: datetime | None = None,
) -> HeldMessage:
    """Keep `body` on `case` as held, for staff to decide; the customer sees nothing."""
    at = resolve_now(now)
    assert case.id is not None, "a held message belongs to a stored case"
    held = HeldMessage(case_id=case.id, customer_id=case.customer_id, channel=channel,
                       sender=sender[:320], sender_name=sender_name[:200],
                       subject=subject[:998], body=body, why=why[:MAX_WHY],
                       received_at=at, mail_id=mail_id)
    uow.add(held)
    uow.flush()
    record(uow, case, "message_held", None, at, held_id=held.id, sender=held.sender,
           why=held.why)
    return held


def accept_held(
    uow: UnitOfWork, actor: User | None, held_id: int, now: datetime | None = None
) -> Interaction:
    """The held message joins its case as the customer's own message."""
    at = resolve_now(now)
    held, case = _load(uow, actor, held_id)
    message = record_inbound(uow, None, case.id or 0, held.body, held.channel, now=at)
    held.status, held.interaction_id = HeldStatus.ACCEPTED, message.id
    held.decided_by_id, held.decided_at = actor_id(actor), at
    record(uow, case, "held_message_accepted", actor, at, held_id=held.id,
           interaction_id=message.id)
    return message


def reject_held(
    uow: UnitOfWork, actor: User | None, held_id: int, reason: str, now: datetime | None = None
) -> HeldMessage:
    """Keep the held message out of its case, with the reason (required)."""
    at = resolve_now(now)
    why = " ".join(reason.split())
    if not why:
        raise Invalid("Say why the message is kept out of the case.",
                      {"reason": "a short reason, e.g. 'not from the customer'"})
    held, case = _load(uow, actor, held_id)
    held.status, held.decision_reason = HeldStatus.REJECTED, why[:MAX_REASON]
    held.decided_by_id, held.decided_at = actor_id(actor), at
    record(uow, case, "held_message_rejected", actor, at, held_id=held.id,
           reason=held.decision_reason)
    return held


def _load(uow: UnitOfWork, actor: User | None, held_id: int) -> tuple[HeldMessage, Case]:
    access.require_staff(actor)
    held = uow.get(HeldMessage, held_id)
    case = None if held is None else uow.get(Case, held.case_id)
    if held is None or case is None or not access.can_see_case(actor, case):
        raise NotFound("No such held message.", {"held_id": held_id})
    access.require_works_case(actor, case)
    if held.status != HeldStatus.HELD:
        raise Conflict(f"This message was already {held.status.value}.",
                       {"status": held.status.value})
    return held, case
