"""Intake: opening a case, and amending the facts triage rests on.

A case is opened only with the nature of the problem, the customer's name and a
contact; if any are missing the error names every one of them. Date and time are
captured automatically. The case gets its owner at once (the staff member taking it
in, else the agent automatic assignment picks) or, when nobody fits, waits in
Unassigned (see desk/assignment.py and desk/unassigned.py). Triage sizes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from frontliner.desk import access, assignment, bounds, contact_claims
from frontliner.desk.audit import new_entry, record, write_entries
from frontliner.desk.clock import resolve_now
from frontliner.desk.customers import current_customer, customer_by_contact, parse_contact
from frontliner.desk.empowerment import limits_for
from frontliner.desk.errors import Forbidden, Invalid
from frontliner.desk.firelog import fire_for, index_case
from frontliner.desk.interactions import analyse, parse_channel
from frontliner.desk.model import (
    Case,
    Channel,
    Contact,
    Customer,
    Direction,
    Interaction,
    Role,
    User,
    id_of,
)
from frontliner.desk.ports import UnitOfWork
from frontliner.desk.refs import new_case_ref
from frontliner.desk.triage import REPEAT_WINDOW_DAYS, TriageFacts, triage

MAX_NATURE = 2_000
# Who an unassigned case is sized for: an agent (their role's limits), not yet named.
_WHOEVER_TAKES_IT = User(name="whoever takes it", email="", role=Role.AGENT, id=0)


def open_case(
    uow: UnitOfWork,
    actor: User | None,
    *,
    nature: str,
    customer_name: str = "",
    contact: str = "",
    channel: Channel | str = Channel.WEB,
    category: str | None = None,
    required_skill: str | None = None,
    people_involved: Sequence[Mapping[str, str]] = (),
    remedy_requested: int = 0,
    message: str | None = None,
    problem_at: datetime | None = None,
    now: datetime | None = None,
    unverified: bool = False,
) -> Case:
    """Open a case for a customer found (or created) by contact, owned at once.

    `unverified`: the contact was typed by whoever wrote, with nothing to vouch for it
    (the contact form, the chat). If it is the address of a customer with a login, the
    case opens on a record of its own with a claim on theirs (`desk.contact_claims`).

    A customer opening their own case may leave name and contact empty: their record
    supplies them. `message` is the customer's own words, kept as the first inbound
    message. `remedy_requested` (cents) is what the customer asks for, if known.
    `problem_at` is when the problem happened, if the customer says (never later than
    now); the case's own opening time is captured automatically.
    """
    at = resolve_now(now)
    access.require_active(actor)
    chosen_channel = parse_channel(channel)
    customer_name, contact = _fill_from_own_record(uow, actor, customer_name, contact)
    people = _check_intake(nature, customer_name, contact, people_involved)
    check_problem_at(problem_at, at)
    bounds.check_amounts({"remedy_requested": remedy_requested})
    body = (message or "").strip()
    # Everything is read and worked out before the first write: the write transaction
    # (on SQLite the database's one write lock) lasts only for the writing. The coach's
    # reading of the message is pure CPU, done here rather than while holding it.
    reading = analyse(body) if body else None
    holder = contact_claims.login_holder(uow, contact) if unverified and actor is None else None
    # A contact typed with nothing to vouch for it that is a login's address: a record of
    # its own, with a claim on theirs (desk.contact_claims).
    known = None if holder is not None else _known_customer(uow, actor, contact)
    recent = 0 if known is None else uow.cases_opened_since(
        id_of(known), at - timedelta(days=REPEAT_WINDOW_DAYS))
    clean_nature = " ".join(nature.split())
    # 2**79 references: no lookup for a clash that never comes; the unique index on the
    # reference would refuse one (409), never let two cases share it.
    ref, fire = new_case_ref(), fire_for(uow, clean_nature)
    skill = (required_skill or "").strip().lower() or None
    owner = choose_owner(uow, actor, skill, at)  # holds the owner's assignment lock
    case = Case(
        ref=ref, customer_id=0 if known is None else id_of(known), nature=clean_nature,
        channel=chosen_channel, opened_at=at, owner_id=None if owner is None else owner.id,
        category=category or None, fire_id=None if fire is None else fire.id,
        required_skill=skill, people_involved=people,
        contact_name=" ".join(customer_name.split()), contact_value=contact.strip(),
        updated_at=at, problem_at=problem_at, waiting_since=at,
    )
    assert_sized(uow, case, owner, remedy_requested, recent_cases=recent + 1)
    if known is None:  # the first write: every read above ran before the transaction
        own_contact = None if holder is not None else contact
        case.customer_id = id_of(_new_customer(uow, customer_name, own_contact, at))
    # The writes, each row once (no ORM flushes): the case, its word pairs, the first
    # message, then the audit entries with their webhook events in one batch each.
    uow.insert(case)
    index_case(uow, case)
    entries = [new_entry(
        case, "opened", actor, at, owner_id=case.owner_id, channel=case.channel.value,
        size=case.size.value, reasons=list(case.size_reasons), fire_id=case.fire_id,
        **({"problem_at": problem_at.isoformat()} if problem_at else {}))]
    if owner is None:
        # Owned by nobody only while it waits for someone to take it: said, and audited.
        entries.append(new_entry(case, "left_unassigned", actor, at,
                                 reason=_why_unassigned(skill)))
    if holder is not None:
        write_entries(uow, case, entries)  # the trail keeps its order: opened, then claimed
        entries = []
        contact_claims.record_claim(uow, case, holder, contact, at)
    if body:
        first = _first_message(uow, actor, case, body, reading, at)
        entries.append(new_entry(case, "message_received", actor, at,
                                 interaction_id=first.id, channel=case.channel.value))
    write_entries(uow, case, entries)
    return case


def amend_case(
    uow: UnitOfWork,
    actor: User,
    case_id: int,
    *,
    category: str | None = None,
    required_skill: str | None = None,
    people_involved: Sequence[Mapping[str, str]] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Record more of the facts (category, needed skill, people involved) and re-run
    triage, e.g. to gather the people involved before a big case is escalated."""
    at = resolve_now(now)
    case = access.load_case(uow, actor, case_id, expected_version)
    access.require_works_case(actor, case)
    access.require_unresolved(case)
    changed: dict[str, object] = {}
    if category is not None:
        case.category = category.strip() or None
        changed["category"] = case.category
    if required_skill is not None:
        case.required_skill = required_skill.strip().lower() or None
        changed["required_skill"] = case.required_skill
    if people_involved is not None:
        case.people_involved = check_people(people_involved)
        changed["people_involved"] = case.people_involved
    owner = None if case.owner_id is None else access.load_user(uow, case.owner_id, "owner")
    recent = uow.cases_opened_since(case.customer_id, case.opened_at - timedelta(
        days=REPEAT_WINDOW_DAYS))
    assert_sized(uow, case, owner, 0, recent_cases=max(recent, 1))
    record(uow, case, "amended", actor, at, size=case.size.value,
           reasons=list(case.size_reasons), **changed)
    return case


