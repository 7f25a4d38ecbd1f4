"""A list of phrase patterns, matched fast.

Python's regex engine tries every alternative of a long alternation at every word of a
draft, which made one rule cost ~100 µs per reply. So each top-level alternative of a
pattern carries *triggers* worked out from its parsed form: words (or, failing that,
literal fragments) one of which every match must contain. A draft's words are collected
once; only the alternatives whose triggers occur are run, as one regex compiled for that
combination and cached. Rule authors keep writing plain regexes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from frontliner.coach.triggers import Triggers, analysis_of, split_top

# Words for triggers split at apostrophes too, so "courier's" holds the word "courier".
_WORDS = re.compile(r"\w+")
# Patterns are compiled without their leading word-boundary lookbehind, which would hide
# their first letters from the regex engine's fast scan (3-5x slower per pass); the
# boundary before a match is checked in Python instead (`_matches`).
_BOUNDED = r"(?:{})(?![\w'])"
# A pattern the engine has no first letters to scan for (it opens with an optional group,
# an assertion or a mix of groups) is tried at every character; there the lookbehind
# costs nothing and rules out the ~80% of positions inside a word at once.
_WORD_START = r"(?<![\w'])"
_WORD_CHAR = re.compile(r"[\w']")
# In ASCII text \w is [A-Za-z0-9_]: every other byte becomes a space and str.split() cuts
# the words out, a few times faster than a regex that builds one match per word.
_NOT_WORD_ASCII = bytes(
    b if chr(b).isalnum() or chr(b) == "_" else ord(" ") for b in range(128)
).ljust(256, b" ")
# Distinct sets of woken triggers remembered per phrase set.
MAX_WOKEN_SETS = 2048


class Registry:
    """Every trigger of a family of phrase sets (the reply rules, or the inbound lexicon).
    A text is checked against all of them once (a set intersection for words, a substring
    test per fragment); each alternative's liveness is then a single set test."""

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.fragments: list[str] = []

    def add(self, found: Triggers) -> None:
        self.words.update(found.words)
        for fragment in found.fragments:
            if fragment not in self.fragments:
                self.fragments.append(fragment)


RULES = Registry()
INBOUND = Registry()


def _words(text: str) -> list[str]:
    """The text's words, as `\\w+` finds them."""
    if text.isascii():
        return text.encode("ascii").translate(_NOT_WORD_ASCII).decode("ascii").split()
    return _WORDS.findall(text)


@dataclass(frozen=True)
class Scan:
    """One draft as the phrase sets see it: lower-cased text and its set of words."""

    lower: str
    present: frozenset[str]  # the triggers found in this draft
    word_count: int
    # Per draft, each phrase set's regex for it: computed once, however often asked.
    live: dict[int, list[re.Pattern[str]]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, lower: str, registry: Registry = RULES) -> Scan:
        tokens = _words(lower)
        fragments = [f for f in tuple(registry.fragments) if f in lower]
        present = frozenset(registry.words.intersection(tokens)).union(fragments)
        return cls(lower, present, len(tokens))


