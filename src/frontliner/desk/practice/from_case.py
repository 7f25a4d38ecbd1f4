"""Turning a real, resolved case into a practice scenario.

`draft_from_case` gives a lead the case's opening (the customer's first messages as the
thread, the first reply as a starting model answer, a few facts) with every personal
detail taken out (`anonymise.py`). Nothing is saved: the lead checks and edits the text,
then `save_from_case` stores it, refusing while anything the desk knows about the
customer is still in it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from frontliner.coach import Coach
from frontliner.desk.access import load_case_by_ref, require_authority
from frontliner.desk.errors import Conflict, Invalid
from frontliner.desk.model import (
    Case,
    CaseStatus,
    Contact,
    Customer,
    Direction,
    Escalation,
    Interaction,
    Remedy,
    RemedyStatus,
    User,
)
from frontliner.desk.ports import UnitOfWork
from frontliner.desk.practice.anonymise import Known, leftovers, scrub
from frontliner.desk.practice.operations import write_scenario
from frontliner.desk.practice.records import PracticeScenario
from frontliner.desk.triage import format_money

CLOSED = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED})
MESSAGES_READ = 50
CONTACTS_READ = 20
CHANNELS = {"email": "email", "web": "web", "chat": "chat", "phone": "phone",
            "walk_in": "walk_in", "api": "web"}


@dataclass(frozen=True)
class CaseDraft:
    case_id: int
    data: dict[str, Any]  # a scenario's fields, ready for the lead's form
    removed: Counter[str]  # what was taken out, by kind


def closed_case(uow: UnitOfWork, actor: User, ref: str) -> Case:
    require_authority(actor)
    case = load_case_by_ref(uow, actor, ref)
    if case.status not in CLOSED:
        raise Conflict(f"Case {ref} is {case.status.value}: only a resolved or closed case "
                       "can become a practice scenario.", {"status": case.status.value})
    return case


def known_of(uow: UnitOfWork, case: Case) -> Known:
    """Everything the desk knows about this case's customer and the people in it."""
    assert case.id is not None
    customer = uow.get(Customer, case.customer_id)
    names = [case.contact_name, *(p.get("name", "") for p in case.people_involved)]
    if customer is not None:
        names.append(customer.name)
    values = [case.contact_value, *(p.get("contact", "") for p in case.people_involved)]
    values += [c.value for c in uow.find(Contact, limit=CONTACTS_READ,
                                         customer_id=case.customer_id)]
    logins = uow.find(User, limit=5, customer_id=case.customer_id)
    names += [u.name for u in logins]
    values += [u.email for u in logins]
    staff_ids = {m.author_id for m in _messages(uow, case)
                 if m.direction == Direction.OUTBOUND and m.author_id is not None}
    staff = [u.name for u in (uow.get(User, i) for i in sorted(staff_ids)) if u is not None]
    return Known(names=tuple(n for n in names if n),
                 emails=tuple(v for v in values if "@" in v),
                 phones=tuple(v for v in values if v and "@" not in v),
                 refs=(case.ref,), staff=tuple(staff))


def _messages(uow: UnitOfWork, case: Case) -> list[Interaction]:
    found = uow.find(Interaction, limit=MESSAGES_READ, case_id=case.id)
    return [m for m in found if m.direction != Direction.NOTE]


def draft_from_case(uow: UnitOfWork, actor: User, ref: str) -> CaseDraft:
    case = closed_case(uow, actor, ref)
    assert case.id is not None
    known = known_of(uow, case)
    removed: Counter[str] = Counter()

    def clean(text: str) -> str:
        result = scrub(text, known)
        removed.update(result.removed)
        return result.text.strip()

    messages = _messages(uow, case)
    opening = []
    for message in messages:
        if message.direction == Direction.OUTBOUND:
            break
        opening.append({"from": "customer", "text": clean(message.body)})
    first_reply = next((m.body for m in messages if m.direction == Direction.OUTBOUND), "")
    data = {
        "title": clean(case.nature)[:200], "situation": clean(case.nature)[:500],
        "channel": CHANNELS.get(case.channel.value, "email"), "thread": opening,
        "facts": [{"label": k, "value": clean(v)} for k, v in _facts(uow, case)],
        "model_answer": clean(first_reply), "seed": "",
    }
    return CaseDraft(case.id, data, removed)


def _facts(uow: UnitOfWork, case: Case) -> list[tuple[str, str]]:
    facts = [("Channel", case.channel.value.replace("_", " "))]
    if case.category:
        facts.append(("Category", case.category))
    facts.append(("Size", case.size.value + (f" ({', '.join(case.size_reasons)})"
                                              if case.size_reasons else "")))
    for remedy in uow.find(Remedy, limit=10, case_id=case.id, status=RemedyStatus.APPLIED):
        amount = f" of {format_money(remedy.amount)}" if remedy.amount else ""
        facts.append(("Remedy given", f"{remedy.kind.value.replace('_', ' ')}{amount}"))
    for escalation in uow.find(Escalation, limit=3, case_id=case.id):
        facts.append(("Escalated", escalation.reason))
    return facts


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def save_from_case(uow: UnitOfWork, actor: User, ref: str, data: dict[str, Any], coach: Coach,
                   now: datetime | None = None) -> PracticeScenario:
    """Store the lead's checked text, unless it still names the customer or their contact."""
    case = closed_case(uow, actor, ref)
    known = known_of(uow, case)
    left = sorted({w for text in _texts(data) for w in leftovers(text, known)})
    if left:
        raise Invalid("The text still holds the customer's details: " + ", ".join(left)
                      + ". Take them out before saving.", {"scenario": "personal details"})
    return write_scenario(uow, actor, data, coach, origin="case", source_case_id=case.id,
                          now=now)
