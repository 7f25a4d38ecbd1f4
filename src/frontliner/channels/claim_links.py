"""The signed link that lets an address confirm a form or chat message as its own
(`desk.contact_claims`), and the mail that carries it.

The link holds the claim's id, signed with the app's secret (itsdangerous, a salt of its
own, so no other token of ours is accepted) and stamped with the time it was made; it
stops working `FRONTLINER_CONTACT_CLAIM_LINK_HOURS` later. Nothing is stored: the
outbox row's body carries a placeholder and `with_claim_link` puts the link in when the
mail is composed, so no row of `outbound_mail` holds a working link. Opening the link
only shows a page; the confirmation is a POST from that page.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from frontliner.channels.email.access_mail import public_base
from frontliner.channels.email.messages import AUTOMATIC
from frontliner.config import Settings
from frontliner.desk.model import Case, Channel, ContactClaim
from frontliner.store.outbound_tables import outbound_mail
from frontliner.store.tables import contact_claims
from frontliner.store.uow import SqlUnitOfWork

SALT = "frontliner.contact-claim"
KIND = "contact_confirmation"
MAX_TOKEN = 300
LINK_MARK = "[the link is added when this mail is sent]"
BATCH = 200


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt=SALT)


def claim_url(claim_id: int, settings: Settings) -> str:
    return f"{public_base(settings)}/contact/confirm/{_serializer(settings).dumps(claim_id)}"


def read_token(token: str, settings: Settings) -> int | str:
    """The claim id a token vouches for, or "expired" / "invalid"."""
    if not token or len(token) > MAX_TOKEN:
        return "invalid"
    try:
        value = _serializer(settings).loads(
            token, max_age=settings.contact_claim_link_hours * 3600)
    except SignatureExpired:
        return "expired"
    except BadSignature:
        return "invalid"
    return value if isinstance(value, int) and not isinstance(value, bool) else "invalid"


def with_claim_link(uow: SqlUnitOfWork, row: Mapping[str, Any], settings: Settings,
                    ) -> dict[str, Any]:
    """The outbox row with a fresh link in place of its placeholder (just before sending)."""
    found = uow.find(ContactClaim, limit=1, case_id=row["case_id"])
    if not found or found[0].id is None:
        raise ValueError("the claim of this confirmation is gone")  # -> failed
    return {**row, "body": row["body"].replace(LINK_MARK, claim_url(found[0].id, settings))}


def collect_claims(uow: SqlUnitOfWork, settings: Settings, since: datetime, _at: datetime,
                   ) -> list[dict[str, Any]]:
    """Outbox rows for claims not yet confirmed nor mailed."""
    mailed = sa.exists().where(outbound_mail.c.kind == KIND,
                               outbound_mail.c.case_id == contact_claims.c.case_id)
    owed = sa.select(ContactClaim).where(
        contact_claims.c.created_at >= since, contact_claims.c.confirmed_at.is_(None), ~mailed,
    ).order_by(contact_claims.c.created_at, contact_claims.c.id).limit(BATCH)
    rows = []
    for claim in uow.session.scalars(owed):
        case = uow.get(Case, claim.case_id)
        assert case is not None
        rows.append({
            "kind": KIND, "dedupe_key": f"claim:{claim.id}",
            "message_id": f"<fl.claim.{claim.id}.{secrets.token_hex(5)}@{settings.mail_domain}>",
            "case_id": case.id, "to_address": claim.email, "subject": SUBJECT,
            "body": claim_body(case, settings.contact_claim_link_hours),
            "headers": dict(AUTOMATIC), "automatic": True, "status": "queued",
            "attempts": 0, "last_error": None})
    return rows


DOORS = {Channel.WEB: "our contact form", Channel.CHAT: "our chat"}
SUBJECT = "Is this message yours? Confirm to see it with your cases"


def claim_body(case: Case, hours: int) -> str:
    # None of the sender's words: whoever typed this address may not be its owner.
    return (
        "Hello,\n\n"
        f"We received a message through {DOORS.get(case.channel, 'our website')} that "
        "gave this e-mail "
        f"address. Its reference is {case.ref}. Because anyone can type an address into "
        "that form, it is not on your account yet.\n\n"
        f"If you sent it, open this link within {hours} hours and press \"Yes, it's mine\": "
        "it then appears with your cases.\n\n"
        f"{LINK_MARK}\n\n"
        "If you did not send it, ignore this message: nothing of yours is shown to "
        "anyone, and the message stays apart from your account.\n\n"
        "Kind regards,\nThe support team\n")
