"""Users (customer logins, agents, leads, admins), their teams and skills.

Only an admin (or the operator's CLI, actor None) creates users and changes roles; a
lead may set skills. Deactivating someone hands their open cases back to a lead, so no
case is left with an owner nobody is watching.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from frontliner.desk import access
from frontliner.desk.clock import resolve_now, utcnow
from frontliner.desk.customers import clean_name, current_customer, normalise_email
from frontliner.desk.departure import hand_back_work
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.model import ApiToken, Customer, Presence, Role, Team, User
from frontliner.desk.passwords import hash_password
from frontliner.desk.ports import UnitOfWork

MAX_SKILL = 60
MAX_TOKENS_REVOKED = 500  # marked revoked at once; signed_out_at stops the rest anyway


def create_team(
    uow: UnitOfWork, actor: User | None, name: str, now: datetime | None = None
) -> Team:
    access.require_role(actor, Role.ADMIN)
    resolve_now(now)
    clean = clean_name(name)
    if uow.find(Team, limit=1, name=clean):
        raise Conflict(f"A team named {clean!r} already exists.", {"name": clean})
    team = Team(name=clean)
    uow.add(team)
    uow.flush()
    return team


def create_user(
    uow: UnitOfWork,
    actor: User | None,
    *,
    name: str,
    email: str,
    role: Role | str,
    password: str | None = None,
    team_id: int | None = None,
    skills: Sequence[str] = (),
    customer_id: int | None = None,
    now: datetime | None = None,
) -> User:
    """A login. A customer login must name its customer record (whose cases it sees)."""
    access.require_role(actor, Role.ADMIN)
    at = resolve_now(now)
    user_role = _role(role)
    address = normalise_email(email)
    if uow.find(User, limit=1, email=address):
        raise Conflict(f"A user with e-mail {address} already exists.", {"email": address})
    customer_id = _check_customer_link(uow, user_role, customer_id)
    if team_id is not None and uow.get(Team, team_id) is None:
        raise Invalid(f"No team with id {team_id}.", {"team_id": "no such team"})
    user = User(name=clean_name(name), email=address, role=user_role, team_id=team_id,
                skills=clean_skills(skills), customer_id=customer_id, created_at=at,
                password_hash=None if password is None else hash_password(password))
    uow.add(user)
    uow.flush()
    return user


def set_skills(
    uow: UnitOfWork, actor: User | None, user_id: int, skills: Sequence[str]
) -> User:
    access.require_authority(actor)
    user = access.load_user(uow, user_id)
    user.skills = clean_skills(skills)
    return user


def set_team(
    uow: UnitOfWork, actor: User | None, user_id: int, team_id: int | None
) -> User:
    """Put a member of staff in a team (None: no team)."""
    access.require_role(actor, Role.ADMIN)
    user = access.load_user(uow, user_id)
    if team_id is not None and uow.get(Team, team_id) is None:
        raise Invalid(f"No team with id {team_id}.", {"team_id": "no such team"})
    user.team_id = team_id
    return user


def set_role(uow: UnitOfWork, actor: User | None, user_id: int, role: Role | str) -> User:
    access.require_role(actor, Role.ADMIN)
    user = access.load_user(uow, user_id)
    new_role = _role(role)
    if (new_role == Role.CUSTOMER) != (user.role == Role.CUSTOMER):
        raise Invalid("A customer login cannot become staff, nor staff a customer login; "
                      "create a separate user.", {"role": "customer/staff switch"})
    user.role = new_role
    return user


def set_password(
    uow: UnitOfWork, actor: User | None, user_id: int, password: str
) -> User:
    """Users change their own password; an admin may set anyone's. Every session and API
    token opened before ends: whoever knew the old password is out."""
    user = access.load_user(uow, user_id)
    if actor is not None and actor.id != user.id:
        access.require_role(actor, Role.ADMIN)
    user.password_hash = hash_password(password)
    end_sign_ins(uow, user)
    return user


def end_sign_ins(uow: UnitOfWork, user: User) -> int:
    """End every session and API token of `user` that began before now, in every app
    process at once: sessions and tokens are checked against `signed_out_at` on each
    use. Open tokens are also marked revoked (so lists say so). Returns how many.

    Wall-clock time, not the operation's `now`: sessions and tokens are stamped with it.
    """
    at = utcnow()
    user.signed_out_at = at
    open_tokens = uow.find(ApiToken, limit=MAX_TOKENS_REVOKED, user_id=user.id,
                           revoked_at=None)
    for token in open_tokens:
        token.revoked_at = at
    return len(open_tokens)


def deactivate_user(
    uow: UnitOfWork, actor: User | None, user_id: int, now: datetime | None = None
) -> User:
    """Close an account. Their open cases, the escalations they handle and their pending
    handovers go back to a lead in the same step (desk/departure.py), never to nobody."""
    access.require_role(actor, Role.ADMIN)
    at = resolve_now(now)
    user = access.load_user(uow, user_id)
    if actor is not None and actor.id == user.id:
        raise Forbidden("You cannot deactivate yourself; ask another admin.")
    if not user.active:
        return user
    before = user.presence
    user.active, user.presence = False, Presence.OFFLINE  # never picked to take their own work
    try:
        hand_back_work(uow, actor, user, at)
    except Conflict:
        user.active, user.presence = True, before  # refused: nothing changes
        raise
    end_sign_ins(uow, user)  # reactivating later does not bring old sessions or tokens back
    return user


def clean_skills(skills: Sequence[str]) -> list[str]:
    cleaned = [" ".join(s.split()).lower() for s in skills]
    bad = [s for s in cleaned if not s or len(s) > MAX_SKILL]
    if bad:
        raise Invalid(f"Each skill is a word or short phrase of at most {MAX_SKILL} characters.",
                      {"skills": "empty or too long"})
    return list(dict.fromkeys(cleaned))


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise Invalid(f"Unknown role {role!r}.", {"role": f"one of {[r.value for r in Role]}"}) \
            from None


def _check_customer_link(uow: UnitOfWork, role: Role, customer_id: int | None) -> int | None:
    if role != Role.CUSTOMER:
        if customer_id is not None:
            raise Invalid("Only a customer login is linked to a customer record.",
                          {"customer_id": "only for role customer"})
        return None
    if customer_id is None:
        raise Invalid.missing({"customer_id": "the customer record this login belongs to"})
    customer = uow.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"No customer with id {customer_id}.", {"customer_id": customer_id})
    return current_customer(uow, customer).id
