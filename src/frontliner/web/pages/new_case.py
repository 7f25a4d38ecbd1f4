"""The "New case" page: an agent opens a case for a caller on the phone or a customer at
the desk, with every intake fact. The form calls the same desk operation as the API
(`intake.open_case`), so it refuses exactly what the API refuses; a refusal shows the
form again with each message next to its field and everything typed kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from frontliner.desk import intake
from frontliner.desk.errors import Conflict, Forbidden, Invalid
from frontliner.desk.model import Channel, User
from frontliner.desk.ports import UnitOfWork
from frontliner.web.deps import UowDep
from frontliner.web.lookup import session_of
from frontliner.web.pages.auth import StaffPageUser
from frontliner.web.pages.case_actions import cents, form_values
from frontliner.web.pages.case_page import FLASH
from frontliner.web.pages.templating import render
from frontliner.web.pages.workspace import sidenav

router = APIRouter()

# The doors this page is for; e-mail, web form and chat open cases through their channels.
CHANNELS = ((Channel.PHONE, "Phone call"), (Channel.WALK_IN, "Walk-in (at the desk)"))
PEOPLE_ROWS = 3


@dataclass(frozen=True)
class Intake:
    """The form's fields, parsed into what `intake.open_case` takes."""

    fields: dict[str, Any]
    rows: list[int]  # for each person passed on, the form row it came from


def _listed(values: dict[str, Any], key: str) -> list[str]:
    found = values.get(key, [])
    return [str(v) for v in (found if isinstance(found, list) else [found])]


def _people(values: dict[str, Any]) -> tuple[list[dict[str, str]], list[int]]:
    names, contacts = _listed(values, "person_name[]"), _listed(values, "person_contact[]")
    contacts += [""] * (len(names) - len(contacts))
    kept = [(i, n, c) for i, (n, c) in enumerate(zip(names, contacts, strict=False))
            if n.strip() or c.strip()]
    return [{"name": n, "contact": c} for _, n, c in kept], [i for i, _, _ in kept]


def problem_moment(raw: str) -> datetime | None:
    """The form's date and time (`datetime-local`, read as UTC like every time the desk
    shows), or None when left empty."""
    text = raw.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{raw!r} is not a date and time.",
                      {"problem_at": "a date and time, like 2026-03-01 14:30"}) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _channel(raw: str) -> str:
    if raw not in {c.value for c, _ in CHANNELS}:
        raise Invalid("Say how the customer reached us: a phone call or a walk-in.",
                      {"channel": "phone call or walk-in"})
    return raw


def parse(values: dict[str, Any]) -> Intake:
    """Every field the form must read itself (channel, money, date), each checked on its
    own so one refusal names all of them at once."""
    readers: dict[str, Callable[[], Any]] = {
        "channel": lambda: _channel(str(values.get("channel", ""))),
        "remedy_requested": lambda: cents(str(values.get("remedy_requested", "")),
                                          "remedy_requested"),
        "problem_at": lambda: problem_moment(str(values.get("problem_at", ""))),
    }
    read: dict[str, Any] = {}
    wrong: list[Invalid] = []
    for name, reader in readers.items():
        try:
            read[name] = reader()
        except Invalid as bad:
            wrong.append(bad)
    if wrong:
        raise Invalid(" ".join(w.message for w in wrong),
                      {k: v for w in wrong for k, v in w.fields.items()})
    people, rows = _people(values)
    return Intake({
        "nature": str(values.get("nature", "")),
        "customer_name": str(values.get("customer_name", "")),
        "contact": str(values.get("contact", "")),
        "category": str(values.get("category", "")).strip() or None,
        "required_skill": str(values.get("required_skill", "")).strip() or None,
        "people_involved": people,
        "message": str(values.get("message", "")).strip() or None,
        **read,
    }, rows)


def field_errors(refusal: Invalid | Conflict | Forbidden, rows: list[int]) -> dict[str, str]:
    """The desk's field names -> the form's: `people_involved[1].name` is the name box of
    the form row that person came from."""
    fields = refusal.fields if isinstance(refusal, Invalid) else {}
    errors: dict[str, str] = {}
    for name, why in fields.items():
        if name.startswith("people_involved[") and "]." in name:
            index, part = name[len("people_involved["):].split("].", 1)
            row = rows[int(index)] if index.isdigit() and int(index) < len(rows) else 0
            errors[f"person_{part}_{row}"] = why
        else:
            errors[name] = why
    return errors


def render_form(request: Request, uow: UnitOfWork, user: User, values: dict[str, Any],
                message: str = "", errors: dict[str, str] | None = None,
                status_code: int = 200) -> Response:
    people = list(zip(_listed(values, "person_name[]"), _listed(values, "person_contact[]"),
                      strict=False))
    people += [("", "")] * (PEOPLE_ROWS - len(people))
    context = {"sidenav": sidenav(session_of(uow), user), "values": values,
               "people": people, "channels": CHANNELS, "message": message,
               "errors": errors or {}, "currency": request.app.state.settings.currency}
    return render(request, "agent/new_case.html", context, status_code=status_code)


@router.get("/work/cases/new")
def new_case_form(request: Request, user: StaffPageUser, uow: UowDep) -> Response:
    return render_form(request, uow, user, {"channel": Channel.PHONE.value})


@router.post("/work/cases/new")
async def open_case(request: Request, user: StaffPageUser, uow: UowDep) -> Response:
    values = await form_values(request)
    rows: list[int] = []
    try:
        parsed = parse(values)
        rows = parsed.rows
        case = intake.open_case(uow, user, **parsed.fields)
        uow.commit()
    except (Invalid, Conflict, Forbidden) as refusal:
        uow.rollback()
        status = {Invalid: 422, Conflict: 409, Forbidden: 403}[type(refusal)]
        return render_form(request, uow, user, values, refusal.message,
                           field_errors(refusal, rows), status)
    request.session[FLASH] = (f"Case {case.ref} opened; it is yours until the customer "
                              "confirms the fix.")
    return RedirectResponse(f"/work/cases/{case.ref}", status_code=303)
