"""Reading a stored message with the standard library's modern e-mail API, inside guards.

Anything hostile or broken (huge headers, deep MIME nesting, unknown charsets, a missing
multipart boundary, no usable sender) raises `Unreadable` with a reason a person can act
on; the caller quarantines the raw message, it is never dropped. `lenient=True` (used by
`frontliner mail quarantine retry --lenient`) reads what it can instead: unknown
charsets decoded as UTF-8 with replacement characters, broken structure taken as text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import errors
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser, HeaderParser
from email.policy import EmailPolicy, compat32
from functools import lru_cache
from typing import Any

from frontliner.channels.email import cleaning, origin, signals
from frontliner.channels.email.addresses import is_own_address
from frontliner.channels.email.textparts import html_to_text, safe_html, split_reply
from frontliner.config import Settings

MAX_HEADER_BYTES = 256 * 1024
MAX_DEPTH = 20
MAX_PARTS = 500
_FATAL_DEFECTS = (
    errors.StartBoundaryNotFoundDefect,
    errors.MultipartInvariantViolationDefect,
    errors.NoBoundaryInMultipartDefect,
)


class _ReadOnlyMessage(EmailMessage):
    """A parsed message that is only read, never changed. The e-mail API asks a part for
    its content type a dozen times while finding bodies and attachments, parsing the
    header each time; parsed once here, that is most of the parsing time saved."""

    _content_type: str | None = None

    def get_content_type(self) -> str:
        if self._content_type is None:
            self._content_type = super().get_content_type()
        return self._content_type


class _Policy(EmailPolicy):
    """The default policy, except that raw 8-bit bytes in a header (a client that ignored
    RFC 2047: "From: José Müller <...>") are read as the characters they stand for,
    instead of surrogate escapes that fail the moment anything stores them."""

    def header_fetch_parse(self, name: str, value: Any) -> Any:
        if isinstance(value, str) and self is _POLICY:
            return _parsed_header(name, cleaning.repaired(value))
        if isinstance(value, str):
            value = cleaning.repaired(value)
        return super().header_fetch_parse(name, value)


_POLICY = _Policy(message_factory=_ReadOnlyMessage)


@lru_cache(maxsize=4096)
def _parsed_header(name: str, value: str) -> Any:
    """A header as the modern API reads it, parsed once per distinct value. The e-mail
    API fetches the same header many times per message (Content-Type alone four times),
    and many values recur from message to message (the desk's own address in To, the
    usual Content-Type, a customer who writes again). Header objects are never changed
    once made, so one can be handed out again."""
    return EmailPolicy.header_fetch_parse(_POLICY, name, value)


class Unreadable(Exception):
    """The message cannot be read safely; `reason` says why (shown in the quarantine)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FileAttachment:
    filename: str  # the sender's name, cleaned; shown only, never used as a path
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    from_address: str
    from_name: str
    subject: str
    message_id: str | None
    thread_ids: list[str]  # In-Reply-To then References, newest first
    recipients: list[str]  # envelope and To/Cc addresses
    text: str  # the new text (quoted history and signature split off)
    quoted: str
    html_safe: str | None
    attachments: list[FileAttachment] = field(default_factory=list)
    automatic: str | None = None  # why it must get no automatic answer
    auto_reply: bool = False
    loop: str | None = None
    bounce: signals.Bounce | None = None
    origin: str | None = None  # how a trusted host checked the sender, if it did
    body_digest: str = ""  # sha256 of the body as received (a true repeat has the same)


def parse(
    raw: bytes,
    envelope_from: str,
    envelope_to: list[str],
    settings: Settings,
    lenient: bool = False,
) -> ParsedMail:
    _check_header_size(raw)
    try:
        msg = BytesParser(policy=_POLICY).parsebytes(raw)
        assert isinstance(msg, EmailMessage)
        _check_structure(msg, lenient)
        parsed = _read(msg, envelope_from, envelope_to, settings, lenient)
        parsed.body_digest = hashlib.sha256(raw[_header_end(raw) :].strip()).hexdigest()
        return parsed
    except Unreadable:
        raise
    except RecursionError:
        raise Unreadable("MIME structure too deep to read") from None
    except LookupError as error:  # unknown charset
        raise Unreadable(f"unknown character set ({error})") from None
    except (
        UnicodeError,
        ValueError,
        TypeError,
        IndexError,
        AttributeError,
        errors.MessageError,
    ) as error:
        raise Unreadable(f"broken message: {type(error).__name__}: {str(error)[:200]}") from None


def _header_end(raw: bytes) -> int:
    ends = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0]
    return min(ends) if ends else len(raw)


def reachable_sender(raw: bytes, envelope_from: str, settings: Settings) -> str | None:
    """Whom to tell that `raw` could not be read, or None when nobody should be told: the
    return path (RFC 3834 answers go there, and it is what the sending server vouched
    for), unless it is empty, ours, or the message is automatic. Reads only the headers,
    as leniently as possible, and never raises."""
    try:
        head = HeaderParser(policy=compat32).parsestr(
            raw[: min(_header_end(raw), MAX_HEADER_BYTES)].decode("latin-1")
        )
        if signals.automatic_reason(head, envelope_from) or signals.loop_reason(
            head, None, settings
        ):
            return None
        candidate = cleaning.address(envelope_from.strip().strip("<>"))
    except Exception:  # a message this broken is simply not answered
        return None
    local, at, domain = candidate.rpartition("@")
    if not (at and local and "." in domain) or is_own_address(candidate, settings):
        return None
    return None if signals.is_robot(candidate) else candidate[:320]


