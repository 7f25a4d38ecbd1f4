"""Reading stored mail without a database: what parsing takes from the headers stays
right when header values recur from message to message (they are parsed once per
distinct value) and when a message went through too many hosts."""

from __future__ import annotations

from tests.channels.inbound_support import DESK, SETTINGS

from frontliner.channels.email.parsing import parse


def _raw(sender: str, subject: str, hops: int = 0, charset: str = "utf-8") -> bytes:
    received = "".join(f"Received: from relay{n}.example.com by mx.example.com\r\n"
                       for n in range(hops))
    return (
        f"{received}From: {sender}\r\nTo: {DESK}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{abs(hash((sender, subject)))}@example.com>\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: text/plain; charset="{charset}"\r\n\r\nHello there.\r\n'
    ).encode()


def test_recurring_header_values_are_read_the_same_for_every_message() -> None:
    first = parse(_raw("Ann Lee <ann@example.com>", "Kettle"), "a@b.c", [DESK], SETTINGS)
    other = parse(_raw("Bob Stone <BOB@Example.com>", "Kettle"), "a@b.c", [DESK], SETTINGS)
    again = parse(_raw("Ann Lee <ann@example.com>", "Toaster"), "a@b.c", [DESK], SETTINGS)

    assert (first.from_address, first.from_name) == ("ann@example.com", "Ann Lee")
    assert (other.from_address, other.from_name) == ("bob@example.com", "Bob Stone")
    assert (again.from_address, again.from_name, again.subject) == (
        "ann@example.com", "Ann Lee", "Toaster")
    assert first.recipients == other.recipients == [DESK]
    assert first.text == other.text == "Hello there."


def test_encoded_and_raw_8bit_names_are_decoded_whether_or_not_seen_before() -> None:
    encoded = "=?utf-8?q?Jos=C3=A9_M=C3=BCller?= <jose@example.com>"
    raw_8bit = "José Müller <jose@example.com>"
    for _ in range(2):  # the second time the values have been seen before
        one = parse(_raw(encoded, "=?utf-8?q?K=C3=A4se?="), "a@b.c", [DESK], SETTINGS)
        two = parse(_raw(raw_8bit, "Käse"), "a@b.c", [DESK], SETTINGS)
        assert (one.from_name, one.subject) == ("José Müller", "Käse")
        assert (two.from_name, two.subject) == ("José Müller", "Käse")


def test_more_than_thirty_received_headers_is_a_loop() -> None:
    looped = parse(_raw("ann@example.com", "Hi", hops=31), "a@b.c", [DESK], SETTINGS)
    relayed = parse(_raw("ann@example.com", "Hi", hops=30), "a@b.c", [DESK], SETTINGS)

    assert looped.loop == "31 Received headers (more than 30)"
    assert relayed.loop is None
