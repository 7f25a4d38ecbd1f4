"""Finding the agent's own words in a draft, and its sentences.

Every transformation here keeps the text's length, so an offset into the prepared text is
an offset into the draft the agent typed: findings point at the right characters without
any offset bookkeeping. What is not the agent's voice (quoted customer text, signatures,
Twitter @handles, links, "^AB" or "1/2" sign-offs) is blanked with spaces; a link leaves a
`<url>`-shaped marker behind, because a link can be the alternative or next step a rule
looks for.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from frontliner.coach.phrases import Scan

# Curly apostrophes and quotes become straight ones, one character for one.
_STRAIGHT = {
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
}
_CURLY = re.compile(f"[{''.join(_STRAIGHT)}]")

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]']")
_HANDLE = re.compile(r"(?<![\w.])@\w{1,30}")
_QUOTE_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
# The start of a quoted earlier message in an e-mail: everything from here on is theirs.
_QUOTE_HEADER = re.compile(
    r"^[ \t]*(?:On\b[^\n]{0,200}\bwrote:|-{2,}\s*Original Message\s*-{2,}|From:[^\n]+\nSent:)",
    re.MULTILINE | re.IGNORECASE,
)
_SIG_DELIMITER = re.compile(r"^-- ?$", re.MULTILINE)
_VALEDICTION = re.compile(
    r"^[ \t]*(?:(?:best|kind|warm|warmest)(?: regards| wishes)?|regards|cheers|sincerely|"
    r"yours(?: sincerely| truly)?|many thanks|thanks(?: again)?|thank you)[ \t]*[,.!]?[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
# Twitter sign-offs: "^AB", "*TB", "/OP", "~ O", "-Ronnie", "1/2", "Roopa-HP Social Media ..."
# Each comes with the text one of whose pieces it cannot match without (most drafts have
# none, and the regex is skipped) and, for those that must end the draft, how long the
# signed part can be at most: only the draft's last characters are searched.
_SIGNOFFS: tuple[tuple[re.Pattern[str], tuple[str, ...], int | None], ...] = (
    (re.compile(r"\^\s?[A-Za-z]{1,12}\b"), ("^",), None),
    (
        re.compile(r"(?<=\s)(?:[*/~]\s?[A-Z]{1,3}|-[A-Z][a-z]{1,15})\s*$"),
        ("*", "/", "~", "-"),
        17,
    ),
    (re.compile(r"(?<=\s)\d/\d\s*$"), ("/",), 3),
    (
        re.compile(r"(?<=\s)[A-Z][a-z]+-[A-Z]{2,5} Social Media(?: Tech)? Support\.?\s*$"),
        ("Social Media",),
        None,
    ),
)
_SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"')\]]|$)|\n\s*\n|\n(?=\s*[-*\u2022]|\s*\d+[.)])")

_ALNUM = re.compile(r"[^\W_]")
_NOT_NEWLINE = re.compile(r"[^\n]")

MAX_SIGNATURE_LINES = 4
MAX_SIGNATURE_LINE = 60


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str  # the prepared text of the sentence (same offsets as the draft)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A draft ready for the rules: same length as the original."""

    original: str
    text: str  # normalised, with everything that is not the agent's voice blanked
    scan: Scan  # `text` lower-cased (same length) and its words: what the rules match
    sentences: tuple[Sentence, ...]
    starts: tuple[int, ...]  # sentence starts, for finding a position's sentence

    def words(self) -> int:
        return self.scan.word_count

    def sentence_at(self, position: int) -> int:
        """Index of the sentence holding `position` (or the last one starting before it)."""
        return max(bisect_right(self.starts, position) - 1, 0)

    def has_words(self) -> bool:
        return bool(self.sentences)


def normalise(text: str) -> str:
    """Straight apostrophes and quotes; same length as the input."""
    if text.isascii():  # O(1) for a str: nothing curly to straighten
        return text
    # translate() looks up every character (~20 ns each); most texts hold a few curly
    # quotes at most, which one scan finds.
    return _CURLY.sub(_straight, text)


def _straight(match: re.Match[str]) -> str:
    return _STRAIGHT[match.group()]


