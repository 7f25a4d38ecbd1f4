"""Unguessable public case references.

A reference is shown to customers and typed into URLs, so it must not reveal how many
cases exist nor let anyone walk to a neighbour's case: 80 random bits from `secrets`,
written in an alphabet without look-alike characters (no 0/O, 1/I/L).
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PREFIX = "FL-"
_LENGTH = 16  # 31**16 is about 2**79: guessing one live reference is hopeless


def new_case_ref() -> str:
    # One draw below 31**16, written in base 31: the same uniform choice as 16 separate
    # draws of a character, for one call to the system's randomness instead of 16.
    number, digits = secrets.randbelow(len(ALPHABET) ** _LENGTH), []
    for _ in range(_LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[digit])
    body = "".join(digits)
    return PREFIX + "-".join(body[i : i + 4] for i in range(0, _LENGTH, 4))


def looks_like_case_ref(value: str) -> bool:
    """A cheap shape check before any lookup, so junk never reaches the database."""
    if not value.startswith(PREFIX):
        return False
    groups = value[len(PREFIX) :].split("-")
    return len(groups) == _LENGTH // 4 and all(
        len(g) == 4 and all(c in ALPHABET for c in g) for g in groups
    )
