"""Who may see and do what: the ONE place the desk decides it.

An `actor` is the `User` acting, or `None` for the trusted system itself (a channel
taking in an e-mail, the CLI run by the operator on the machine). The web layer must
never pass `None`: every request has an authenticated user.

A customer sees only their own cases and customer record; anything else is reported
as `NotFound`, never `Forbidden`, so probing does not reveal that it exists.
"""

from __future__ import annotations

from frontliner.desk.errors import Conflict, Forbidden, NotFound
from frontliner.desk.model import (
    ArticleStatus,
    Case,
    CaseStatus,
    Customer,
    Direction,
    Interaction,
    Role,
    User,
)
from frontliner.desk.ports import UnitOfWork

STAFF_ROLES = (Role.AGENT, Role.LEAD, Role.ADMIN)
AUTHORITY_ROLES = (Role.LEAD, Role.ADMIN)  # may approve, sign exceptions, set limits
UNRESOLVED = frozenset(
    {
        CaseStatus.NEW,
        CaseStatus.OPEN,
        CaseStatus.WAITING_ON_CUSTOMER,
        CaseStatus.ESCALATED,
        CaseStatus.AWAITING_CONFIRMATION,
    }
)


def is_staff(actor: User | None) -> bool:
    """The system and active agents, leads and admins work cases; customers do not."""
    return actor is None or (actor.active and actor.role in STAFF_ROLES)


def has_authority(actor: User | None) -> bool:
    return actor is None or (actor.active and actor.role in AUTHORITY_ROLES)


def require_active(actor: User | None) -> None:
    if actor is not None and not actor.active:
        raise Forbidden("This account is deactivated.")


def require_role(actor: User | None, *roles: Role) -> None:
    """Refuse unless the actor has one of `roles` (the system may do anything)."""
    require_active(actor)
    if actor is not None and actor.role not in roles:
        names = " or ".join(r.value for r in roles)
        raise Forbidden(
            f"Only a {names} may do this.", {"required_roles": [r.value for r in roles]}
        )


def require_staff(actor: User | None) -> None:
    require_role(actor, *STAFF_ROLES)


def require_authority(actor: User | None) -> None:
    require_role(actor, *AUTHORITY_ROLES)


def insights_of(actor: User, desk_wide: bool) -> int:
    """Whose figures `actor` reads in the insights: the whole desk's (0) for a lead or
    an admin who asks for them; otherwise their own (their id). Nobody reads another
    person's own figures, so the desk's figures never rank people."""
    if desk_wide:
        require_authority(actor)
        return 0
    require_staff(actor)
    assert actor.id is not None
    return actor.id


def can_edit_knowledge(actor: User | None, author_id: int, status: ArticleStatus) -> bool:
    """A lead or admin edits any article or prepared reply; its author only while it is
    a draft (once published, what the whole desk relies on changes through a lead)."""
    if has_authority(actor):
        return True
    return (is_staff(actor) and actor is not None and actor.id == author_id
            and status == ArticleStatus.DRAFT)


def require_edit_knowledge(actor: User | None, author_id: int, status: ArticleStatus) -> None:
    require_staff(actor)
    if not can_edit_knowledge(actor, author_id, status):
        raise Forbidden("Only its author, while it is a draft, or a lead may edit it.",
                        {"author_id": author_id, "status": status.value})


def can_see_case(actor: User | None, case: Case) -> bool:
    if actor is None:
        return True
    if not actor.active:
        return False
    if actor.role == Role.CUSTOMER:
        return actor.customer_id is not None and case.customer_id == actor.customer_id
    return True


def can_see_customer(actor: User | None, customer: Customer) -> bool:
    if actor is None:
        return True
    if not actor.active:
        return False
    if actor.role == Role.CUSTOMER:
        return actor.customer_id is not None and customer.id == actor.customer_id
    return True


