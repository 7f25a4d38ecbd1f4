"""The desk's errors: one small hierarchy, mapped onto HTTP statuses by `web/errors.py`.

Every error carries a sentence a person can act on (`message`) and machine-readable
`details`. `Invalid.details["fields"]` names each missing or wrong field with why, so an
intake form can point at exactly what to fix and nothing the user typed is thrown away.
"""

from __future__ import annotations

from typing import Any


class DeskError(Exception):
    """Base of every rule the desk refuses to break."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}


class NotFound(DeskError):
    """No such object, or one the actor may not see (a customer never learns that another
    customer's case exists)."""


class Forbidden(DeskError):
    """The actor can see the object but their role may not do this to it."""


class Invalid(DeskError):
    """Bad or missing input. `fields` maps each field to what is wrong with it."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message, {"fields": dict(fields or {})})
        self.fields: dict[str, str] = dict(fields or {})

    @classmethod
    def missing(cls, fields: dict[str, str]) -> Invalid:
        """One error naming every missing field at once, never just the first."""
        listed = ", ".join(fields.values())
        return cls(f"Missing: {listed}.", fields)


class Conflict(DeskError):
    """The object changed under the actor (stale version) or is in a state that does not
    allow this operation now."""
