"""A case's words lose the customer's personal details: what the desk knows about them,
and what patterns find, while the facts a scenario needs (dates, amounts) stay."""

from __future__ import annotations

import pytest

from frontliner.desk.practice.anonymise import Known, leftovers, scrub

KNOWN = Known(names=("Ann Lee",), emails=("ann@example.com",), phones=("+447700900123",),
              refs=("FL-ABCD-EFGH-JKMN-PQRS",), staff=("Sam Agent",))


def test_what_the_desk_knows_is_removed_everywhere() -> None:
    text = ("Hi Sam, ann lee here (ANN@example.com, 07700 900123). Lee is my surname. "
            "About FL-ABCD-EFGH-JKMN-PQRS.")
    out = scrub(text, KNOWN)
    assert leftovers(out.text, KNOWN) == []
    assert "Sam" not in out.text and "[agent]" in out.text
    assert out.removed["email"] == 1 and out.removed["phone"] == 1


@pytest.mark.parametrize(("text", "gone", "placeholder"), [
    ("Write to bo.ray@mail.test please", "bo.ray@mail.test", "[e-mail]"),
    ("My number is +44 20 7946 0958.", "7946 0958", "[phone]"),
    ("Call (212) 555-0143 after six", "555-0143", "[phone]"),
    ("See https://shop.test/o/991?t=abc", "shop.test", "[link]"),
    ("Order number AB-99812 never came", "AB-99812", "[ref]"),
    ("It was order #48213", "48213", "[ref]"),
    ("Card 4111 1111 1111 1111 was charged", "4111", "[card number]"),
    ("I live at 14 Rose Garden Lane in town", "Rose Garden", "[address]"),
    ("Postcode LS1 4AB", "LS1 4AB", "[postcode]"),
    ("My name is Priya Raman and I waited", "Priya", "[customer]"),
    ("Dear Mr Okafor,\nthanks", "Okafor", "[customer]"),
    ("It broke.\n\nKind regards,\nJoanna Smith", "Joanna", "[customer]"),
])
def test_patterns_find_details_the_desk_did_not_know(text: str, gone: str,
                                                      placeholder: str) -> None:
    out = scrub(text, Known())
    assert gone not in out.text and placeholder in out.text


def test_dates_amounts_and_plain_greetings_stay() -> None:
    text = "Hi there, on 2026-03-02 you charged 1,200.00 twice. Thanks again,\nThe team"
    assert scrub(text, Known()).text == text
