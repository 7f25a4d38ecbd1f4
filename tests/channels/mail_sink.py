"""A real SMTP server (aiosmtpd) in the test process that keeps what it receives, and can
refuse the first few messages the way a busy relay does (451, try again later)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Sink:
    """What the server saw: every accepted message, and how many it refused."""

    refuse_first: int = 0
    password: str | None = None  # when set, AUTH is required with this password
    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refused: int = 0
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.refused < self.refuse_first:
            self.refused += 1
            return "451 4.3.0 Busy, try again later"
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def authenticate(self, _server: Any, _session: Any, _envelope: Any, _mechanism: str,
                     data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password.decode() == self.password
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok)


@contextmanager
def running_sink(sink: Sink) -> Iterator[int]:
    """Serve `sink` on a free port on 127.0.0.1 for the block; yields the port."""
    port = free_port()
    options: dict[str, Any] = {}
    if sink.password is not None:
        options = {"authenticator": sink.authenticate, "auth_required": True,
                   "auth_require_tls": False}
    controller = Controller(sink, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture(name="sink")
def sink_fixture() -> Iterator[Sink]:
    """A running sink for the test, its port on `sink.port` (import it by name to use it)."""
    found = Sink()
    with running_sink(found) as port:
        found.port = port  # type: ignore[attr-defined]
        yield found
