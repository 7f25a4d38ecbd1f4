"""Addresses and Message-IDs that let a customer's reply find its case again.

Outbound mail uses `reply_address(case)` as Reply-To (and may use it as From) and
`message_id_for(interaction)` as Message-ID. Both carry an HMAC tag made with the
app's secret, so nobody can forge a token that threads mail onto another case: the
case reference alone is not enough. Inbound mail is read back with `case_ref_from_address`
and `ids_from_message_id`.

Local parts are lower-cased here because some mail servers lower-case them in transit.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from frontliner.config import Settings, get_settings
from frontliner.desk.model import Case, Interaction
from frontliner.desk.refs import PREFIX

LOOP_HEADER = "X-Frontliner-Loop"  # set on every mail we send; seen inbound = our own mail
_TAG_HEX = 10  # 40 bits: guessing a tag for a known case takes ~10**12 tries
_TOKEN = re.compile(rf"\+c-([2-9a-hj-km-np-z]{{16}})-([0-9a-f]{{{_TAG_HEX}}})@")
_MESSAGE_ID = re.compile(rf"<?fl\.(\d+)\.(\d+)\.([0-9a-f]{{{_TAG_HEX}}})@([^>\s]+)>?")


@dataclass(frozen=True)
class MessageIds:
    """What one of our own Message-IDs points at."""

    case_id: int
    interaction_id: int  # 0 for mail about the case that is not an interaction (e.g. ack)


def desk_address(settings: Settings | None = None) -> str:
    """The desk's own public address, e.g. support@example.com."""
    s = settings or get_settings()
    return f"{s.mail_local_part}@{s.mail_domain}".lower()


def reply_address(case: Case, settings: Settings | None = None) -> str:
    """support+c-<ref>-<tag>@domain: a reply to it threads onto `case`."""
    s = settings or get_settings()
    compact = case.ref.removeprefix(PREFIX).replace("-", "").lower()
    return f"{s.mail_local_part}+c-{compact}-{_tag('reply', case.ref, s)}@{s.mail_domain}".lower()


def case_ref_from_address(address: str, settings: Settings | None = None) -> str | None:
    """The case reference in a reply address, or None if absent or its tag is wrong."""
    s = settings or get_settings()
    found = _TOKEN.search(address.lower())
    if found is None:
        return None
    body = found.group(1).upper()
    ref = PREFIX + "-".join(body[i : i + 4] for i in range(0, 16, 4))
    return ref if hmac.compare_digest(found.group(2), _tag("reply", ref, s)) else None


def message_id_for(interaction: Interaction, settings: Settings | None = None) -> str:
    """The Message-ID of the mail that carries `interaction` (an outbound reply)."""
    assert interaction.id is not None, "the interaction must be flushed first"
    return case_message_id(interaction.case_id, interaction.id, settings)


def case_message_id(case_id: int, interaction_id: int = 0, settings: Settings | None = None) -> str:
    """A Message-ID about a case; interaction_id 0 for mail that is not an interaction
    (an acknowledgement, a reminder). Stable: the same ids give the same Message-ID, which
    keeps a retried send recognisable as the same message."""
    s = settings or get_settings()
    tag = _tag("mid", f"{case_id}.{interaction_id}", s)
    return f"<fl.{case_id}.{interaction_id}.{tag}@{s.mail_domain}>".lower()


def purpose_message_id(case_id: int, purpose: str, settings: Settings | None = None) -> str:
    """A Message-ID of its own for one more mail about a case that is not a reply (e.g.
    each "is it solved?" question): `<purpose.fl.<case>.0.<tag>@domain>`. The case's part
    is the ordinary one, so `ids_from_message_id` still finds the case in it (a bounce, or
    the customer's answer quoting it)."""
    if not re.fullmatch(r"[a-z0-9-]+", purpose):
        raise ValueError("a Message-ID purpose is lower-case letters, digits and dashes")
    return f"<{purpose}.{case_message_id(case_id, 0, settings)[1:]}"


def ids_from_message_id(value: str, settings: Settings | None = None) -> MessageIds | None:
    """The case (and interaction) one of our Message-IDs points at; None for others."""
    s = settings or get_settings()
    found = _MESSAGE_ID.search(value.lower())
    if found is None or found.group(4) != s.mail_domain.lower():
        return None
    case_id, interaction_id, tag = int(found.group(1)), int(found.group(2)), found.group(3)
    if not hmac.compare_digest(tag, _tag("mid", f"{case_id}.{interaction_id}", s)):
        return None
    return MessageIds(case_id=case_id, interaction_id=interaction_id)


def is_own_address(address: str, settings: Settings | None = None) -> bool:
    """Whether `address` is the desk itself (plain or with a reply token)."""
    s = settings or get_settings()
    local, _, domain = address.lower().rpartition("@")
    base = local.split("+", 1)[0]
    return domain == s.mail_domain.lower() and base == s.mail_local_part.lower()


def _tag(purpose: str, value: str, settings: Settings) -> str:
    key = settings.secret_key.get_secret_value().encode()
    digest = hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
    return digest[:_TAG_HEX]
