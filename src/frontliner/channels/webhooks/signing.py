"""The signing secret of a subscription and the signature of a delivery.

The secret is derived from the app's secret key and the subscription's random salt with
HMAC-SHA256, so the database alone never holds it; it is shown to the admin once, when
the webhook is created. (Changing FRONTLINER_SECRET_KEY changes every webhook's secret.)

A delivery carries `Frontliner-Signature: t=<unix seconds>,v1=<hex>` where the hex is
HMAC-SHA256(secret, f"{t}.{body}"): the receiver recomputes it over the raw body and
rejects old timestamps, which stops a captured delivery from being replayed later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from frontliner.config import Settings

HEADER = "Frontliner-Signature"
SECRET_PREFIX = "whsec_"


def secret_for(settings: Settings, salt: str) -> str:
    key = settings.secret_key.get_secret_value().encode()
    digest = hmac.new(key, b"frontliner-webhook:" + salt.encode(), hashlib.sha256).digest()
    return SECRET_PREFIX + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"
