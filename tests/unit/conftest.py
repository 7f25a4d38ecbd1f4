"""A small desk for every unit test: an admin, a lead, three agents and two customers,
built through the desk's own operations on the in-memory unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from frontliner.desk.customers import create_customer
from frontliner.desk.intake import open_case
from frontliner.desk.model import Case, Channel, Customer, Presence, Role, User
from frontliner.desk.users import create_user
from tests.unit.fakes import FakeUnitOfWork

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@dataclass
class Desk:
    uow: FakeUnitOfWork
    admin: User
    lead: User
    agent: User  # skills: billing
    other_agent: User  # skills: billing
    specialist: User  # skills: electrical
    ann: Customer
    ann_login: User
    bob: Customer
    bob_login: User
    now: datetime = MONDAY

    def later(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now

    def present(self, *people: User, capacity: int | None = None) -> None:
        """These people can sign in (a password is set) and are available now."""
        for person in people:
            person.password_hash = "set"  # hashing is not what these tests are about
            person.presence, person.last_seen_at = Presence.AVAILABLE, self.now
            person.capacity = capacity
        self.uow.commit()

    def open(self, actor: User | None = None, **fields: Any) -> Case:
        """A case for Ann opened by `actor` (default: the agent) and committed."""
        values: dict[str, Any] = {
            "nature": "The kettle I bought stopped working after a week",
            "customer_name": "Ann Archer",
            "contact": "ann@example.com",
            "channel": Channel.EMAIL,
        }
        values.update(fields)
        case = open_case(self.uow, self.agent if actor is None else actor, now=self.now,
                         **values)
        self.uow.commit()
        return case


def _staff(uow: FakeUnitOfWork, name: str, role: Role, skills: tuple[str, ...] = ()) -> User:
    return create_user(uow, None, name=name, email=f"{name.lower()}@desk.example", role=role,
                       skills=skills, now=MONDAY)


@pytest.fixture
def desk() -> Desk:
    uow = FakeUnitOfWork()
    admin = _staff(uow, "Ada", Role.ADMIN)
    lead = _staff(uow, "Lee", Role.LEAD)
    agent = _staff(uow, "Avery", Role.AGENT, ("billing",))
    other = _staff(uow, "Blake", Role.AGENT, ("billing",))
    specialist = _staff(uow, "Sparks", Role.AGENT, ("electrical",))
    ann = create_customer(uow, None, "Ann Archer", ["ann@example.com", "+44 20 7946 0001"],
                          now=MONDAY)
    bob = create_customer(uow, None, "Bob Baker", ["bob@example.com"], now=MONDAY)
    ann_login = create_user(uow, None, name="Ann Archer", email="ann@example.com",
                            role=Role.CUSTOMER, customer_id=ann.id, now=MONDAY)
    bob_login = create_user(uow, None, name="Bob Baker", email="bob@example.com",
                            role=Role.CUSTOMER, customer_id=bob.id, now=MONDAY)
    uow.commit()
    return Desk(uow, admin, lead, agent, other, specialist, ann, ann_login, bob, bob_login)
