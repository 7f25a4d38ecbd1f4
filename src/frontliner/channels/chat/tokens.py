"""The visitor's chat token: unguessable, bound to one case and one customer.

A signed, timestamped value (itsdangerous, keyed by the app's secret and a purpose salt):
nothing to store, valid on every app process, impossible to forge or to bend to another
case. It is a bearer secret, held by the visitor's widget for the life of the chat.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "frontliner.chat.visitor"
MAX_AGE = 7 * 24 * 3600  # a chat can be resumed for a week, then the visitor starts anew


@dataclass(frozen=True)
class ChatPass:
    case_id: int
    customer_id: int


class ChatTokens:
    def __init__(self, secret: str, max_age: int = MAX_AGE) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=SALT)
        self.max_age = max_age

    def issue(self, case_id: int, customer_id: int) -> str:
        # The nonce makes two chats on one case carry different tokens.
        return self._serializer.dumps([case_id, customer_id, secrets.token_urlsafe(8)])

    def read(self, token: str) -> ChatPass | None:
        """The case and customer the token was issued for; None when it is forged,
        altered, expired or malformed (the caller says the same thing in every case)."""
        if not token or len(token) > 500:
            return None
        try:
            value = self._serializer.loads(token, max_age=self.max_age)
        except BadSignature:
            return None
        if (not isinstance(value, list) or len(value) != 3
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value[:2])):
            return None
        return ChatPass(case_id=value[0], customer_id=value[1])
