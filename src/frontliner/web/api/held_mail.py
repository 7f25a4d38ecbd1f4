"""Held messages: mail that names a customer's case from an origin nobody checked.
Staff see them and accept (the message joins the case) or reject (kept out, with a
reason); customers never see them (docs/email.md, "Held messages")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from frontliner.desk import held_mail
from frontliner.desk.model import HeldMessage
from frontliner.store.held_queries import held_of_case
from frontliner.web.deps import StaffUser, UowDep
from frontliner.web.lookup import case_for, case_id, session_of
from frontliner.web.schemas.common import ERRORS

router = APIRouter(tags=["held messages"], responses=ERRORS)
HeldId = Annotated[int, Path(ge=1, le=2_147_483_647)]


class HeldOut(BaseModel):
    id: int
    status: str  # held, accepted, rejected
    sender: str
    sender_name: str
    subject: str
    body: str
    why: str  # why it was held
    received_at: datetime
    decided_by_id: int | None
    decided_at: datetime | None
    decision_reason: str
    interaction_id: int | None  # the case message it became, once accepted


class RejectIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


def _out(held: HeldMessage) -> HeldOut:
    assert held.id is not None
    return HeldOut(id=held.id, status=held.status.value, sender=held.sender,
                   sender_name=held.sender_name, subject=held.subject, body=held.body,
                   why=held.why, received_at=held.received_at,
                   decided_by_id=held.decided_by_id, decided_at=held.decided_at,
                   decision_reason=held.decision_reason, interaction_id=held.interaction_id)


@router.get("/cases/{ref}/held-messages", response_model=list[HeldOut],
            summary="Messages held on the case because nobody checked their origin (staff)")
def list_held(ref: str, user: StaffUser, uow: UowDep) -> Any:
    case = case_for(uow, user, ref)
    return [_out(h) for h in held_of_case(session_of(uow), case_id(case))]


@router.post("/held-messages/{held_id}/accept", response_model=HeldOut,
             summary="Take a held message as the customer's: it joins its case")
def accept(held_id: HeldId, user: StaffUser, uow: UowDep) -> Any:
    held_mail.accept_held(uow, user, held_id)
    uow.commit()
    found = uow.get(HeldMessage, held_id)
    assert found is not None
    return _out(found)


@router.post("/held-messages/{held_id}/reject", response_model=HeldOut,
             summary="Keep a held message out of its case, with the reason")
def reject(held_id: HeldId, body: RejectIn, user: StaffUser, uow: UowDep) -> Any:
    held = held_mail.reject_held(uow, user, held_id, body.reason)
    uow.commit()
    return _out(held)
