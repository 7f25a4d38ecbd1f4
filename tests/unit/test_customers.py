from __future__ import annotations

import pytest

from frontliner.desk import access_links
from frontliner.desk.customers import (
    add_contact,
    create_customer,
    merge_customers,
    normalise_email,
    normalise_phone,
)
from frontliner.desk.errors import Conflict, Forbidden, Invalid, NotFound
from frontliner.desk.model import (
    AccessPurpose,
    AccountAuditEntry,
    AuditEntry,
    Contact,
    Customer,
    User,
)
from tests.unit.conftest import MONDAY, Desk


def test_contacts_are_normalised() -> None:
    assert normalise_email("  Ann@Example.COM ") == "ann@example.com"
    assert normalise_phone("+44 (20) 7946-0001") == "+442079460001"
    with pytest.raises(Invalid):
        normalise_email("ann at example")
    with pytest.raises(Invalid):
        normalise_phone("12")


def test_customer_has_several_contacts_and_first_is_primary(desk: Desk) -> None:
    contacts = desk.uow.find(Contact, customer_id=desk.ann.id)
    assert [(c.kind.value, c.value, c.is_primary) for c in contacts] == [
        ("email", "ann@example.com", True), ("phone", "+442079460001", False)]


def test_a_contact_belongs_to_one_customer(desk: Desk) -> None:
    with pytest.raises(Conflict) as err:
        create_customer(desk.uow, desk.agent, "Ann Again", ["ANN@example.com"], now=MONDAY)
    assert err.value.details["customer_id"] == desk.ann.id


def test_customer_adds_a_contact_to_their_own_record_only(desk: Desk) -> None:
    add_contact(desk.uow, desk.ann_login, desk.ann.id, "ann.work@example.com", now=MONDAY)
    with pytest.raises(NotFound):
        add_contact(desk.uow, desk.ann_login, desk.bob.id, "sneaky@example.com", now=MONDAY)


def test_customers_cannot_create_customers(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        create_customer(desk.uow, desk.ann_login, "Eve", ["eve@example.com"], now=MONDAY)


def test_merge_moves_contacts_cases_and_logins_and_records_it(desk: Desk) -> None:
    duplicate = create_customer(desk.uow, desk.agent, "A. Archer", ["archer@example.com"],
                                now=MONDAY)
    case = desk.open(contact="archer@example.com")
    assert case.customer_id == duplicate.id
    merge_customers(desk.uow, desk.agent, desk.ann.id, duplicate.id, now=MONDAY)
    assert case.customer_id == desk.ann.id
    assert {c.value for c in desk.uow.find(Contact, customer_id=desk.ann.id)} >= {
        "archer@example.com", "ann@example.com"}
    assert duplicate.merged_into_id == desk.ann.id
    [entry] = desk.uow.find(AuditEntry, case_id=case.id, action="customer_merged")
    assert entry.detail == {"from_customer_id": duplicate.id, "to_customer_id": desk.ann.id}
    # the kept record keeps exactly one primary contact
    assert sum(c.is_primary for c in desk.uow.find(Contact, customer_id=desk.ann.id)) == 1


def test_after_merge_new_cases_from_the_old_contact_land_on_the_kept_record(desk: Desk) -> None:
    duplicate = create_customer(desk.uow, desk.agent, "A. Archer", ["archer@example.com"],
                                now=MONDAY)
    merge_customers(desk.uow, desk.agent, desk.ann.id, duplicate.id, now=MONDAY)
    assert desk.open(contact="archer@example.com").customer_id == desk.ann.id


def test_merge_moves_a_customer_login_with_its_cases(desk: Desk) -> None:
    kept = create_customer(desk.uow, desk.agent, "Bob B.", ["bob.b@example.com"], now=MONDAY)
    merge_customers(desk.uow, desk.agent, kept.id, desk.bob.id, now=MONDAY)
    bob_login = desk.uow.get(User, desk.bob_login.id)
    assert bob_login is not None and bob_login.customer_id == kept.id


def _confirm_address(desk: Desk, email: str) -> None:
    """The address's owner uses an e-mailed sign-in link."""
    link = access_links.request_link(desk.uow, AccessPurpose.SIGN_IN, email,
                                     lambda link_id: f"hash-{link_id}", now=MONDAY)
    assert link.id is not None and link.token_hash is not None
    opened = access_links.open_link(desk.uow, link.id, link.token_hash,
                                    AccessPurpose.SIGN_IN, now=MONDAY)
    access_links.redeem_sign_in(desk.uow, opened, now=MONDAY)


def test_an_agent_cannot_merge_two_customers_who_each_have_a_login(desk: Desk) -> None:
    _confirm_address(desk, "ann@example.com")
    _confirm_address(desk, "bob@example.com")
    with pytest.raises(Forbidden, match="a lead merges them"):
        merge_customers(desk.uow, desk.agent, desk.ann.id, desk.bob.id, now=MONDAY)
    bob_login = desk.uow.get(User, desk.bob_login.id)
    assert bob_login is not None and bob_login.customer_id == desk.bob.id  # nothing moved


def test_a_lead_merges_two_logins_only_once_both_addresses_are_confirmed(desk: Desk) -> None:
    _confirm_address(desk, "ann@example.com")
    with pytest.raises(Conflict, match=r"bob@example\.com"):
        merge_customers(desk.uow, desk.lead, desk.ann.id, desk.bob.id, now=MONDAY)
    _confirm_address(desk, "bob@example.com")
    merge_customers(desk.uow, desk.lead, desk.ann.id, desk.bob.id, now=MONDAY)
    trail = [(e.action, e.user_id, e.actor_id) for e in desk.uow.find(AccountAuditEntry)
             if e.action == "customers_merged"]
    assert trail == [("customers_merged", desk.ann_login.id, desk.lead.id),
                     ("customers_merged", desk.bob_login.id, desk.lead.id)]


def test_merge_refuses_itself_and_twice(desk: Desk) -> None:
    with pytest.raises(Invalid):
        merge_customers(desk.uow, desk.agent, desk.ann.id, desk.ann.id, now=MONDAY)
    dup = create_customer(desk.uow, desk.agent, "A. Archer", ["archer@example.com"], now=MONDAY)
    merge_customers(desk.uow, desk.agent, desk.ann.id, dup.id, now=MONDAY)
    with pytest.raises(Conflict):
        merge_customers(desk.uow, desk.agent, desk.ann.id, dup.id, now=MONDAY)
    assert desk.uow.get(Customer, dup.id) is not None  # kept, marked merged
