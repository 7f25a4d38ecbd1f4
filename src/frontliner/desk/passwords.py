"""Password hashing (argon2id via argon2-cffi). The desk never keeps a plain password."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from frontliner.desk.errors import Invalid

MIN_LENGTH = 10
MAX_LENGTH = 1_000  # hashing a megabyte "password" is a denial of service, not security

_hasher = PasswordHasher()


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise Invalid(f"The password needs at least {MIN_LENGTH} characters.",
                      {"password": f"at least {MIN_LENGTH} characters"})
    if len(password) > MAX_LENGTH:
        raise Invalid(f"The password is longer than {MAX_LENGTH} characters.",
                      {"password": "too long"})


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
