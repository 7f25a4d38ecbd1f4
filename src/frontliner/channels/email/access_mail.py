"""Mail with an access link: portal sign-in and password reset.

The secret in a link is never stored. It is derived from the link's id with the app's
secret key (itsdangerous, its own salt, SHA-256), so:
- the desk keeps only its SHA-256 (`access_links.token_hash`), and a copy of the
  database (a backup, a replica) holds no working link;
- the outbox row's body carries a placeholder, and `with_link` puts the link in when the
  mail is composed for sending: every retry sends the very same link, and no row of
  `outbound_mail` ever holds it;
- the web recognises a link by deriving the id back and comparing hashes.
Whoever holds the secret key could derive links, but they could forge sessions too.

Nothing here logs a link or a token.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeSerializer

from frontliner.channels.email.messages import AUTOMATIC
from frontliner.config import Settings
from frontliner.desk.model import AccessLink, AccessPurpose, Customer, User
from frontliner.store.outbound_tables import outbound_mail
from frontliner.store.tables import access_links
from frontliner.store.uow import SqlUnitOfWork

SALT = "frontliner.access-link"
LINK_MARK = "[the link is added when this mail is sent]"
PATHS = {AccessPurpose.SIGN_IN: "/portal/sign-in/", AccessPurpose.PASSWORD_RESET: "/reset/"}
KINDS = {AccessPurpose.SIGN_IN: "sign_in_link", AccessPurpose.PASSWORD_RESET: "password_reset"}
BATCH = 200
LOOK_BACK = timedelta(days=1)  # links live minutes; older rows are never mailed


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key.get_secret_value(), salt=SALT,
                             signer_kwargs={"digest_method": hashlib.sha256})


def link_token(link_id: int, settings: Settings) -> str:
    """The secret part of the link for `link_id` (the same every time)."""
    token: str = _serializer(settings).dumps(link_id)
    return token


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def seal(settings: Settings) -> Any:
    """For `desk.access_links.request_link`: link id -> hash of its secret."""
    return lambda link_id: token_hash(link_token(link_id, settings))


def link_id_of(token: str, settings: Settings) -> int | None:
    """The link id a token names, or None for anything we did not sign."""
    if not 10 <= len(token) <= 200:
        return None
    try:
        value = _serializer(settings).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def public_base(settings: Settings) -> str:
    """Where people open the desk (never the Host a request claimed: a forged Host would
    otherwise send a victim's reset link to someone else's site)."""
    return (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")


def link_url(purpose: AccessPurpose, link_id: int, settings: Settings) -> str:
    return f"{public_base(settings)}{PATHS[purpose]}{link_token(link_id, settings)}"


def with_link(row: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """The outbox row with its link put into the body, ready to compose."""
    link_id = row["access_link_id"]
    purpose = next(p for p, kind in KINDS.items() if kind == row["kind"])
    return {**row, "body": row["body"].replace(LINK_MARK, link_url(purpose, link_id, settings))}


# --- what is owed ----------------------------------------------------------------------


def collect_links(uow: SqlUnitOfWork, settings: Settings, _since: datetime, at: datetime,
                  ) -> list[dict[str, Any]]:
    """Outbox rows for deliverable links not yet mailed and still usable."""
    mailed = sa.exists().where(outbound_mail.c.access_link_id == access_links.c.id)
    owed = sa.select(AccessLink).where(
        access_links.c.created_at >= at - LOOK_BACK, access_links.c.used_at.is_(None),
        access_links.c.expires_at > at, access_links.c.token_hash.is_not(None),
        sa.or_(access_links.c.user_id.is_not(None), access_links.c.customer_id.is_not(None)),
        ~mailed,
    ).order_by(access_links.c.created_at, access_links.c.id).limit(BATCH)
    return [_row(uow, link, settings) for link in uow.session.scalars(owed)]


def _row(uow: SqlUnitOfWork, link: AccessLink, settings: Settings) -> dict[str, Any]:
    minutes = max(1, int((link.expires_at - link.created_at).total_seconds() // 60))
    name = _name(uow, link)
    subject, body = (sign_in_words(name, minutes) if link.purpose == AccessPurpose.SIGN_IN
                     else reset_words(name, minutes))
    return {"kind": KINDS[link.purpose], "dedupe_key": f"access:{link.id}",
            "message_id": f"<fl.access.{link.id}.{secrets.token_hex(5)}@{settings.mail_domain}>",
            "case_id": None, "to_address": link.email, "subject": subject, "body": body,
            "headers": dict(AUTOMATIC), "automatic": True, "status": "queued",
            "attempts": 0, "last_error": None, "access_link_id": link.id}


def _name(uow: SqlUnitOfWork, link: AccessLink) -> str:
    holder: User | Customer | None = None
    if link.user_id is not None:
        holder = uow.get(User, link.user_id)
    elif link.customer_id is not None:
        holder = uow.get(Customer, link.customer_id)
    return holder.name if holder is not None else ""


def sign_in_words(name: str, minutes: int) -> tuple[str, str]:
    greeting = f"Hello {name}," if name else "Hello,"
    return "Your link to sign in and see your cases", (
        f"{greeting}\n\n"
        "You asked to sign in to see your cases with us and write to us about them. "
        f"Open this link within {minutes} minutes, then press \"Sign in\":\n\n"
        f"{LINK_MARK}\n\n"
        "The link works once. If you did not ask for it, you can ignore this message: "
        "nothing happens unless the link is used.\n\n"
        "Kind regards,\nThe support team\n")


def reset_words(name: str, minutes: int) -> tuple[str, str]:
    greeting = f"Hello {name}," if name else "Hello,"
    return "Set a new password", (
        f"{greeting}\n\n"
        f"You asked to set a new password. Open this link within {minutes} minutes and "
        "choose one:\n\n"
        f"{LINK_MARK}\n\n"
        "The link works once. If you did not ask for it, you can ignore this message: "
        "your password stays as it is.\n\n"
        "Kind regards,\nThe support team\n")
