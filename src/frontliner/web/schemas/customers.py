"""Customers, their contacts and their timeline."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from frontliner.desk.model import CaseStatus, ContactKind
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.common import In, Out


class CustomerIn(In):
    name: str = Field(max_length=200)
    contacts: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="E-mails or phone numbers; the first is primary",
    )


class CustomerOut(Out):
    id: int
    name: str
    created_at: datetime | None
    merged_into_id: int | None


class ContactIn(In):
    value: str = Field(max_length=320, description="An e-mail or a phone number")
    primary: bool = False


class ContactOut(Out):
    id: int
    customer_id: int
    kind: ContactKind
    value: str
    is_primary: bool


class CustomerDetailOut(Out):
    customer: CustomerOut
    contacts: list[ContactOut]


class MergeIn(In):
    duplicate_id: Id = Field(description="The record folded into this one")


class TimelineEntryOut(Out):
    id: int
    case_ref: str
    case_status: CaseStatus
    at: datetime
    channel: str
    direction: str
    body: str
    author_id: int | None