def _spaces(match: re.Match[str]) -> str:
    """Spaces for a matched span, keeping newlines so line structure survives."""
    return _blanked(match.group())


def _blanked(text: str) -> str:
    # Most spans (a handle, a sign-off) hold no newline: one multiplication, not a loop.
    if "\n" not in text:
        return " " * len(text)
    return _NOT_NEWLINE.sub(" ", text)


def _url_marker(match: re.Match[str]) -> str:
    width = match.end() - match.start()
    return "<url" + " " * (width - 5) + ">" if width >= 5 else " " * width


def _blank_from(text: str, start: int) -> str:
    return text[:start] + _blanked(text[start:])


def _blank_quoted(text: str) -> str:
    header = _QUOTE_HEADER.search(text)
    if header:
        text = _blank_from(text, header.start())
    return _QUOTE_LINE.sub(_spaces, text)


def _blank_signature(text: str) -> str:
    delimiter = _SIG_DELIMITER.search(text)
    if delimiter:
        return _blank_from(text, delimiter.start())
    # A valediction followed by a few short lines: the lines are a name and a title. The
    # valediction itself stays, because "Thanks," still thanks the customer.
    for match in _VALEDICTION.finditer(text):
        rest = text[match.end() :].strip("\n")
        lines = [line for line in rest.split("\n") if line.strip()]
        if len(lines) <= MAX_SIGNATURE_LINES and all(
            len(line) <= MAX_SIGNATURE_LINE for line in lines
        ):
            return _blank_from(text, match.end())
    return text


def _blank_twitter(text: str) -> str:
    if "http" in text or "www." in text:
        text = _URL.sub(_url_marker, text)
    if "@" in text:
        text = _HANDLE.sub(_spaces, text)
    for pattern, needs, width in _SIGNOFFS:
        if any(piece in text for piece in needs):
            text = _blank_signoff(pattern, text, width)
    return text


def _blank_signoff(pattern: re.Pattern[str], text: str, width: int | None) -> str:
    if width is None:
        return pattern.sub(_spaces, text)
    # The sign-off ends in a non-space and only spaces follow it, so it starts at most
    # `width` characters before the stripped end; it matches at most once.
    match = pattern.search(text, max(0, len(text.rstrip()) - width))
    if match is None:
        return text
    return text[: match.start()] + _spaces(match) + text[match.end() :]


def agent_words(draft: str) -> str:
    """The draft with only the agent's own words left (same length)."""
    text = normalise(draft)
    if ">" in text or "wrote:" in text or "Original Message" in text or "From:" in text:
        text = _blank_quoted(text)
    if "\n" in text:
        text = _blank_signature(text)
    if "@" in text or "http" in text or "www." in text or "^" in text or "/" in text:
        text = _blank_twitter(text)
    return text


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentence spans over prepared text; blank stretches make no sentence."""
    sentences: list[Sentence] = []
    start = 0
    for end_match in _SENTENCE_END.finditer(text):
        end = end_match.end()
        _add_sentence(sentences, text, start, end)
        start = end
    _add_sentence(sentences, text, start, len(text))
    return tuple(sentences)


def _add_sentence(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    # One regex probe instead of a per-character loop: no letter or digit, no sentence.
    if _ALNUM.search(text, start, end) is None:
        return
    chunk = text[start:end]
    unled = chunk.lstrip()
    stripped = unled.rstrip()
    begin = start + len(chunk) - len(unled)
    sentences.append(Sentence(begin, begin + len(stripped), stripped))


def prepare(draft: str) -> Prepared:
    text = agent_words(draft)
    sentences = split_sentences(text)
    return Prepared(draft, text, Scan.of(lower(text)), sentences, tuple(s.start for s in sentences))


def lower(text: str) -> str:
    """Lower case without moving offsets: a character whose lower case is longer (such as
    "\u0130") stays as it is."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def prepare_customer(message: str) -> str:
    """A customer's message for the analyser: normalised, quotes and links blanked."""
    text = normalise(message)
    if ">" in text or "wrote:" in text:
        text = _blank_quoted(text)
    return text
