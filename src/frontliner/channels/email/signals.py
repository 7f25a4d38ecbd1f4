"""Mail that must never get an automatic answer, bounces, and loops.

RFC 3834: never answer automatically a message that is itself automatic (Auto-Submitted
other than "no"), bulk or list mail, or one with an empty return path. Answering those is
how two robots end up mailing each other forever. Delivery reports (RFC 3464) are noted
on the case whose mail bounced, never opened as a case of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage, Message

from frontliner.channels.email.addresses import LOOP_HEADER, is_own_address
from frontliner.config import Settings

MAX_HOPS = 30  # more Received headers than this: the message is going round in circles
_ROBOT_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@", re.I)
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,900}>")


@dataclass(frozen=True)
class Bounce:
    original_ids: tuple[str, ...]  # Message-IDs of the mail that could not be delivered
    recipients: tuple[str, ...]
    diagnostic: str


def is_robot(address: str) -> bool:
    """Mailer daemons, postmasters and no-reply senders: no person reads an answer."""
    return bool(_ROBOT_SENDERS.match(address))


def automatic_reason(msg: Message, envelope_from: str) -> str | None:
    """Why this message must not be answered automatically, or None if it may be."""
    auto = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto and not auto.startswith("no"):
        return f"Auto-Submitted: {auto[:60]}"
    precedence = str(msg.get("Precedence", "")).strip().lower()
    if precedence in {"bulk", "list", "junk", "auto_reply"}:
        return f"Precedence: {precedence}"
    for header in ("List-Id", "List-Unsubscribe", "List-Post"):
        if msg.get(header) is not None:
            return f"list mail ({header})"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response"):
        if msg.get(header) is not None:
            return f"auto-reply ({header})"
    suppress = str(msg.get("X-Auto-Response-Suppress", "")).lower()
    if any(word in suppress for word in ("all", "oof", "autoreply")):
        return "the sender asks for no automatic replies (X-Auto-Response-Suppress)"
    if envelope_from.strip() in {"", "<>"}:
        return "empty return path"
    if is_robot(envelope_from.strip().strip("<>")):
        return "sent by a robot address (mailer-daemon, no-reply...)"
    return None


def is_auto_reply(msg: EmailMessage) -> bool:
    """An out-of-office or similar answer from a person's mailbox (not list or bulk)."""
    auto = str(msg.get("Auto-Submitted", "")).strip().lower()
    return auto.startswith("auto-replied") or any(
        msg.get(h) is not None for h in ("X-Autoreply", "X-Autorespond")
    )


def loop_reason(msg: Message, from_address: str | None, settings: Settings) -> str | None:
    """Why this message is our own mail come back or a loop, or None."""
    marker = str(msg.get(LOOP_HEADER, "")).strip().lower()
    if marker and marker == settings.mail_domain.lower():
        return f"{LOOP_HEADER} says we sent it"
    if from_address and is_own_address(from_address, settings):
        return "it is from the desk's own address"
    # Counted by name: parsing each Received value (mail has several) only to count it
    # cost more than the rest of the check.
    hops = sum(1 for name in msg if name.lower() == "received")  # names, unparsed
    if hops > MAX_HOPS:
        return f"{hops} Received headers (more than {MAX_HOPS})"
    return None


def bounce_of(msg: EmailMessage, envelope_from: str, from_address: str | None) -> Bounce | None:
    """The delivery report in `msg`, if it is one (RFC 3464, or a robot's plain report)."""
    is_report = (
        msg.get_content_type() == "multipart/report"
        and str(msg.get_param("report-type", "")).lower() == "delivery-status"
    )
    robot = bool(from_address and _ROBOT_SENDERS.match(from_address))
    if not is_report and not (robot and envelope_from.strip() in {"", "<>"}):
        return None
    ids: list[str] = []
    recipients: list[str] = []
    diagnostic: list[str] = []
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            _read_status(part, recipients, diagnostic)
        elif kind in {"message/rfc822", "text/rfc822-headers"}:
            ids += _ids_in(_part_text(part), first_only=True)
    if not ids:  # a plain-text bounce quotes the original somewhere in its body
        ids = _ids_in(_part_text(msg), first_only=False)
    return Bounce(tuple(dict.fromkeys(ids)), tuple(recipients), "; ".join(diagnostic)[:500])


def _read_status(part: Message, recipients: list[str], diagnostic: list[str]) -> None:
    text = _part_text(part)
    for line in text.splitlines():
        name, _, value = line.partition(":")
        key = name.strip().lower()
        if key == "final-recipient":
            recipients.append(value.split(";")[-1].strip())
        elif key in {"status", "diagnostic-code", "action"}:
            diagnostic.append(f"{name.strip()}: {value.strip()}")


def _ids_in(text: str, first_only: bool) -> list[str]:
    if first_only:
        for line in text.splitlines():
            if line.lower().startswith("message-id:"):
                return _MESSAGE_ID.findall(line)
        return []
    return _MESSAGE_ID.findall(text)


def _part_text(part: Message) -> str:
    """The text of a part and everything inside it, decoded only as far as needed to find
    header lines and Message-IDs (never fails on a bad charset)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return "\n".join(p.as_string() if isinstance(p, Message) else str(p) for p in payload)
    data = part.get_payload(decode=True)
    return data.decode("latin-1") if isinstance(data, bytes) else str(payload)
