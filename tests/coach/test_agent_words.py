"""The coach lints the agent's own words only, and handles real-world text: curly
apostrophes, quoted e-mails, signatures, Twitter handles and sign-offs, emoji and
non-Latin scripts, empty and oversized input."""

from __future__ import annotations

import pytest

from frontliner.coach import MAX_CHARS, InputTooLarge, check, read
from frontliner.coach.text import agent_words


def test_curly_apostrophes_are_read_like_straight_ones() -> None:
    draft = "Sorry, we can\u2019t refund that order."
    finding = next(f for f in check(draft).findings if f.rule == "cant")
    assert draft[finding.start : finding.end] == "we can\u2019t refund"


def test_quoted_customer_lines_are_not_the_agents_words() -> None:
    draft = "Thanks for writing; I've sent a new charger today.\n\n> you can't even ship a charger"
    assert "cant" not in check(draft).rules()


def test_quoted_email_below_on_wrote_is_not_linted() -> None:
    draft = (
        "Hi Lee,\nI've booked the engineer for Monday at 9.\n\n"
        "On Tue, 3 Mar 2026, Lee <lee@example.com> wrote:\nCalm down? No. I cannot wait any longer."
    )
    assert not {"cant", "feelings", "bare-no"} & check(draft).rules()


def test_signature_after_the_delimiter_is_not_linted() -> None:
    draft = "I've refunded the order today.\n-- \nAcme Care: we can't wait to help"
    assert "cant" not in check(draft).rules()


def test_twitter_handles_urls_and_signoffs_are_not_words() -> None:
    draft = "@no_way_home Hi! Please try the steps at https://example.com/cannot-login 1/2 ^JB"
    report = check(draft)
    assert report.findings == ()
    assert report.score == 100


def test_a_link_counts_as_the_alternative_to_a_refusal() -> None:
    draft = "@sam We can't change it here. Please use this form: https://example.com/change ^AB"
    assert "cant" not in check(draft).rules()


def test_a_generic_feedback_form_is_not_an_alternative() -> None:
    draft = "We can't add that option. You can leave feedback at https://example.com/feedback"
    assert "cant" in check(draft).rules()


def test_emoji_and_non_latin_text_keep_offsets_right() -> None:
    draft = "こんにちは 😊 Ünïcødé — we can't refund that 🙏"
    finding = next(f for f in check(draft).findings if f.rule == "cant")
    assert draft[finding.start : finding.end] == "we can't refund"


def test_empty_draft_has_nothing_to_flag() -> None:
    report = check("")
    assert report.findings == ()
    assert report.score == 100


def test_empty_customer_message_reads_as_calm() -> None:
    reading = read("")
    assert not reading.complaint and not reading.abuse and reading.frustration == 0.0


def test_a_megabyte_draft_is_refused_with_a_clear_error() -> None:
    with pytest.raises(InputTooLarge, match="at most"):
        check("We can't. " * 110_000)


def test_a_draft_at_the_size_limit_is_still_coached() -> None:
    draft = ("word " * (MAX_CHARS // 5))[:MAX_CHARS]
    assert "too-long" in check(draft).rules()


def test_a_signoff_before_trailing_blank_lines_is_still_blanked() -> None:
    for draft in ("@sam Sorted today. -Ronnie\n\n", "@sam Sorted today. 1/2 \n", "@sam Ok. *TB"):
        words = agent_words(draft)
        assert len(words) == len(draft)
        assert "Ronnie" not in words and "1/2" not in words and "TB" not in words
