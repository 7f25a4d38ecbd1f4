"""Recognition: kudos from a lead, or from a customer to an agent who worked their case.
Fix credits come from the fire log. There is no leaderboard: recognition rewards, it
never ranks.
"""

from __future__ import annotations

from datetime import datetime

from frontliner.desk import access
from frontliner.desk.clock import resolve_now
from frontliner.desk.errors import Forbidden, Invalid
from frontliner.desk.model import Case, Handover, Interaction, Kudos, KudosKind, Role, User
from frontliner.desk.ports import UnitOfWork

MAX_MESSAGE = 2_000


def give_kudos(
    uow: UnitOfWork,
    actor: User,
    to_user_id: int,
    message: str,
    case_id: int | None = None,
    now: datetime | None = None,
) -> Kudos:
    """A lead thanks a colleague; a customer thanks an agent who worked their case."""
    at = resolve_now(now)
    access.require_active(actor)
    text = message.strip()
    if not text:
        raise Invalid.missing({"message": "what you are thanking them for"})
    if len(text) > MAX_MESSAGE:
        raise Invalid(f"The message is longer than {MAX_MESSAGE} characters.",
                      {"message": "too long"})
    to_user = access.load_user(uow, to_user_id)
    if to_user.role == Role.CUSTOMER or to_user.id == actor.id:
        raise Invalid("Kudos go to a colleague on the desk, not to yourself.",
                      {"to_user_id": "not a colleague"})
    case = access.load_case(uow, actor, case_id) if case_id is not None else None
    kudos = Kudos(to_user_id=to_user_id, at=at, message=text, kind=KudosKind.KUDOS, case_id=case_id)
    if actor.role == Role.CUSTOMER:
        _check_customer_kudos(uow, to_user, case)
        kudos.from_customer_id = actor.customer_id
    elif access.has_authority(actor):
        kudos.from_user_id = actor.id
    else:
        raise Forbidden("Kudos come from leads and from customers.")
    uow.add(kudos)
    uow.flush()
    return kudos


def worked_case(uow: UnitOfWork, user: User, case: Case) -> bool:
    """Owned it, handled its escalation, handed it over, or wrote to the customer on it."""
    if user.id in (case.owner_id, case.handler_id):
        return True
    if uow.find(Handover, limit=1, case_id=case.id, from_user_id=user.id):
        return True
    return bool(uow.find(Interaction, limit=1, case_id=case.id, author_id=user.id))


def _check_customer_kudos(uow: UnitOfWork, to_user: User, case: Case | None) -> None:
    if case is None:
        raise Invalid.missing({"case_id": "the case the agent helped you with"})
    if not worked_case(uow, to_user, case):
        raise Invalid(f"{to_user.name} did not work on case {case.ref}.",
                      {"to_user_id": "did not work this case"})
