"""The lead's practice pages (`/lead/practice/...`): the desk's own scenarios, writing
and editing one, and turning a resolved case into one. The case's text arrives with the
customer's details already removed (`desk/practice/from_case.py`); the lead checks and
edits it, and it is saved only when nothing the desk knows about the customer is left
and its model answer passes the coach."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from frontliner.desk.errors import Invalid
from frontliner.desk.model import RemedyKind, User
from frontliner.desk.ports import UnitOfWork
from frontliner.desk.practice import from_case, operations
from frontliner.desk.practice.anonymise import PLACEHOLDERS
from frontliner.desk.practice.scenario import CHANNELS
from frontliner.store import practice_queries
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import LeadPageUser
from frontliner.web.pages.case_actions import form_values
from frontliner.web.pages.coaching import desk_coach
from frontliner.web.pages.lead import console, done, flash
from frontliner.web.pages.templating import render
from frontliner.web.practice_forms import form_values as scenario_form
from frontliner.web.practice_forms import scenario_data

router = APIRouter(prefix="/lead/practice")
REMOVED_WORDS = {"name": "names", "staff": "staff names", "email": "e-mail addresses",
                 "phone": "phone numbers", "link": "links", "case_ref": "case references",
                 "ref": "order or other references", "card": "card numbers",
                 "account": "account numbers", "address": "street addresses",
                 "postcode": "postcodes"}


@router.get("")
def practice_console(request: Request, user: LeadPageUser, uow: UowDep,
                     cursor: str | None = None, archived: str = "") -> Response:
    session = session_of(uow)
    found = practice_queries.desk_scenarios(session, archived == "1", cursor)
    context = {**console(uow, user, "practice"), "rows": found.items,
               "next_cursor": found.next_cursor, "archived": archived == "1",
               "cases": practice_queries.closed_cases(session), "done": flash(request)}
    return render(request, "lead/practice.html", context)


def _form(request: Request, uow: UnitOfWork, user: User, *, action: str, heading: str,
          values: dict[str, Any], error: str = "", fields: dict[str, str] | None = None,
          removed: dict[str, int] | None = None, status_code: int = 200) -> Response:
    context = {**console(uow, user, "practice"), "action": action, "heading": heading,
               "values": values, "error": error, "fields": fields or {},
               "removed": removed, "removed_words": REMOVED_WORDS,
               "placeholders": sorted(set(PLACEHOLDERS.values())), "channels": CHANNELS,
               "kinds": [k.value for k in RemedyKind], "done": ""}
    return render(request, "lead/practice_form.html", context, status_code=status_code)


def _blank() -> dict[str, Any]:
    return scenario_form({"thread": [], "expectations": []})


@router.get("/new")
def new_scenario(request: Request, user: LeadPageUser, uow: UowDep) -> Response:
    return _form(request, uow, user, action="/lead/practice/new",
                 heading="Write a practice scenario", values=_blank())


def _saving(request: Request, uow: UnitOfWork, user: User, values: dict[str, Any], *,
            action: str, heading: str, save: Any) -> Response:
    """Run `save(data)`; on a refusal show the form again with everything typed."""
    try:
        stored = save(values)
    except Invalid as error:
        uow.rollback()
        return _form(request, uow, user, action=action, heading=heading, values=values,
                     error=error.message, fields=error.fields, status_code=422)
    uow.commit()
    return done(request, "/lead/practice", f"Saved “{stored.title}”: agents find it under "
                                           "Practice.")


def _checkbox(values: dict[str, Any]) -> dict[str, Any]:
    """The posted form as the form shows it again (checkboxes, fields left out)."""
    kinds = values.get("remedy_kinds") or []
    return {**_blank(), **values,
            "remedy_kinds": [kinds] if isinstance(kinds, str) else list(kinds),
            "own_empowerment": values.get("own_empowerment") == "yes"}


@router.post("/new")
async def create_scenario(request: Request, user: LeadPageUser, uow: UowDep) -> Response:
    raw = await form_values(request)
    coach = desk_coach(session_of(uow))

    def save(values: dict[str, Any]) -> Any:
        return operations.write_scenario(uow, user, scenario_data(raw), coach)

    return _saving(request, uow, user, _checkbox(raw), action="/lead/practice/new",
                   heading="Write a practice scenario", save=save)


@router.get("/from-case")
def pick_case(request: Request, user: LeadPageUser, uow: UowDep, ref: str = "") -> Response:
    if ref.strip():
        return case_draft_page(request, ref.strip(), user, uow)
    return practice_console(request, user, uow)


@router.get("/from-case/{ref}")
def case_draft_page(request: Request, ref: str, user: LeadPageUser, uow: UowDep) -> Response:
    draft = from_case.draft_from_case(uow, user, ref)
    return _form(request, uow, user, action=f"/lead/practice/from-case/{ref}",
                 heading=f"Turn case {ref} into a practice scenario",
                 values=scenario_form(draft.data), removed=dict(draft.removed))


@router.post("/from-case/{ref}")
async def save_case_scenario(request: Request, ref: str, user: LeadPageUser,
                             uow: UowDep) -> Response:
    raw = await form_values(request)
    coach = desk_coach(session_of(uow))

    def save(values: dict[str, Any]) -> Any:
        return from_case.save_from_case(uow, user, ref, scenario_data(raw), coach)

    return _saving(request, uow, user, _checkbox(raw), action=f"/lead/practice/from-case/{ref}",
                   heading=f"Turn case {ref} into a practice scenario", save=save)


@router.get("/{key}/edit")
def edit_page(request: Request, key: str, user: LeadPageUser, uow: UowDep) -> Response:
    stored = operations.stored_of(uow, key)
    return _form(request, uow, user, action=f"/lead/practice/{key}/edit",
                 heading=f"Edit “{stored.title}”", values=scenario_form(stored.data))


@router.post("/{key}/edit")
async def edit_scenario(request: Request, key: str, user: LeadPageUser,
                        uow: UowDep) -> Response:
    raw = await form_values(request)
    stored = operations.stored_of(uow, key)
    coach = desk_coach(session_of(uow))

    def save(values: dict[str, Any]) -> Any:
        return operations.edit_scenario(uow, user, key, scenario_data(raw, stored.data), coach)

    return _saving(request, uow, user, _checkbox(raw), action=f"/lead/practice/{key}/edit",
                   heading=f"Edit “{stored.title}”", save=save)


@router.post("/{key}/archive")
async def archive(request: Request, key: str, user: LeadPageUser, uow: UowDep) -> Response:
    raw = await form_values(request)
    back = raw.get("restore") != "yes"
    stored = operations.archive_scenario(uow, user, key, archived=back)
    uow.commit()
    word = "archived: agents no longer see it" if back else "back on the practice list"
    return done(request, "/lead/practice", f"“{stored.title}” is {word}.")
