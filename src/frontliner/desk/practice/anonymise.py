"""A closed case's words without the customer's personal details, for a practice scenario.

Two passes. First what the desk knows about this case: the customer's names, e-mail
addresses and phone numbers, the people involved, the staff who wrote, the case's own
reference. Then patterns for what it does not know: any e-mail address, link, phone
number (Google's libphonenumber, through `phonenumbers`, for several countries), card
and account numbers, street addresses and postcodes, order and booking numbers, and
names after a greeting, in a sign-off or after "my name is". Each is replaced by a
placeholder in brackets ("[customer]", "[e-mail]", ...). A lead checks the result before
it is saved, and `leftovers` refuses a text that still holds what the desk knows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import phonenumbers

# Countries whose number formats are tried for numbers written without a country code.
PHONE_REGIONS = ("GB", "US", "IE", "NL", "DE", "FR", "BE", "ES", "IT", "CA", "AU")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_CASE_REF = re.compile(r"\bFL-[2-9A-Z]{4}(?:-[2-9A-Z]{4}){3}\b")
_LABELLED_REF = re.compile(
    r"\b((?:order|invoice|booking|ticket|reference|ref|account|tracking|membership|customer"
    r"|policy|contract|parcel|shipment)(?:\s+(?:number|no\.?|nr\.?|num|id|code))?\s*[:#]?\s*)"
    r"(?=[A-Z0-9-]*\d)([A-Z0-9][A-Z0-9-]{3,})", re.IGNORECASE)
_HASH_REF = re.compile(r"#\s?\d{3,}\b")
_CARD = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
# A phone-like run of digits the library did not take (invalid or unlisted ranges).
_DIGITS = re.compile(r"(?<![\w.,])\+?\(?\d[\d ()-]{7,}\d(?![\w.,]\d)")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{2}-\d{2}-\d{4}$")
_STREET = re.compile(
    r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][\w'-]*\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln"
    r"|Drive|Dr|Way|Close|Court|Ct|Place|Pl|Boulevard|Blvd|Terrace|Gardens|Crescent|Square"
    r"|Row|Hill|Park|Straat|Weg|Strasse|Straße|Laan|Gracht|Plein)\b\.?")
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_US_ZIP = re.compile(r"\b([A-Z]{2}\s+)\d{5}(?:-\d{4})?\b")
_LABELLED_POSTCODE = re.compile(
    r"\b((?:post ?code|zip(?: code)?)\s*:?\s*)[A-Z0-9][A-Z0-9 -]{2,9}\b", re.IGNORECASE)
_NAME = r"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){0,2}"
_MY_NAME = re.compile(r"\b((?i:my name is|my name's|this is|I am|I'm)\s+)" + _NAME
                      + r"\b(?=\s*(?:[,.!\n]|and|from|$))")
_GREETING = re.compile(r"(?m)^(\s*(?i:hi|hello|hey|dear|good (?:morning|afternoon|evening))\s+)("
                       + _NAME + r")")
_SIGN_OFF = re.compile(
    r"(?m)^(\s*(?i:kind regards|best regards|warm regards|regards|best wishes|best|thanks|"
    r"thank you|many thanks|cheers|sincerely|yours sincerely|yours|all the best)[,.!]?\s*\n\s*)"
    r"(" + _NAME + r")\s*$")
# Words after "Hi" or in a sign-off that are not names.
_NOT_NAMES = frozenset({"there", "again", "team", "all", "everyone", "support", "customer",
                        "sir", "madam", "folks", "guys", "both", "you", "friend", "i", "we",
                        "the", "frontliner", "service"})

PLACEHOLDERS = {
    "name": "[customer]", "staff": "[agent]", "email": "[e-mail]", "phone": "[phone]",
    "link": "[link]", "case_ref": "[case ref]", "ref": "[ref]", "card": "[card number]",
    "account": "[account number]", "address": "[address]", "postcode": "[postcode]",
}


@dataclass(frozen=True)
class Known:
    """What the desk knows about the case: removed wherever it appears."""

    names: tuple[str, ...] = ()  # the customer's and the other people's names
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()  # names of the staff who wrote on the case


@dataclass
class Scrubbed:
    text: str
    removed: Counter[str] = field(default_factory=Counter)


def _sub(out: Scrubbed, kind: str, pattern: re.Pattern[str],
         keep: Callable[[re.Match[str]], str] | None = None) -> None:
    def replace(match: re.Match[str]) -> str:
        out.removed[kind] += 1
        prefix = keep(match) if keep is not None else ""
        return prefix + PLACEHOLDERS[kind]

    out.text = pattern.sub(replace, out.text)


def _words(values: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern[str] | None:
    """One pattern for these exact strings as whole words, the longest first."""
    cleaned = sorted({v.strip() for v in values if len(v.strip()) >= 2}, key=len, reverse=True)
    if not cleaned:
        return None
    joined = "|".join(re.escape(v) for v in cleaned)
    return re.compile(rf"(?<![\w@])(?:{joined})(?![\w@])", flags)


def _name_parts(names: Iterable[str]) -> list[str]:
    parts: list[str] = []
    for name in names:
        parts.append(name)
        parts += [p for p in re.split(r"[\s,]+", name) if len(p) >= 2]
    return parts


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _phone_spans(text: str, known: Iterable[str]) -> list[tuple[int, int]]:
    spans: set[tuple[int, int]] = set()
    for region in PHONE_REGIONS:
        for found in phonenumbers.PhoneNumberMatcher(text, region,
                                                     leniency=phonenumbers.Leniency.VALID):
            spans.add((found.start, found.end))
    wanted = {d[-9:] for d in (_digits(k) for k in known) if len(d) >= 7}
    for m in _DIGITS.finditer(text):
        digits = _digits(m.group())
        if _DATE.match(m.group().strip()):
            continue
        if len(digits) >= 9 or digits[-9:] in wanted:
            spans.add((m.start(), m.end()))
    return sorted(spans)


def _replace_phones(out: Scrubbed, known: Iterable[str]) -> None:
    pieces: list[str] = []
    at = 0
    for start, end in _phone_spans(out.text, known):
        if start < at:
            continue
        pieces += [out.text[at:start], PLACEHOLDERS["phone"]]
        out.removed["phone"] += 1
        at = end
    out.text = "".join(pieces) + out.text[at:]


def _not_a_name(match: re.Match[str], group: int) -> bool:
    return match.group(group).split()[0].lower() in _NOT_NAMES


def scrub(text: str, known: Known) -> Scrubbed:
    """`text` with every personal detail replaced by a placeholder, and what was removed."""
    out = Scrubbed(text)
    for kind, values in (("email", known.emails), ("case_ref", known.refs)):
        pattern = _words(values)
        if pattern is not None:
            _sub(out, kind, pattern)
    _sub(out, "email", _EMAIL)
    _sub(out, "link", _URL)
    _sub(out, "case_ref", _CASE_REF)
    _sub(out, "ref", _LABELLED_REF, lambda m: m.group(1))
    _sub(out, "ref", _HASH_REF)
    _sub(out, "account", _IBAN)
    _sub(out, "card", _CARD)
    _replace_phones(out, known.phones)
    _sub(out, "address", _STREET)
    _sub(out, "postcode", _LABELLED_POSTCODE, lambda m: m.group(1))
    _sub(out, "postcode", _UK_POSTCODE)
    _sub(out, "postcode", _US_ZIP, lambda m: m.group(1))
    for kind, names in (("name", known.names), ("staff", known.staff)):
        pattern = _words(_name_parts(names))
        if pattern is not None:
            _sub(out, kind, pattern)
    _unknown_names(out)
    return out


def _unknown_names(out: Scrubbed) -> None:
    """Names the desk did not know, found by where they stand; then taken out everywhere
    else they appear too ("I'm Tom" ... "Tom")."""
    found: list[str] = []
    for pattern, group in ((_MY_NAME, 0), (_GREETING, 2), (_SIGN_OFF, 2)):
        def replace(match: re.Match[str], group: int = group) -> str:
            name = match.group(0)[len(match.group(1)):] if group == 0 else match.group(group)
            if group and _not_a_name(match, group):
                return match.group(0)
            out.removed["name"] += 1
            found.append(re.sub(r"^(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+", "", name))
            return match.group(1) + PLACEHOLDERS["name"]

        out.text = pattern.sub(replace, out.text)
    again = _words(_name_parts(found), flags=0)
    if again is not None:
        _sub(out, "name", again)


def leftovers(text: str, known: Known) -> list[str]:
    """What the desk knows about the case that is still in `text` (to refuse saving)."""
    found: list[str] = []
    pattern = _words([*_name_parts(known.names), *known.emails, *known.refs])
    if pattern is not None:
        found += sorted({m.group() for m in pattern.finditer(text)})
    wanted = {d[-9:] for d in (_digits(p) for p in known.phones) if len(d) >= 7}
    for m in _DIGITS.finditer(text):
        if _digits(m.group())[-9:] in wanted:
            found.append(m.group())
    return found