def can_see_interaction(actor: User | None, message: Interaction, case: Case) -> bool:
    """Internal notes are for staff only; a customer sees the rest of their own case."""
    if not can_see_case(actor, case):
        return False
    return is_staff(actor) or message.direction != Direction.NOTE


def can_see_coaching_of(actor: User | None, author_id: int) -> bool:
    """A sent reply's coach reading and its review: leads and admins see everyone's, an
    agent only their own (never a colleague's: coaching is not a comparison)."""
    if actor is None:
        return True
    if not actor.active or actor.role not in STAFF_ROLES:
        return False
    return actor.role in AUTHORITY_ROLES or actor.id == author_id


def require_coaching_of(actor: User | None, author_id: int) -> None:
    if not can_see_coaching_of(actor, author_id):
        raise NotFound("There is no such sent reply among yours.")


def is_case_customer(actor: User | None, case: Case) -> bool:
    return (
        actor is not None
        and actor.role == Role.CUSTOMER
        and actor.customer_id is not None
        and actor.customer_id == case.customer_id
    )


def works_case(actor: User | None, case: Case) -> bool:
    """The owner, the escalation handler, a lead or admin, or the system."""
    if actor is None:
        return True
    if not actor.active or actor.role not in STAFF_ROLES:
        return False
    return actor.role in AUTHORITY_ROLES or actor.id in (case.owner_id, case.handler_id)


def require_works_case(actor: User | None, case: Case) -> None:
    if not works_case(actor, case):
        raise Forbidden(
            f"Only the case's owner, its handler or a lead may do this on case {case.ref}.",
            {"owner_id": case.owner_id, "handler_id": case.handler_id},
        )


def may_end_conversation(
    actor: User | None, case: Case, read_by_analyser: bool, reported_by_authority: bool
) -> bool:
    """Over a message the analyser read as abuse, whoever works the case may end the
    conversation. Over a message only staff reported, a lead's word is needed: a second
    pair of eyes keeps frustration from ever being treated as abuse."""
    if not works_case(actor, case):
        return False
    return read_by_analyser or reported_by_authority or has_authority(actor)


def require_owner(actor: User | None, case: Case) -> None:
    if actor is not None and (not actor.active or actor.id != case.owner_id):
        raise Forbidden(
            f"Only the owner of case {case.ref} may do this.", {"owner_id": case.owner_id}
        )


def load_case(
    uow: UnitOfWork, actor: User | None, case_id: int, expected_version: int | None = None
) -> Case:
    """The case if the actor may see it; `expected_version` guards against lost updates
    when a client edits what it read earlier."""
    case = uow.get(Case, case_id)
    if case is None or not can_see_case(actor, case):
        raise NotFound(f"No case with id {case_id}.", {"case_id": case_id})
    check_version(case, expected_version)
    return case


def load_case_by_ref(uow: UnitOfWork, actor: User | None, ref: str) -> Case:
    case = uow.case_by_ref(ref)
    if case is None or not can_see_case(actor, case):
        raise NotFound(f"No case with reference {ref}.", {"ref": ref})
    return case


def load_customer(uow: UnitOfWork, actor: User | None, customer_id: int) -> Customer:
    customer = uow.get(Customer, customer_id)
    if customer is None or not can_see_customer(actor, customer):
        raise NotFound(f"No customer with id {customer_id}.", {"customer_id": customer_id})
    return customer


def load_user(uow: UnitOfWork, user_id: int, what: str = "user") -> User:
    user = uow.get(User, user_id)
    if user is None:
        raise NotFound(f"No {what} with id {user_id}.", {"user_id": user_id})
    return user


def check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != case.version:
        raise Conflict(
            f"Case {case.ref} was changed by someone else since you read it; "
            "reload it and try again.",
            {"expected_version": expected_version, "current_version": case.version},
        )


def require_unresolved(case: Case) -> None:
    if case.status not in UNRESOLVED:
        raise Conflict(
            f"Case {case.ref} is {case.status.value}; this needs an unresolved case.",
            {"status": case.status.value},
        )
