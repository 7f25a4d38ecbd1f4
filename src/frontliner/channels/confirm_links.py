"""The signed links in "is it solved?" mail: one case, one customer, a limited life.

A link carries a value signed with the app's secret (itsdangerous, with a purpose salt of
its own, so a chat token or a session cookie is never accepted as a link), holding the
case id and the customer id and the time it was made. Nothing is stored: any app process
can check it, nobody can bend it to another case, and it stops working after
`FRONTLINER_CONFIRM_LINK_DAYS`. Like the sign-in links (`channels/email/access_mail.py`),
no outbox row holds a working link: the row's body carries placeholders and `with_links`
puts the links in when the mail is composed for sending. Opening a link is harmless (the
pages only show a question; the answer is a POST from that page), and answering twice is
harmless (the desk's operations in `desk.customer_answers` are idempotent).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from frontliner.channels.email.access_mail import public_base
from frontliner.config import Settings

SALT = "frontliner.confirm.link"
MAX_TOKEN = 300  # a real token is ~70 characters; anything far longer is not ours
YES_MARK = "[the link to answer yes is added when this mail is sent]"
NOT_YET_MARK = "[the link to answer not yet is added when this mail is sent]"


@dataclass(frozen=True)
class LinkPass:
    """What a valid link vouches for."""

    case_id: int
    customer_id: int


class LinkProblem(StrEnum):
    EXPIRED = "expired"  # it was ours, but it is older than the configured life
    INVALID = "invalid"  # forged, altered, cut short, or not a link at all


class ConfirmLinks:
    def __init__(self, secret: str, days: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=SALT)
        self.max_age = days * 24 * 3600

    @classmethod
    def from_settings(cls, settings: Settings) -> ConfirmLinks:
        return cls(settings.secret_key.get_secret_value(), settings.confirm_link_days)

    def issue(self, case_id: int, customer_id: int) -> str:
        return self._serializer.dumps([case_id, customer_id])

    def read(self, token: str) -> LinkPass | LinkProblem:
        """The case and customer the link was made for, or why it cannot be used."""
        if not token or len(token) > MAX_TOKEN:
            return LinkProblem.INVALID
        try:
            value = self._serializer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            return LinkProblem.EXPIRED
        except BadSignature:
            return LinkProblem.INVALID
        if (not isinstance(value, list) or len(value) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
            return LinkProblem.INVALID
        return LinkPass(case_id=value[0], customer_id=value[1])


def answer_urls(settings: Settings, token: str) -> tuple[str, str]:
    """The "Yes, it's solved" and "Not yet" addresses for a token."""
    page = f"{public_base(settings)}/confirm/{token}"
    return page, f"{page}/not-yet"


def with_links(row: Mapping[str, Any], settings: Settings, customer_id: int) -> dict[str, Any]:
    """The outbox row with fresh links in place of its placeholders (just before sending;
    the links' life counts from then)."""
    token = ConfirmLinks.from_settings(settings).issue(int(row["case_id"]), customer_id)
    yes, not_yet = answer_urls(settings, token)
    return {**row, "body": str(row["body"]).replace(YES_MARK, yes).replace(NOT_YET_MARK, not_yet)}
