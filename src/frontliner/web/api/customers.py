"""Customers: create, read, add a contact, merge duplicates, the timeline, the export."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from frontliner.desk import access, customers
from frontliner.desk.model import Contact
from frontliner.store import queries
from frontliner.web.customer_export import export_response
from frontliner.web.deps import CurrentUser, PageDep, StaffUser, UowDep
from frontliner.web.lookup import render, render_page, session_of
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.common import ERRORS, PageOut
from frontliner.web.schemas.customers import (
    ContactIn,
    ContactOut,
    CustomerDetailOut,
    CustomerIn,
    CustomerOut,
    MergeIn,
    TimelineEntryOut,
)

router = APIRouter(prefix="/customers", tags=["customers"], responses=ERRORS)
MAX_CONTACTS_SHOWN = 50


def _detail(uow: UowDep, customer: Any) -> CustomerDetailOut:
    contacts = uow.find(Contact, limit=MAX_CONTACTS_SHOWN, customer_id=customer.id)
    return CustomerDetailOut(
        customer=render(CustomerOut, customer), contacts=[render(ContactOut, c) for c in contacts]
    )


@router.get("", response_model=PageOut[CustomerOut], summary="Customers by name (staff)")
def list_customers(
    user: StaffUser,
    uow: UowDep,
    page: PageDep,
    q: Annotated[str | None, Query(max_length=200, description="part of a name or contact")] = None,
    include_merged: bool = False,
) -> Any:
    found = queries.list_customers(session_of(uow), q, include_merged, page.cursor, page.limit)
    return render_page(found, CustomerOut)


@router.post(
    "",
    response_model=CustomerDetailOut,
    status_code=201,
    summary="Create a customer with contacts (the first is primary)",
)
def create_customer(body: CustomerIn, user: CurrentUser, uow: UowDep) -> Any:
    customer = customers.create_customer(uow, user, body.name, body.contacts)
    uow.commit()
    return _detail(uow, customer)


@router.get(
    "/{customer_id}",
    response_model=CustomerDetailOut,
    summary="A customer and their contacts (a customer: only their own)",
)
def get_customer(customer_id: Id, user: CurrentUser, uow: UowDep) -> Any:
    return _detail(uow, access.load_customer(uow, user, customer_id))


@router.post(
    "/{customer_id}/contacts",
    response_model=ContactOut,
    status_code=201,
    summary="Add an e-mail or phone number",
)
def add_contact(customer_id: Id, body: ContactIn, user: CurrentUser, uow: UowDep) -> Any:
    contact = customers.add_contact(uow, user, customer_id, body.value, body.primary)
    uow.commit()
    return render(ContactOut, contact)


@router.post(
    "/{customer_id}/merge",
    response_model=CustomerDetailOut,
    summary="Fold a duplicate record into this one",
)
def merge(customer_id: Id, body: MergeIn, user: CurrentUser, uow: UowDep) -> Any:
    kept = customers.merge_customers(uow, user, customer_id, body.duplicate_id)
    uow.commit()
    return _detail(uow, kept)


@router.get(
    "/{customer_id}/export",
    summary="Every case of the customer with its messages, as a JSON download: staff get "
            "everything (internal notes too); a customer only their own, as they see it",
    response_description="JSON: format, exported_at, view, customer, cases[] (messages[], "
                         "ratings[], attachments[])",
)
def export(customer_id: Id, request: Request, user: CurrentUser, uow: UowDep) -> Response:
    customer = access.load_customer(uow, user, customer_id)
    return export_response(request, customer, staff=access.is_staff(user))


@router.get(
    "/{customer_id}/timeline",
    response_model=PageOut[TimelineEntryOut],
    summary="Every message across the customer's cases and channels, newest first",
)
def timeline(customer_id: Id, user: CurrentUser, uow: UowDep, page: PageDep) -> Any:
    customer = access.load_customer(uow, user, customer_id)
    assert customer.id is not None
    found = queries.customer_timeline(
        session_of(uow), customer.id, page.cursor, page.limit, include_notes=access.is_staff(user)
    )
    return render_page(found, TimelineEntryOut, _flatten)


def _flatten(entry: queries.TimelineEntry) -> dict[str, Any]:
    message = entry.interaction
    return {
        "id": message.id,
        "case_ref": entry.case_ref,
        "case_status": entry.case_status,
        "at": message.at,
        "channel": message.channel.value,
        "direction": message.direction.value,
        "body": message.body,
        "author_id": message.author_id,
    }
