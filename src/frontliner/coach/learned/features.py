"""Text -> the set of features a learned model weighs.

Cheap on purpose (the coach reads thousands of messages a second on one core): the text
is normalised (lower case, links, @handles and digits folded), cut into tokens (words,
and each emoji or punctuation mark on its own), and gives
- words and word pairs (a sentence start counts as a word, so "no." at the start differs
  from "no" inside);
- character n-grams (3 to 5) of each word wrapped as `<word>`, which catch misspellings,
  inflections and slang spellings ("loggin", "crashes", "fking") that whole words miss;
- a few shape marks: a question, repeated ! or ?, shouting in capitals, and the length
  in tokens on a log scale.
A model is binary in its features (present or not) and scales by 1/sqrt(count), so long
and short texts weigh alike. Callers may add features of their own (`extra`), such as
which rule lexicons matched, as long as training added the same ones.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

_URL = re.compile(r"(?:https?://|www\.)\S+")
_HANDLE = re.compile(r"(?<![\w.])@\w+")
_DIGIT = re.compile(r"\d")
_CURLY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
# A word (letters, digits folded to 0, inner apostrophes) or any other single mark.
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[^\w\s]")
_CAPS = re.compile(r"\b[A-Z]{3,}\b")
_REPEATED_MARKS = re.compile(r"[!?]{2,}")
CHAR_SIZES = (3, 4, 5)
START = "^"


@lru_cache(maxsize=65536)
def _char_grams(word: str) -> tuple[str, ...]:
    """The 3- to 5-grams of `<word>`; remembered, since words repeat across texts."""
    wrapped = f"<{word}>"
    return tuple(wrapped[i : i + n] for n in CHAR_SIZES for i in range(len(wrapped) - n + 1))


def tokens(text: str) -> list[str]:
    """The normalised tokens of a text (what word features are made of)."""
    # Each pass runs only where it can change something: most texts are ASCII with no
    # link or handle (an agent's sentence as the coach prepared it never has one).
    norm = text if text.isascii() else text.translate(_CURLY)
    if "http" in norm or "www." in norm:
        norm = _URL.sub(" http ", norm)
    if "@" in norm:
        norm = _HANDLE.sub(" @ ", norm)
    return _TOKEN.findall(_DIGIT.sub("0", norm.lower()))


def _shape(text: str, count: int) -> list[str]:
    marks = [f"#len{min(6, int(math.log2(count + 1)))}"]
    stripped = text.rstrip()
    if stripped.endswith("?"):
        marks.append("#asks")
    if _REPEATED_MARKS.search(text):
        marks.append("#marks")
    if len(_CAPS.findall(text)) >= 2:
        marks.append("#caps")
    return marks


def features(text: str, extra: tuple[str, ...] = (), chars: bool = True) -> frozenset[str]:
    """Every feature of one text (see the module docstring); `chars=False` leaves out the
    character n-grams (a model of well-spelt text, such as agents' replies, needs them
    less, and they are most of a text's features)."""
    found = _own(text, chars)
    return found.union(extra) if extra else found


# A message is read by more than one model in a row (the customer model, then the solved
# one): the text's own features are worked out once for them all.
@lru_cache(maxsize=8)
def _own(text: str, chars: bool) -> frozenset[str]:
    words = tokens(text)
    found: set[str] = set(words)
    found.update(f"{a} {b}" for a, b in zip([START, *words], words, strict=False))
    for word in words if chars else ():
        if word.isalpha() and len(word) > 1:
            found.update(_char_grams(word))
    found.update(_shape(text, len(words)))
    return frozenset(found)
