"""Making the words of a stranger's mail safe to store, show and send on.

Everything here is about what reaches the database, a page or one of our own headers:

- raw 8-bit header bytes (a mail client that ignored RFC 2047) are read as UTF-8, or as
  Windows-1252 when they are not UTF-8, instead of surrogate escapes no database accepts;
- control characters (C0 except tab and line breaks where text may have them, DEL, C1)
  are removed: a BEL or NUL must never come back out in a Subject we send, and
  PostgreSQL refuses NUL in text where SQLite keeps it, so both are given text without it;
- bidirectional controls are removed from file names, so `invoice<RLO>gpj.exe` cannot
  pass for a picture;
- an internationalised domain is kept in its ASCII form (xn--...), the one a mail server
  routes by, so the Unicode and the ASCII spelling of an address are one customer and a
  look-alike domain shows as what it is.
"""

from __future__ import annotations

import re

import idna

# C0 controls, DEL and C1 controls. Header values lose all of them (folding whitespace is
# collapsed to single spaces first); text bodies keep tab and line breaks.
_HEADER_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Embeddings, overrides and isolates (U+202A-202E, U+2066-2069), the marks (U+200E/F)
# and the Arabic letter mark (U+061C): each changes the order in which a name is shown.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_PATH_CHARS = re.compile(r"[/\\]+")
_SURROGATES = re.compile("[\udc80-\udcff]")


def repaired(value: str) -> str:
    """`value` with the surrogate escapes of raw 8-bit bytes turned back into characters:
    read as UTF-8 when they are UTF-8, else as Windows-1252 (what such senders mean)."""
    if not _SURROGATES.search(value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def header_text(value: str, limit: int = 998) -> str:
    """A header value as one clean line: no controls, whitespace collapsed."""
    text = _HEADER_CONTROLS.sub(" ", repaired(value))
    return " ".join(text.split())[:limit]


def body_text(value: str) -> str:
    """Text of a body or an HTML part: controls gone, tab and line breaks kept."""
    return _TEXT_CONTROLS.sub("", repaired(value))


def file_name(value: str, limit: int = 200) -> str:
    """A sender's file name fit to store, show and serve: no controls, no bidirectional
    controls, no path separators; never empty."""
    text = _BIDI.sub("", header_text(value, limit=1000))
    text = _PATH_CHARS.sub("_", text).strip(" .")
    return text[:limit] or "attachment"


def address(value: str) -> str:
    """An e-mail address, lower-cased, controls removed, its domain in ASCII (IDNA)."""
    local, at, domain = header_text(value, limit=320).replace(" ", "").lower().rpartition("@")
    if not at:
        return domain
    return f"{local}@{_ascii_domain(domain)}"


def _ascii_domain(domain: str) -> str:
    if domain.isascii():
        return domain
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        try:
            return domain.encode("idna").decode("ascii")  # the older, looser rules
        except UnicodeError:
            return domain  # kept as written: still one customer, still readable