def assert_sized(
    uow: UnitOfWork, case: Case, owner: User | None, remedy_requested: int, recent_cases: int
) -> None:
    """Set the case's size and reasons from triage; an approval already needed keeps it big.
    An unassigned case is sized for whoever takes it: an agent with the needed skill and
    the agents' limits (it is sized again when someone takes it)."""
    # Reasons triage cannot recompute from the case alone (a remedy asked for at intake,
    # an approval needed later) stay until the case is resolved.
    kept = [r for r in case.size_reasons
            if r.startswith(("a remedy needs a lead's approval", "the remedy asked for"))]
    if remedy_requested:
        kept = [r for r in kept if not r.startswith("the remedy asked for")]
    sized_for = owner or _WHOEVER_TAKES_IT
    skills = frozenset(owner.skills if owner else [case.required_skill or ""])
    result = triage(
        TriageFacts(
            nature=case.nature, owner_name=sized_for.name, owner_skills=skills,
            required_skill=case.required_skill, remedy_requested=remedy_requested,
            money_per_case=limits_for(uow, sized_for).money_per_case,
            parties=len(case.people_involved), recent_cases=recent_cases,
            extra_reasons=tuple(kept),
        )
    )
    case.size, case.size_reasons = result.size, list(result.reasons)


def choose_owner(
    uow: UnitOfWork, actor: User | None, skill: str | None, now: datetime | None = None
) -> User | None:
    """The agent or lead taking the case in; otherwise the agent automatic assignment
    picks (present, below capacity, with the skill), or None: the case waits in
    Unassigned."""
    if actor is not None and actor.role in (Role.AGENT, Role.LEAD):
        return actor
    return assignment.pick_agent(uow, skill, resolve_now(now))