class PhraseSet:
    """Whole-word matching of a list of patterns against lower-cased text.

    Alternatives that require nothing literal run always, as one regex; the others each
    have their own regex, compiled the first time a draft holds one of their triggers
    (which keeps loading the packs fast), and run only for such drafts."""

    def __init__(self, patterns: list[str], registry: Registry = RULES) -> None:
        self.alternatives = [part for p in patterns for part in split_top(p)]
        always: list[str] = []
        self.triggered: list[tuple[frozenset[str], str]] = []
        # Per triggered alternative, the other word sets it needs (see `analyse`).
        self._needs: list[list[frozenset[str]]] = []
        for part in self.alternatives:
            # Parsing also rejects a bad pattern at load time (shipped ones are known good).
            found, needs = analysis_of(part)
            if found is None:
                always.append(part)
                continue
            registry.add(found)
            for words in needs:
                registry.add(Triggers(words=words))
            self.triggered.append((found.members(), part))
            self._needs.append(needs)
        self.always = _compile(always) if always else None
        self._compiled: dict[str, re.Pattern[str]] = {}
        # Which alternatives each trigger wakes, so a draft touches only its own.
        self._woken: dict[str, list[int]] = {}
        for number, (members, _part) in enumerate(self.triggered):
            for member in members:
                self._woken.setdefault(member, []).append(number)
        needed = {word for needs in self._needs for words in needs for word in words}
        self._members = frozenset(self._woken).union(needed)
        # The live regexes per set of woken triggers: drafts share a handful of such sets,
        # so after the first draft a lookup replaces the work of gathering them again.
        self._by_woken: dict[frozenset[str], list[re.Pattern[str]]] = {}

    def _regex(self, part: str) -> re.Pattern[str]:
        rx = self._compiled.get(part)
        if rx is None:
            rx = self._compiled[part] = _compile([part])
        return rx

    def _live(self, scan: Scan) -> list[re.Pattern[str]]:
        key = id(self)
        live = scan.live.get(key)
        if live is None:
            present = self._members.intersection(scan.present)
            live = self._by_woken.get(present)
            if live is None:
                live = self._gather(present)
            scan.live[key] = live
        return live

    def _gather(self, present: frozenset[str]) -> list[re.Pattern[str]]:
        woken = {n for m in present for n in self._woken.get(m, ())}
        live = [
            self._regex(self.triggered[n][1])
            for n in sorted(woken)
            if all(words & present for words in self._needs[n])
        ]
        if self.always is not None:
            live.append(self.always)
        if len(self._by_woken) >= MAX_WOKEN_SETS:
            self._by_woken.clear()  # bounded, whatever mix of drafts comes in
        self._by_woken[present] = live
        return live

    def spans(self, scan: Scan, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """Non-overlapping matches, leftmost first, the longer one on a tie."""
        text = scan.lower
        stop = len(text) if end is None else end
        found: list[tuple[int, int]] = []
        sources = 0
        for rx in self._live(scan):
            # Most regexes find nothing in a draft: one search says so, with no generator.
            if start <= stop and rx.search(text, start, stop) is not None:
                found.extend(_matches(rx, text, start, stop))
                sources += 1
        if sources < 2:
            return found  # one regex's matches are already in order and apart
        found.sort(key=lambda span: (span[0], -span[1]))
        kept: list[tuple[int, int]] = []
        for span in found:
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        return kept

    def search(self, scan: Scan, start: int = 0, end: int | None = None) -> bool:
        text = scan.lower
        stop = len(text) if end is None else end
        if start > stop:
            return False
        for rx in self._live(scan):
            # A first search that finds nothing settles it without a generator.
            found = rx.search(text, start, stop) is not None
            if found and next(_matches(rx, text, start, stop), None) is not None:
                return True
        return False


def _matches(rx: re.Pattern[str], text: str, start: int, stop: int) -> Iterator[tuple[int, int]]:
    r"""Like `rx.finditer`, keeping only matches that start a word: the same matches the
    lookbehind `(?<![\w'])` would have given."""
    pos = start
    while pos <= stop:
        m = rx.search(text, pos, stop)
        if m is None:
            return
        begin, end = m.span()
        if begin > 0 and _WORD_CHAR.match(text, begin - 1):
            pos = begin + 1
            continue
        yield begin, end
        pos = end if end > begin else begin + 1


def _compile(parts: list[str]) -> re.Pattern[str]:
    body = "|".join(f"(?:{p})" for p in parts)
    pattern = _BOUNDED.format(body)
    if not _scannable(sre_parse.parse(pattern, re.MULTILINE)):
        pattern = _WORD_START + pattern
    return re.compile(pattern, re.MULTILINE)


def _scannable(parsed: Any) -> bool:
    """Does the regex engine get first characters to scan for? A match must open with a
    literal, a character class or a choice of literals (the engine's own rule); a
    pattern that can match nothing gets none either."""
    if parsed.getwidth()[0] == 0:
        return False
    items = list(parsed)
    while items and items[0][0] is sre_c.SUBPATTERN:
        items = list(items[0][1][-1])
    if not items:
        return False
    op, arg = items[0]
    if op in (sre_c.LITERAL, sre_c.IN):
        return True
    if op is sre_c.BRANCH:
        return all(branch and branch[0][0] is sre_c.LITERAL for branch in arg[1])
    return False
