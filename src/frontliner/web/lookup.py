"""Small helpers the views share: find a case by its public reference (with the desk's
visibility rule and the If-Match version check), reach the read-side session, render
pages and set a case's ETag."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from frontliner.desk import access
from frontliner.desk.model import Case, User
from frontliner.desk.ports import UnitOfWork
from frontliner.store.pagination import Page

M = TypeVar("M", bound=BaseModel)


def session_of(uow: UnitOfWork) -> Session:
    """The read side (`store/queries.py`) runs on the unit of work's own session."""
    session: Session = getattr(uow, "session")  # noqa: B009 - not part of the desk's port
    return session


def case_for(uow: UnitOfWork, user: User, ref: str, expected_version: int | None = None) -> Case:
    """The case behind `ref` if `user` may see it (404 otherwise), at the version the
    client last read when it sent If-Match (409 otherwise)."""
    case = access.load_case_by_ref(uow, user, ref)
    access.check_version(case, expected_version)
    return case


def case_id(case: Case) -> int:
    assert case.id is not None, "a stored case has an id"
    return case.id


def set_etag(response: Response, case: Case) -> None:
    response.headers["ETag"] = f'"{case.version}"'


def render(model: type[M], obj: Any) -> M:
    return model.model_validate(obj, from_attributes=True)


def json_response(model: type[BaseModel], obj: Any, status_code: int,
                  headers: dict[str, str]) -> Response:
    """`obj` as `model`'s JSON, ready to send: the bytes FastAPI would write for a route
    with `response_model=model` (by alias, compact), without its second validation."""
    body = model.model_validate(obj, from_attributes=True).model_dump_json(by_alias=True)
    return Response(body, status_code, headers, media_type="application/json")


def render_page(
    page: Page[Any], model: type[M], convert: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    items = [render(model, convert(item) if convert else item) for item in page.items]
    return {"items": items, "next_cursor": page.next_cursor}
