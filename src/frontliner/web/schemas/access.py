"""E-mailed sign-in and password-reset links."""

from __future__ import annotations

from pydantic import Field

from frontliner.desk.model import AccessPurpose
from frontliner.web.schemas.common import In, Out


class LinkRequestIn(In):
    purpose: AccessPurpose = Field(description="sign_in (customers) or password_reset")
    email: str = Field(max_length=320)


class LinkRequestOut(Out):
    message: str


class SignInLinkIn(In):
    token: str = Field(max_length=300, description="the part of the link after the last /")


class ResetLinkIn(SignInLinkIn):
    password: str = Field(max_length=1_000)
