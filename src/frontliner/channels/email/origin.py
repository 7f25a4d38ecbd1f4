"""Whether a trusted receiving host checked that a message really comes from its sender.

Anyone can write any From line. What a mail server can check is whether the sending
domain vouches for the message: a DKIM signature, an SPF-allowed sending host, a DMARC
pass. The receiving host (your MX) records its checks in `Authentication-Results`
(RFC 8601), naming itself with an authserv-id. Only the hosts the administrator lists in
`FRONTLINER_MAIL_TRUSTED_AUTHSERV_IDS` are believed (anyone can add such a header too;
the trusted host removes forged ones carrying its own id), and a pass counts only when
the domain it is about is the From address's domain or a parent of it (alignment, as
DMARC defines it): a valid signature of some other domain proves nothing about the From.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.message import Message

import authres

_METHODS = {"dmarc": ("header", "from"), "dkim": ("header", "d"), "spf": ("smtp", "mailfrom")}


def checked_origin(msg: Message, from_address: str, trusted: Iterable[str]) -> str | None:
    """How a trusted host checked the From domain ("dkim=pass header.d=example.com by
    mx.example.net"), or None when none of them vouches for it."""
    hosts = {host.strip().lower() for host in trusted if host.strip()}
    domain = from_address.rpartition("@")[2].lower()
    if not hosts or not domain:
        return None
    for value in msg.get_all("Authentication-Results") or []:
        header = _parsed(str(value))
        if header is None or str(header.authserv_id).lower() not in hosts:
            continue
        for result in header.results:
            about = _aligned_pass(result, domain)
            if about is not None:
                return f"{result.method}=pass {about} by {header.authserv_id}"
    return None


def _parsed(value: str) -> authres.AuthenticationResultsHeader | None:
    try:
        return authres.AuthenticationResultsHeader.parse_value(" ".join(value.split()))
    except Exception:  # authres raises its own errors and plain ones on hostile text
        return None


def _aligned_pass(result: authres.core.AuthenticationResult, domain: str) -> str | None:
    method = str(result.method).lower()
    if method not in _METHODS or str(result.result).lower() != "pass":
        return None
    kind, name = _METHODS[method]
    for prop in result.properties:
        if (str(prop.type).lower(), str(prop.name).lower()) != (kind, name):
            continue
        value = str(prop.value).lower().rpartition("@")[2].strip(".")
        if value and "." in value and (domain == value or domain.endswith("." + value)):
            return f"{kind}.{name}={value}"
    return None
