"""Helpers for the inbound e-mail tests: the .eml corpus, settings, delivering a message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from frontliner.channels.email.intake import accept
from frontliner.channels.email.processing import Outcome, process_mail
from frontliner.config import Settings
from frontliner.store.uow import SqlUnitOfWork

EML = Path(__file__).resolve().parent / "eml"
SETTINGS = Settings(secret_key="inbound-mail-test-secret", mail_domain="frontliner.localhost")
DESK = "support@frontliner.localhost"


def eml(name: str, **values: str) -> bytes:
    """A corpus message with its {{PLACEHOLDERS}} filled in."""
    text = (EML / name).read_bytes()
    for key, value in values.items():
        text = text.replace(f"{{{{{key}}}}}".encode(), value.encode())
    return text


def deliver(
    engine: Engine,
    uow_factory: Callable[[], SqlUnitOfWork],
    raw: bytes,
    envelope_from: str = "ann@example.com",
    envelope_to: tuple[str, ...] = (DESK,),
) -> Outcome:
    """What a receiver does: accept (commit), then process."""
    stored = accept(engine, raw, envelope_from=envelope_from, envelope_to=list(envelope_to))
    return process_mail(uow_factory, stored.mail_id, settings=SETTINGS)


def nested(depth: int) -> bytes:
    """A message whose parts nest `depth` multiparts deep."""
    head = [
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth)
    ]
    tail = [f"\r\n--b{i}--\r\n" for i in reversed(range(depth))]
    body = "Content-Type: text/plain\r\n\r\nburied\r\n"
    headers = "From: ann@example.com\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    return (headers + "".join(head) + body + "".join(tail)).encode()


def huge_header(size: int) -> bytes:
    filler = "X-Filler: " + "a" * 70 + "\r\n"
    lines = filler * (size // len(filler) + 1)
    return f"From: ann@example.com\r\nSubject: big\r\n{lines}\r\nHello\r\n".encode()
