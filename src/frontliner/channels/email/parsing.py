"""Reading a stored message with the standard library's modern e-mail API, inside guards.

Anything hostile or broken (huge headers, deep MIME nesting, unknown charsets, a missing
multipart boundary, no usable sender) raises `Unreadable` with a reason a person can act
on; the caller quarantines the raw message, it is never dropped. `lenient=True` (used by
`frontliner mail quarantine retry --lenient`) reads what it can instead: unknown
charsets decoded as UTF-8 with replacement characters, broken structure taken as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import errors, policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser

from frontliner.channels.email import signals
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
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


class _ReadOnlyMessage(EmailMessage):
    """A parsed message that is only read, never changed. The e-mail API asks a part for
    its content type a dozen times while finding bodies and attachments, parsing the
    header each time; parsed once here, that is most of the parsing time saved."""

    _content_type: str | None = None

    def get_content_type(self) -> str:
        if self._content_type is None:
            self._content_type = super().get_content_type()
        return self._content_type


_POLICY = policy.default.clone(message_factory=_ReadOnlyMessage)


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
        return _read(msg, envelope_from, envelope_to, settings, lenient)
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


def _check_header_size(raw: bytes) -> None:
    ends = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0]
    header_end = min(ends) if ends else len(raw)
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
    split = split_reply(text)
    return ParsedMail(
        from_address=address,
        from_name=name,
        subject=" ".join(str(msg.get("Subject", "")).split())[:998],
        message_id=_message_id(str(msg.get("Message-ID", ""))),
        thread_ids=_thread_ids(msg),
        recipients=_recipients(msg, envelope_to),
        text=split.new,
        quoted=split.quoted,
        html_safe=None if html is None else safe_html(html),
        attachments=_attachments(msg),
        automatic=signals.automatic_reason(msg, envelope_from),
        auto_reply=signals.is_auto_reply(msg),
        loop=signals.loop_reason(msg, address, settings),
        bounce=signals.bounce_of(msg, envelope_from, address),
    )


def _sender(msg: EmailMessage) -> tuple[str, str]:
    """Identity comes from From only: never Reply-To, which anyone can set to anything."""
    header = msg.get("From")
    addresses: tuple[Address, ...] = getattr(header, "addresses", ()) if header else ()
    if not addresses or "@" not in addresses[0].addr_spec:
        raise Unreadable("no usable From address")
    first = addresses[0]
    name = " ".join(first.display_name.split()) or first.username
    return first.addr_spec.strip().lower(), name[:200]


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
        content = part.get_content()  # type: ignore[attr-defined]
        return content if isinstance(content, str) else content.decode("utf-8", "replace")
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return str(part.get_payload())
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def _message_id(value: str) -> str | None:
    found = re.search(r"<[^<>\s]{1,253}>", value)
    return found.group(0) if found else None


def _thread_ids(msg: EmailMessage) -> list[str]:
    found: list[str] = []
    for header in ("In-Reply-To", "References"):
        ids = re.findall(r"<[^<>\s]{1,253}>", str(msg.get(header, "")))
        found += reversed(ids) if header == "References" else ids
    return list(dict.fromkeys(found))[:50]


def _recipients(msg: EmailMessage, envelope_to: list[str]) -> list[str]:
    found = [a.lower() for a in envelope_to]
    for header in ("To", "Cc", "Delivered-To"):
        for value in msg.get_all(header) or []:
            found += [a.addr_spec.lower() for a in getattr(value, "addresses", ())]
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
    name = _UNSAFE_NAME.sub("_", part.get_filename() or "").strip(" .")[:200] or "attachment"
    found.append(FileAttachment(filename=name, content_type=part.get_content_type(), data=data))
