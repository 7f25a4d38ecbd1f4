from __future__ import annotations

import pytest

from frontliner.desk.errors import Invalid
from frontliner.desk.intake import amend_case, open_case
from frontliner.desk.model import (
    AuditEntry,
    CaseStatus,
    Channel,
    Contact,
    Customer,
    Interaction,
    Size,
)
from frontliner.desk.refs import looks_like_case_ref
from tests.unit.conftest import MONDAY, Desk


def test_intake_names_every_missing_field_at_once(desk: Desk) -> None:
    with pytest.raises(Invalid) as err:
        open_case(desk.uow, desk.agent, nature=" ", customer_name="", contact="", now=MONDAY)
    assert set(err.value.fields) == {"nature", "customer_name", "contact"}
    assert "nature of the problem" in err.value.message
    assert "customer's name" in err.value.message
    assert desk.uow.all(Customer) == [desk.ann, desk.bob]  # nothing half-created


def test_intake_rejects_a_contact_that_is_neither_email_nor_phone(desk: Desk) -> None:
    with pytest.raises(Invalid) as err:
        open_case(desk.uow, desk.agent, nature="late parcel", customer_name="Cy",
                  contact="call me maybe", now=MONDAY)
    assert list(err.value.fields) == ["contact"]


def test_case_opened_by_agent_is_owned_by_them_with_time_captured(desk: Desk) -> None:
    case = desk.open()
    assert case.owner_id == desk.agent.id
    assert case.status == CaseStatus.NEW
    assert case.opened_at == MONDAY
    assert case.customer_id == desk.ann.id  # found by contact, not duplicated
    assert looks_like_case_ref(case.ref)
    [opened] = desk.uow.find(AuditEntry, case_id=case.id, action="opened")
    assert opened.actor_id == desk.agent.id


def test_case_refs_are_unguessable_and_distinct(desk: Desk) -> None:
    refs = {desk.open().ref for _ in range(20)}
    assert len(refs) == 20
    assert all(len(r) == len("FL-XXXX-XXXX-XXXX-XXXX") for r in refs)


def test_intake_finds_customer_by_differently_written_contact(desk: Desk) -> None:
    case = desk.open(contact="  ANN@Example.COM ")
    assert case.customer_id == desk.ann.id
    by_phone = desk.open(contact="+44 (20) 7946-0001")
    assert by_phone.customer_id == desk.ann.id


def test_intake_creates_a_new_customer_for_an_unknown_contact(desk: Desk) -> None:
    case = desk.open(customer_name="Cy Clops", contact="cy@example.com")
    customer = desk.uow.get(Customer, case.customer_id)
    assert customer is not None and customer.name == "Cy Clops"
    [contact] = desk.uow.find(Contact, customer_id=customer.id)
    assert contact.value == "cy@example.com" and contact.is_primary


def test_customer_opening_a_case_gets_least_loaded_agent_with_the_skill(desk: Desk) -> None:
    desk.present(desk.agent, desk.other_agent, desk.specialist)
    desk.open(actor=desk.agent)  # Avery now has one case
    case = open_case(desk.uow, desk.ann_login, nature="double charge on my invoice",
                     required_skill="Billing", channel=Channel.WEB, now=MONDAY)
    assert case.owner_id == desk.other_agent.id  # Blake: billing and no cases yet
    assert case.customer_id == desk.ann.id
    assert case.contact_name == "Ann Archer" and case.contact_value == "ann@example.com"


def test_customer_cannot_open_a_case_for_someone_else(desk: Desk) -> None:
    case = open_case(desk.uow, desk.ann_login, nature="late", customer_name="Bob Baker",
                     contact="bob@example.com", now=MONDAY)
    assert case.customer_id == desk.ann.id


def test_channel_intake_without_a_user_assigns_an_owner(desk: Desk) -> None:
    desk.present(desk.agent, desk.other_agent, desk.specialist)
    case = open_case(desk.uow, None, nature="Where is my parcel?", customer_name="Dee",
                     contact="dee@example.com", channel=Channel.EMAIL,
                     message="Hi, my parcel is a week late.", now=MONDAY)
    assert case.owner_id in {desk.agent.id, desk.other_agent.id, desk.specialist.id}
    [message] = desk.uow.find(Interaction, case_id=case.id)
    assert message.body == "Hi, my parcel is a week late."


def test_legal_words_make_a_case_big_with_the_reason(desk: Desk) -> None:
    case = desk.open(nature="The heater gave my son an electric shock, I will call my lawyer")
    assert case.size == Size.BIG
    assert any("legal or safety" in r and "'lawyer'" in r for r in case.size_reasons)


def test_repeat_contact_is_counted_within_fourteen_days(desk: Desk) -> None:
    desk.open()
    desk.later(days=3)
    desk.open()
    desk.later(days=3)
    third = desk.open()
    assert third.size == Size.BIG
    assert "the customer contacted us 3 times in 14 days" in third.size_reasons


def test_people_involved_need_name_and_contact(desk: Desk) -> None:
    with pytest.raises(Invalid) as err:
        desk.open(people_involved=[{"name": "Courier Carl"}])
    assert list(err.value.fields) == ["people_involved[0].contact"]


def test_amend_case_records_people_and_retriages(desk: Desk) -> None:
    case = desk.open()
    people = [{"name": "Neighbour Ned", "contact": "ned@example.com"},
              {"name": "Installer Ida", "contact": "+15550100"}]
    amend_case(desk.uow, desk.agent, case.id, people_involved=people, now=MONDAY)  # type: ignore[arg-type]
    assert case.people_involved == people
    assert case.size == Size.BIG and "2 other people are involved" in case.size_reasons
    assert desk.uow.find(AuditEntry, case_id=case.id, action="amended")


def test_new_case_joins_the_fire_with_the_same_signature(desk: Desk) -> None:
    from frontliner.desk.firelog import start_fire

    fire = start_fire(desk.uow, desk.agent, "Kettle stopped working after a week", now=MONDAY)
    case = desk.open(nature="kettle stops working after a week!")
    assert case.fire_id == fire.id


def test_remedy_asked_at_intake_above_the_owners_limit_makes_it_big(desk: Desk) -> None:
    case = desk.open(remedy_requested=20_000)
    reason = "the remedy asked for (200.00) is above Avery's limit of 50.00 per case"
    assert case.size == Size.BIG and case.size_reasons == [reason]
    amend_case(desk.uow, desk.agent, case.id, category="appliances", now=MONDAY)
    assert case.size_reasons == [reason]  # amending other facts does not forget it


def test_unknown_channel_is_a_clear_error(desk: Desk) -> None:
    with pytest.raises(Invalid) as err:
        desk.open(channel="pigeon", customer_name="Cy", contact="cy@example.com")
    assert list(err.value.fields) == ["channel"]
    assert desk.uow.all(Customer) == [desk.ann, desk.bob]
