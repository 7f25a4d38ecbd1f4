"""Trigger words: what every match of a pattern must contain, read from its parsed form.

A phrase set runs a pattern alternative only when a draft holds its trigger (a word, or
failing that a literal fragment) and every further word set it needs (`phrases.py`). The
analysis walks the regex parser's tree; for the shipped packs and lexicon it is done once
and shipped as `triggers.json` (written by `python -m frontliner.coach.trigger_cache`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_SPLIT = re.compile(r"\W+")
# Words in nearly every reply rule nothing out; a fragment shorter than this neither.
# fmt: off
_COMMON = frozenset(
    {
        "i", "we", "you", "the", "our", "your", "their", "and", "for", "with", "have", "has",
        "may", "can", "could", "will", "would", "get", "not", "this", "that", "it", "its",
        "it's", "are", "was", "is", "be", "to", "a", "an", "of", "in", "on", "at", "me", "my",
        "us",
    }
)
# fmt: on
_MIN_FRAGMENT = 3


@dataclass(frozen=True)
class Triggers:
    """Any of `words` among the draft's words, or any of `fragments` in its text."""

    words: frozenset[str] = frozenset()
    fragments: frozenset[str] = frozenset()

    def strength(self) -> tuple[int, int]:
        # Pure word triggers are the cheapest to test; then the shortest member decides.
        members = [*self.words, *self.fragments]
        shortest = min((1 if m in _COMMON else len(m) for m in members), default=0)
        return (0 if self.fragments else 1, shortest)

    def usable(self) -> bool:
        if not (self.words or self.fragments):
            return False
        if any(w in _COMMON for w in self.words):
            return False
        return all(len(f) >= _MIN_FRAGMENT for f in self.fragments)

    def __or__(self, other: Triggers) -> Triggers:
        return Triggers(self.words | other.words, self.fragments | other.fragments)

    def members(self) -> frozenset[str]:
        return self.words | self.fragments


def _run_triggers(run: str, left: bool, right: bool) -> Triggers:
    """Triggers from a literal run; its end pieces are whole words only at a boundary."""
    pieces = _SPLIT.split(run)
    whole = [
        piece
        for i, piece in enumerate(pieces)
        if piece and (i > 0 or left) and (i < len(pieces) - 1 or right)
    ]
    rare = [piece for piece in whole if piece not in _COMMON]
    if rare:
        return Triggers(words=frozenset({max(rare, key=len)}))
    return Triggers(fragments=frozenset({run}))


def _best(candidates: list[Triggers]) -> Triggers | None:
    usable = [c for c in candidates if c.usable()]
    return max(usable, key=Triggers.strength) if usable else None


def _is_gap(item: Any) -> bool:
    """A literal that cannot be part of a word: what bounds a neighbouring group."""
    op, arg = item
    return op is sre_c.LITERAL and not (chr(arg).isalnum() or chr(arg) == "_")


def _edge(items: list[Any], at_start: bool) -> bool | None:
    """Does every way through `items` begin (or end) with a non-word character? True or
    False; None when a way through may consume nothing, so what lies beyond decides."""
    for op, arg in items if at_start else reversed(items):
        if op is sre_c.LITERAL:
            return _is_gap((op, arg))
        if op is sre_c.IN:
            return all(o is sre_c.LITERAL and _is_gap((o, a)) for o, a in arg)
        if op is sre_c.SUBPATTERN:
            inner = _edge(list(arg[-1]), at_start)
        elif op is sre_c.BRANCH:
            ways = [_edge(list(branch), at_start) for branch in arg[1]]
            inner = False if False in ways else (None if None in ways else True)
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
            inner = _edge(list(arg[2]), at_start)
            if inner is True and arg[0] == 0:
                inner = None  # absent or gap-edged: look further
        elif op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            inner = None  # consumes nothing
        else:
            return False
        if inner is not None:
            return inner
    return None


def _bounded_after(items: list[Any], index: int, right: bool) -> bool:
    edge = _edge(items[index + 1 :], at_start=True)
    return right if edge is None else edge


def _bounded_before(items: list[Any], index: int, left: bool) -> bool:
    edge = _edge(items[:index], at_start=False)
    return left if edge is None else edge


