"""Shapes shared by every area: pages, errors, small acknowledgements."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Out(BaseModel):
    """Response bodies read straight from the desk's dataclasses."""

    model_config = ConfigDict(from_attributes=True)


class In(BaseModel):
    """Request bodies: unknown fields are refused, so a typo is an error, not a no-op."""

    model_config = ConfigDict(extra="forbid", str_max_length=100_000)


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= to get the next page; null on the last page."
    )


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorOut(BaseModel):
    error: ErrorBody


class NoteIn(In):
    note: str = Field(default="", max_length=5_000)


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid token or session"},
    403: {"model": ErrorOut, "description": "Your role may not do this"},
    404: {"model": ErrorOut, "description": "No such object, or not yours to see"},
    409: {"model": ErrorOut, "description": "Stale version or wrong state"},
    422: {"model": ErrorOut, "description": "Invalid or missing input; details say what"},
}
