"""The fire log: recurring problems, signed notes, linked cases, the fix for good."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from frontliner.desk import firelog
from frontliner.desk.errors import NotFound
from frontliner.desk.model import Fire
from frontliner.store import queries
from frontliner.web.deps import CurrentUser, PageDep, StaffUser, UowDep
from frontliner.web.lookup import case_for, case_id, render, render_page, session_of
from frontliner.web.schemas.bounds import Id
from frontliner.web.schemas.cases import CaseOut
from frontliner.web.schemas.common import ERRORS, PageOut
from frontliner.web.schemas.knowledge import (
    FireIn,
    FireNoteIn,
    FireNoteOut,
    FireOut,
    FixedIn,
    LinkCaseIn,
)

router = APIRouter(prefix="/fires", tags=["fire log"], responses=ERRORS)


@router.get("", response_model=PageOut[FireOut], summary="The fire log, newest first (staff)")
def list_fires(
    user: StaffUser,
    uow: UowDep,
    page: PageDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    return render_page(queries.list_fires(session_of(uow), q, page.cursor, page.limit), FireOut)


@router.post("", response_model=FireOut, status_code=201, summary="Log a recurring problem")
def start_fire(body: FireIn, user: CurrentUser, uow: UowDep) -> Any:
    fire = firelog.start_fire(uow, user, body.title)
    uow.commit()
    return render(FireOut, fire)


@router.get("/{fire_id}", response_model=FireOut, summary="One fire (staff)")
def get_fire(fire_id: Id, user: StaffUser, uow: UowDep) -> Any:
    fire = uow.get(Fire, fire_id)
    if fire is None:
        raise NotFound(f"No fire with id {fire_id} in the fire log.", {"fire_id": fire_id})
    return render(FireOut, fire)


@router.get(
    "/{fire_id}/notes",
    response_model=PageOut[FireNoteOut],
    summary="A fire's signed notes, in order (staff)",
)
def list_notes(fire_id: Id, user: StaffUser, uow: UowDep, page: PageDep) -> Any:
    found = queries.fire_log_notes(session_of(uow), fire_id, page.cursor, page.limit)
    return render_page(found, FireNoteOut)


@router.post(
    "/{fire_id}/notes",
    response_model=FireNoteOut,
    status_code=201,
    summary="A signed note: problem and solution, dated, with you as author",
)
def add_note(fire_id: Id, body: FireNoteIn, user: CurrentUser, uow: UowDep) -> Any:
    on_case = None if body.case_ref is None else case_id(case_for(uow, user, body.case_ref))
    note = firelog.add_fire_note(uow, user, fire_id, body.problem, body.solution, on_case)
    uow.commit()
    return render(FireNoteOut, note)


@router.post("/{fire_id}/cases", response_model=CaseOut, summary="Link a case to this fire")
def link_case(fire_id: Id, body: LinkCaseIn, user: CurrentUser, uow: UowDep) -> Any:
    case = firelog.link_case(uow, user, fire_id, case_id(case_for(uow, user, body.case_ref)))
    uow.commit()
    return render(CaseOut, case)


@router.post(
    "/{fire_id}/fixed-for-good",
    response_model=FireOut,
    summary="A lead records the once-and-for-all fix; its author gets the credit",
)
def fixed_for_good(fire_id: Id, body: FixedIn, user: CurrentUser, uow: UowDep) -> Any:
    fire = firelog.mark_fixed_for_good(uow, user, fire_id, body.fix, body.author_id)
    uow.commit()
    return render(FireOut, fire)