def _sequence(items: Any, left: bool, right: bool) -> Triggers | None:
    """Triggers of a sequence. `left`/`right`: is it bounded by a non-word character (or
    the pattern's edge) on that side? Only then is a literal at that end a whole word."""
    return _best(_candidates(items, left, right))


def _candidates(items: Any, left: bool, right: bool) -> list[Triggers]:
    """What each part of a sequence that every match goes through requires: each one is
    a condition every match meets (`_sequence` picks the best one)."""
    items = list(items)
    candidates: list[Triggers] = []
    run: list[str] = []
    run_left = left
    for index, (op, arg) in enumerate(items):
        if op is sre_c.LITERAL:
            if not run:
                run_left = _bounded_before(items, index, left)
            run.append(chr(arg).lower())
            continue
        if run:
            run_right = _bounded_after(items, index - 1, right)
            candidates.append(_run_triggers("".join(run), run_left, run_right))
            run = []
        before = _bounded_before(items, index, left)
        after = _bounded_after(items, index, right)
        inner = _item(op, arg, before, after)
        if inner is not None:
            candidates.append(inner)
    if run:
        candidates.append(_run_triggers("".join(run), run_left, right))
    return candidates


def _item(op: Any, arg: Any, left: bool, right: bool) -> Triggers | None:
    if op is sre_c.SUBPATTERN:
        return _sequence(arg[-1], left, right)
    if op is sre_c.BRANCH:
        union = Triggers()
        for branch in arg[1]:
            found = _sequence(branch, left, right)
            if found is None:
                return None
            union = union | found
        return union
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and arg[0] >= 1:
        return _sequence(arg[2], False, False)
    return None


def triggers(pattern: str) -> Triggers | None:
    """What every match of `pattern` must contain; None when nothing literal is required."""
    return _sequence(sre_parse.parse(pattern), True, True)


def analyse(pattern: str) -> tuple[Triggers | None, list[frozenset[str]]]:
    """The trigger of `pattern` (as `triggers`) and, parsed once, the further words its
    top-level sequence needs: each a set of which every match holds one as a whole word
    (through a group wrapping the whole pattern). A draft lacking any such set cannot
    match, so the pattern is not run for it, although its trigger is there."""
    items = list(sre_parse.parse(pattern))
    while len(items) == 1 and items[0][0] is sre_c.SUBPATTERN:
        items = list(items[0][1][-1])
    candidates = _candidates(items, True, True)
    best = _best(candidates)
    # Words only: a fragment costs every draft a substring search, a word nothing.
    needs = [c.words for c in candidates if c is not best and c.usable() and not c.fragments]
    return best, needs


Analysis = tuple[Triggers | None, list[frozenset[str]]]
# The analysis of every alternative in the shipped packs and lexicon, worked out once by
# `python -m frontliner.coach.trigger_cache` and shipped: parsing ~1,000 alternatives
# was two thirds of loading the packs. A test keeps it current; an alternative that is
# not in it (an organisation pack, an edited rule) is simply analysed when loaded.
SHIPPED = Path(__file__).with_name("triggers.json")
# Every alternative a phrase set was built from in this process (for writing SHIPPED).
parts_seen: set[str] = set()


@lru_cache(maxsize=1)
def shipped() -> dict[str, Analysis]:
    try:
        data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing or broken: everything is analysed at load, only slower
    return {part: _from_json(entry) for part, entry in data["alternatives"].items()}


def analysis_of(part: str) -> Analysis:
    parts_seen.add(part)
    found = shipped().get(part)
    return analyse(part) if found is None else found


def to_json(analysis: Analysis) -> dict[str, Any] | None:
    found, needs = analysis
    if found is None:
        return None
    return {
        "words": sorted(found.words),
        "fragments": sorted(found.fragments),
        "needs": [sorted(words) for words in needs],
    }


def _from_json(entry: dict[str, Any] | None) -> Analysis:
    if entry is None:
        return None, []
    found = Triggers(frozenset(entry["words"]), frozenset(entry["fragments"]))
    return found, [frozenset(words) for words in entry["needs"]]


