"""Snippets for search hits: a few words of a document around the first match, with
each matching word between MARK_START and MARK_END.

A word matches a searched word when they are equal once case and accents are ignored,
when they share a stem (the index stems words, so "blenders" found "blender"), or, for
the last searched word, when it starts with it (the search runs as the person types).
"""

from __future__ import annotations

import re
import unicodedata

MARK_START, MARK_END = "\x02", "\x03"
_WORD = re.compile(r"\w+")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")
BEFORE, AFTER = 5, 14  # words shown before and after the first match


def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _matcher(words: list[list[str]]) -> tuple[set[str], str]:
    searched = {stem(fold(t)) for tokens in words for t in tokens}
    return searched, fold(words[-1][-1]) if words and words[-1] else ""


def cut(text: str, words: list[list[str]]) -> str:
    """The marked snippet of `text`, or its start when no word of it matches."""
    stems, prefix = _matcher(words)
    spans = [m.span() for m in _WORD.finditer(text)]

    def matches(span: tuple[int, int]) -> bool:
        word = fold(text[span[0] : span[1]])
        return stem(word) in stems or (bool(prefix) and word.startswith(prefix))

    hits = [i for i, span in enumerate(spans) if matches(span)]
    if not spans:
        return text[:200]
    first = hits[0] if hits else 0
    lo, hi = max(0, first - BEFORE), min(len(spans), first + AFTER + 1)
    start, end = spans[lo][0], spans[hi - 1][1]
    pieces, at = [], start
    for i in hits:
        if lo <= i < hi:
            s, e = spans[i]
            pieces += [text[at:s], MARK_START, text[s:e], MARK_END]
            at = e
    pieces.append(text[at:end])
    return ("…" if start > 0 else "") + "".join(pieces) + ("…" if end < len(text) else "")