def _why_unassigned(skill: str | None) -> str:
    needed = f" with the skill '{skill}'" if skill else ""
    return f"no agent{needed} who can sign in is available and below their capacity"


# A clock a few minutes ahead (the caller's phone, the agent's PC) is not "the future".
PROBLEM_AT_SKEW = timedelta(minutes=5)


def check_problem_at(problem_at: datetime | None, now: datetime) -> None:
    """When the problem happened: a moment with its time zone, not in the future."""
    if problem_at is None:
        return
    if problem_at.tzinfo is None:
        raise Invalid("Say in which time zone the problem happened (e.g. UTC).",
                      {"problem_at": "a date and time with its time zone"})
    if problem_at > now + PROBLEM_AT_SKEW:
        raise Invalid("The problem cannot have happened in the future.",
                      {"problem_at": "not later than now"})


def check_people(people: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """Each person involved needs a name and a contact (the seeds' big-case facts)."""
    cleaned: list[dict[str, str]] = []
    problems: dict[str, str] = {}
    for i, person in enumerate(people):
        entry = {str(k): " ".join(str(v).split()) for k, v in person.items()}
        for key, what in (("name", "a name"), ("contact", "a contact")):
            if not entry.get(key):
                problems[f"people_involved[{i}].{key}"] = f"{what} for person {i + 1}"
        cleaned.append(entry)
    if problems:
        raise Invalid.missing(problems)
    return cleaned


def _fill_from_own_record(
    uow: UnitOfWork, actor: User | None, name: str, contact: str
) -> tuple[str, str]:
    if actor is None or actor.role != Role.CUSTOMER or actor.customer_id is None:
        return name, contact
    customer = uow.get(Customer, actor.customer_id)
    if customer is None:
        return name, contact
    if not contact.strip():
        found = uow.find(Contact, limit=20, customer_id=customer.id)
        primary = [c for c in found if c.is_primary] or found
        contact = primary[0].value if primary else ""
    return (name if name.strip() else customer.name), contact


def _check_intake(
    nature: str, name: str, contact: str, people: Sequence[Mapping[str, str]]
) -> list[dict[str, str]]:
    missing: dict[str, str] = {}
    if not nature.strip():
        missing["nature"] = "the nature of the problem"
    if not name.strip():
        missing["customer_name"] = "the customer's name"
    if not contact.strip():
        missing["contact"] = "a contact for the customer (e-mail or phone)"
    try:
        cleaned = check_people(people)
    except Invalid as unnamed:  # named in the same refusal: every gap at once
        missing.update(unnamed.fields)
    if missing:
        raise Invalid.missing(missing)
    if len(nature) > MAX_NATURE:
        raise Invalid(f"The nature of the problem is longer than {MAX_NATURE} characters; "
                      "put the full story in the message.", {"nature": "too long"})
    try:
        parse_contact(contact)
    except Invalid as bad:
        raise Invalid(f"The contact is not usable: {bad.message}", {"contact": bad.message}) \
            from None
    return cleaned


def _known_customer(uow: UnitOfWork, actor: User | None, contact: str) -> Customer | None:
    """A customer login always opens for itself; otherwise the customer with this
    contact, if there is one (read only: a new customer is written later)."""
    if actor is not None and actor.role == Role.CUSTOMER:
        own = uow.get(Customer, actor.customer_id) if actor.customer_id is not None else None
        if own is None:
            raise Forbidden("This login is not linked to a customer record.")
        return current_customer(uow, own)
    return customer_by_contact(uow, contact)


def _new_customer(uow: UnitOfWork, name: str, contact: str | None, at: datetime) -> Customer:
    """A new record; with `contact` as its primary contact (None: the contact is another
    record's, and this one waits for a claim to be confirmed)."""
    customer = Customer(name=" ".join(name.split()), created_at=at)
    uow.insert(customer)
    if contact is not None:
        kind, value = parse_contact(contact)
        uow.insert_all([Contact(customer_id=id_of(customer), kind=kind, value=value,
                                is_primary=True)])
    return customer


def _first_message(
    uow: UnitOfWork, actor: User | None, case: Case, body: str,
    reading: dict[str, Any] | None, at: datetime,
) -> Interaction:
    first = Interaction(case_id=id_of(case), customer_id=case.customer_id, at=at,
                        channel=case.channel, direction=Direction.INBOUND, body=body,
                        author_id=None if actor is None else actor.id, analysis=reading)
    uow.insert(first)  # its id goes in the audit entry, which is what the live view reads
    return first