def split_top(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern, so each gets its own triggers."""
    parts: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


# --- how wide a match can be ----------------------------------------------------------

_WORD_CATEGORIES = frozenset({sre_c.CATEGORY_WORD, sre_c.CATEGORY_UNI_WORD,
                              sre_c.CATEGORY_DIGIT, sre_c.CATEGORY_UNI_DIGIT})
_IS_WORD = re.compile(r"\w")


def width(pattern: str) -> tuple[int, int] | None:
    """The widest match of `pattern` as (characters, word runs): at most `characters`
    plus `word runs` times the longest run of word characters in the text. An unbounded
    repeat of word characters (`\\w+`, `[a-z]*`) is one word run, since it cannot go
    past the end of a word; None when a match can be as wide as the text (`.*`, `\\S+`)."""
    return _width(sre_parse.parse(pattern))


def _width(items: Any) -> tuple[int, int] | None:
    chars = runs = 0
    for op, arg in items:
        if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            continue  # consumes nothing
        if op in (sre_c.LITERAL, sre_c.NOT_LITERAL, sre_c.ANY, sre_c.IN):
            chars += 1
            continue
        if op is sre_c.SUBPATTERN:
            inner = _width(arg[-1])
        elif op is sre_c.ATOMIC_GROUP:
            inner = _width(arg)
        elif op is sre_c.BRANCH:
            ways = [_width(branch) for branch in arg[1]]
            if any(way is None for way in ways):
                return None
            inner = (max(w[0] for w in ways if w), max(w[1] for w in ways if w))
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
            inner = _repeat_width(arg)
        else:
            return None  # a back-reference or a conditional: not worth bounding
        if inner is None:
            return None
        chars, runs = chars + inner[0], runs + inner[1]
    return chars, runs


def _repeat_width(arg: Any) -> tuple[int, int] | None:
    _low, high, body = arg
    if high is not sre_c.MAXREPEAT:
        inner = _width(body)
        return None if inner is None else (inner[0] * high, inner[1] * high)
    return (0, 1) if _word_characters(list(body)) else None


def _word_characters(body: list[Any]) -> bool:
    """Is `body` a single character that is always a word character?"""
    if len(body) != 1:
        return False
    op, arg = body[0]
    if op is sre_c.LITERAL:
        return _IS_WORD.match(chr(arg)) is not None
    if op is not sre_c.IN:
        return False
    for item_op, item in arg:
        if item_op is sre_c.LITERAL:
            ok = _IS_WORD.match(chr(item)) is not None
        elif item_op is sre_c.RANGE:
            low, high = item
            ok = high - low < 1000 and all(
                _IS_WORD.match(chr(c)) for c in range(low, high + 1)
            )
        elif item_op is sre_c.CATEGORY:
            ok = item in _WORD_CATEGORIES
        else:
            ok = False  # NEGATE and anything else
        if not ok:
            return False
    return True


def required(pattern: str) -> list[frozenset[str]]:
    """Sets of literal strings of which every match of `pattern` holds one, as written
    (so a text of another case may hold none and still match: used on lower-cased text
    with lower-case patterns only; a part that ignores case requires nothing here)."""
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return []
    return _required(list(parsed))


def _required(items: list[Any]) -> list[frozenset[str]]:
    groups: list[frozenset[str]] = []
    run: list[str] = []
    for op, arg in items:
        if op is sre_c.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            groups.append(frozenset({"".join(run)}))
            run = []
        if op is sre_c.SUBPATTERN and not arg[1] & re.IGNORECASE:
            groups += _required(list(arg[-1]))
        elif op is sre_c.ATOMIC_GROUP:
            groups += _required(list(arg))
        elif op is sre_c.BRANCH:
            groups += _one_of(arg[1])
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT) and arg[0] >= 1:
            groups += _required(list(arg[2]))
    if run:
        groups.append(frozenset({"".join(run)}))
    return groups


def _one_of(branches: list[Any]) -> list[frozenset[str]]:
    """A choice requires one of its branches' strings (each branch's most telling set)."""
    union: set[str] = set()
    for branch in branches:
        inner = _required(list(branch))
        if not inner:
            return []
        union |= max(inner, key=lambda group: min(map(len, group)))
    return [frozenset(union)]