def _check_header_size(raw: bytes) -> None:
    header_end = _header_end(raw)
    if header_end > MAX_HEADER_BYTES:
        raise Unreadable(
            f"headers larger than {MAX_HEADER_BYTES // 1024} KiB ({header_end // 1024} KiB)"
        )


def _check_structure(msg: EmailMessage, lenient: bool) -> None:
    stack: list[tuple[Message, int]] = [(msg, 0)]
    parts = 0
    while stack:
        part, depth = stack.pop()
        parts += 1
        if depth > MAX_DEPTH:
            raise Unreadable(f"MIME parts nested deeper than {MAX_DEPTH}")
        if parts > MAX_PARTS:
            raise Unreadable(f"more than {MAX_PARTS} MIME parts")
        fatal = [d for d in part.defects if isinstance(d, _FATAL_DEFECTS)]
        if fatal and not lenient:
            raise Unreadable(f"broken MIME structure: {type(fatal[0]).__name__}")
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend((p, depth + 1) for p in payload if isinstance(p, Message))


def _read(
    msg: EmailMessage, envelope_from: str, envelope_to: list[str], settings: Settings, lenient: bool
) -> ParsedMail:
    address, name = _sender(msg)
    text, html = _bodies(msg, lenient)
    split = split_reply(cleaning.body_text(text))
    automatic = signals.automatic_reason(msg, envelope_from)
    return ParsedMail(
        from_address=address,
        from_name=name,
        subject=cleaning.header_text(str(msg.get("Subject", ""))),
        message_id=_message_id(str(msg.get("Message-ID", ""))),
        thread_ids=_thread_ids(msg),
        recipients=_recipients(msg, envelope_to),
        text=split.new,
        quoted=split.quoted,
        html_safe=None if html is None else safe_html(cleaning.body_text(html)),
        attachments=_attachments(msg),
        automatic=None if automatic is None else cleaning.header_text(automatic),
        auto_reply=signals.is_auto_reply(msg),
        loop=signals.loop_reason(msg, address, settings),
        bounce=signals.bounce_of(msg, envelope_from, address),
        origin=origin.checked_origin(msg, address, settings.mail_trusted_authserv_ids),
    )


def _sender(msg: EmailMessage) -> tuple[str, str]:
    """Identity comes from From only: never Reply-To, which anyone can set to anything."""
    header = msg.get("From")
    addresses: tuple[Address, ...] = getattr(header, "addresses", ()) if header else ()
    if not addresses or "@" not in addresses[0].addr_spec:
        raise Unreadable("no usable From address")
    first = addresses[0]
    name = cleaning.header_text(first.display_name, 200) or cleaning.header_text(first.username)
    return cleaning.address(first.addr_spec), name[:200]


def _bodies(msg: EmailMessage, lenient: bool) -> tuple[str, str | None]:
    plain = msg.get_body(preferencelist=("plain",))
    html_part = msg.get_body(preferencelist=("html",))
    html = None if html_part is None else _decoded(html_part, lenient)
    if plain is not None:
        return _decoded(plain, lenient), html
    if html is not None:
        return html_to_text(html), html
    return "", None


def _decoded(part: Message, lenient: bool) -> str:
    if not lenient:
        try:
            content = part.get_content()  # type: ignore[attr-defined]
            return content if isinstance(content, str) else content.decode("utf-8", "replace")
        except LookupError:
            pass  # an unknown charset: read below, with replacement characters
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return str(part.get_payload())
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def _message_id(value: str) -> str | None:
    found = re.search(r"<[^<>\s]{1,253}>", cleaning.header_text(value))
    return found.group(0) if found else None


def _thread_ids(msg: EmailMessage) -> list[str]:
    found: list[str] = []
    for header in ("In-Reply-To", "References"):
        ids = re.findall(r"<[^<>\s]{1,253}>", cleaning.header_text(str(msg.get(header, ""))))
        found += reversed(ids) if header == "References" else ids
    return list(dict.fromkeys(found))[:50]


def _recipients(msg: EmailMessage, envelope_to: list[str]) -> list[str]:
    found = [cleaning.address(a) for a in envelope_to]
    for header in ("To", "Cc", "Delivered-To"):
        for value in msg.get_all(header) or []:
            found += [cleaning.address(a.addr_spec) for a in getattr(value, "addresses", ())]
    return list(dict.fromkeys(found))


def _attachments(msg: EmailMessage) -> list[FileAttachment]:
    found: list[FileAttachment] = []
    for part in msg.iter_attachments():
        _collect(part, found)
    return found


def _collect(part: Message, found: list[FileAttachment]) -> None:
    if part.get_content_maintype() == "multipart":
        for sub in part.get_payload():
            if isinstance(sub, Message):
                _collect(sub, found)
        return
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        first = inner[0] if isinstance(inner, list) and inner else None
        data = first.as_bytes() if isinstance(first, Message) else b""
    else:
        decoded = part.get_payload(decode=True)
        data = decoded if isinstance(decoded, bytes) else b""
    name = cleaning.file_name(part.get_filename() or "")
    found.append(FileAttachment(filename=name, content_type=part.get_content_type(), data=data))
