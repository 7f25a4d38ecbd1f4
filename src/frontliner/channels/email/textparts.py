"""What the customer wrote this time: HTML made safe, quoted history and signature split off.

Mail clients quote the whole thread under a reply; kept in the case, every message would
repeat all the earlier ones. Only the new text becomes the case message; the raw mail
keeps everything.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import nh3

_BLOCK_END = re.compile(r"(?i)<\s*(br\s*/?|/p|/div|/li|/tr|/h[1-6]|/blockquote)\s*>")
_QUOTE_HEADERS = (
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.IGNORECASE),  # Gmail, Apple Mail, Thunderbird
    re.compile(r"^\s*Le\b.{0,300}\ba écrit\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Am\b.{0,300}\bschrieb\b.*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),  # Outlook
    re.compile(r"^\s*-{2,}\s*Forwarded message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's rule above "From: ... Sent: ..."
    re.compile(r"^\s*From:\s.+$"),  # a quoted header block (checked with Sent:/Date: below)
)
_SIGNATURE = (
    re.compile(r"^-- ?$"),  # the standard signature separator
    re.compile(r"^\s*Sent from my \w+", re.IGNORECASE),
    re.compile(r"^\s*Get Outlook for \w+", re.IGNORECASE),
)


@dataclass(frozen=True)
class SplitText:
    new: str  # what the customer wrote this time
    quoted: str  # the history their client quoted under it
    signature: str


def safe_html(raw_html: str) -> str:
    """HTML an agent's browser may show: no scripts, frames, event handlers or styles,
    links that cannot run code, and no remote images (only cid: images of the mail)."""
    return nh3.clean(
        raw_html,
        tags=set(nh3.ALLOWED_TAGS),
        attribute_filter=_no_remote_sources,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


def _no_remote_sources(tag: str, attribute: str, value: str) -> str | None:
    # A remote image tells the sender when and where the mail was read; never fetch one.
    if tag == "img" and attribute == "src" and not value.lower().startswith("cid:"):
        return None
    return value


def html_to_text(raw_html: str) -> str:
    """The readable text of an HTML body (script and style contents dropped)."""
    with_breaks = _BLOCK_END.sub("\n", raw_html)
    stripped = nh3.clean(with_breaks, tags=set(), attributes={})
    lines = (" ".join(html.unescape(line).split()) for line in stripped.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def split_reply(text: str) -> SplitText:
    """Cut `text` where the quoted history starts, then take the signature off the rest."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _history_start(lines)
    head, quoted = lines[:cut], lines[cut:]
    sig = _signature_start(head)
    new = "\n".join(head[:sig]).strip()
    signature = "\n".join(head[sig:]).strip()
    if not new:  # all quote or all signature: better to keep it than show nothing
        return SplitText(new=text.strip(), quoted="", signature="")
    return SplitText(new=new, quoted="\n".join(quoted).strip(), signature=signature)


def _history_start(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if _is_quote_header(lines, i, line):
            return i
    # A trailing block of ">" lines (bottom quoting with no header line).
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(">")):
        end -= 1
    has_quote = any(line.lstrip().startswith(">") for line in lines[end:])
    return end if has_quote else len(lines)


def _is_quote_header(lines: list[str], i: int, line: str) -> bool:
    for pattern in _QUOTE_HEADERS[:-1]:
        if pattern.match(line):
            return True
    if _QUOTE_HEADERS[-1].match(line):
        following = " ".join(lines[i + 1 : i + 4])
        return bool(re.search(r"(?i)\b(Sent|Date):", following))
    return False


def _signature_start(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if any(p.match(line) for p in _SIGNATURE) and i > 0:
            return i
    return len(lines)
