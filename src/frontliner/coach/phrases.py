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

from frontliner.coach.triggers import Triggers, analysis_of, required, split_top, width

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
# Distinct words whose triggers a registry remembers (a few hundred bytes each).
MAX_WORDS_KNOWN = 50_000
# Marks a fragment's word piece found inside a word (no trigger word starts with it).
PIECE = "\0"
_NON_WORD = re.compile(r"\W+")
_SPACE = frozenset({" "})


class Registry:
    """Every trigger of a family of phrase sets (the reply rules, or the inbound lexicon).
    A text is checked against all of them once; each alternative's liveness is then a
    single set test.

    Drafts share most of their words, so what each distinct word holds is remembered:
    whether it is a trigger word, and which word pieces of the fragments it contains. A
    fragment lies inside the text only if each of its pieces (its runs of word characters)
    lies inside one of the text's words, so most fragments are settled without searching
    the text; the rest are searched as before. The result is the same set either way."""

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.fragments: list[str] = []
        # Per distinct word: the trigger word itself if it is one, and PIECE + each
        # fragment piece it contains. Rebuilt when a trigger is added (at load).
        self._by_word: dict[str, frozenset[str]] = {}
        self._boring: set[str] = set()  # words that are no trigger and hold no piece
        self._pieces: tuple[str, ...] = ()
        self._whole: frozenset[str] = frozenset()  # PIECE + fragments that are one piece
        self._searched: tuple[tuple[str, frozenset[str]], ...] = ()  # the others

    def add(self, found: Triggers) -> None:
        new_words = not found.words <= self.words
        self.words.update(found.words)
        new_fragments = [f for f in found.fragments if f not in self.fragments]
        self.fragments.extend(new_fragments)
        if new_words or new_fragments:
            self._plan()

    def _plan(self) -> None:
        self._by_word, self._boring = {}, set()
        pieces: set[str] = set()
        whole: set[str] = set()
        searched: list[tuple[str, frozenset[str]]] = []
        for fragment in self.fragments:
            parts = [p for p in _NON_WORD.split(fragment) if p]
            pieces.update(parts)
            if parts == [fragment]:
                whole.add(PIECE + fragment)
            else:
                searched.append((fragment, frozenset(PIECE + p for p in parts)))
        self._pieces = tuple(sorted(pieces))
        self._whole = frozenset(whole)
        self._searched = tuple(searched)

    def _word(self, word: str) -> frozenset[str]:
        found = [PIECE + piece for piece in self._pieces if piece in word]
        if word in self.words:
            found.append(word)
        return frozenset(found)

    def present(self, lower: str, tokens: list[str]) -> frozenset[str]:
        """The trigger words and fragments in a text (`tokens`: its words)."""
        known, boring = self._by_word, self._boring
        words = set(tokens).difference(boring)
        missing = words.difference(known)
        if missing:
            if len(known) + len(boring) > MAX_WORDS_KNOWN:
                # Bounded: new tables, never ones emptied under another thread's feet.
                known, boring = self._by_word, self._boring = {}, set()
                missing = words
            for word in missing:
                found_in_word = self._word(word)
                if found_in_word:
                    known[word] = found_in_word
                else:
                    boring.add(word)
            words.difference_update(boring)
        found: set[str] = set().union(*map(known.__getitem__, words))
        present = [f[len(PIECE) :] for f in self._whole.intersection(found)]
        present += [f for f, parts in self._searched if parts <= found and f in lower]
        return frozenset(self.words.intersection(found)).union(present)


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
    longest: int  # the longest run of word characters (a word): how far `\w+` can reach
    # Per draft, each phrase set's regexes for it, each with where its matches can start
    # at the earliest: computed once, however often asked.
    live: dict[int, list[tuple[re.Pattern[str], int]]] = field(
        default_factory=dict, compare=False
    )

    @classmethod
    def of(cls, lower: str, registry: Registry = RULES) -> Scan:
        tokens = _words(lower)
        longest = max(map(len, tokens), default=0)
        return cls(lower, registry.present(lower, tokens), len(tokens), longest)


@dataclass(frozen=True, slots=True)
class Reach:
    """Where the matches of one alternative can start in a draft. Each match holds a
    string of every group (its trigger, the word sets it needs, the literals it spells
    out: `triggers.required`), so a draft lacking one has no match; and when a match is
    at most `wide` = (characters, word runs) wide (`triggers.width`), none starts more
    than that before the place where the last group first appears. The regex is then
    searched from there, not over the whole draft, with the same matches."""

    wide: tuple[int, int] | None
    groups: tuple[frozenset[str], ...]

    @classmethod
    def of(cls, part: str, groups: tuple[frozenset[str], ...] = ()) -> Reach:
        spelt = [g for g in required(part) if g != _SPACE]
        return cls(width(part), tuple(dict.fromkeys((*groups, *spelt))))

    def earliest(self, scan: Scan) -> int:
        """The first position a match can start at; past the draft's end if none can."""
        find = scan.lower.find
        needed = 0
        for group in self.groups:
            # `find` may land inside a longer word, earlier than the member itself: safe.
            first = min([at for at in map(find, group) if at >= 0], default=-1)
            if first < 0:
                return len(scan.lower) + 1
            needed = max(needed, first)
        if self.wide is None:
            return 0
        return max(0, needed - self.wide[0] - self.wide[1] * scan.longest)


# The live regexes for a set of woken triggers, each from position 0, and (when some can
# be searched from further on) each one's reach.
Woken = tuple[list[tuple[re.Pattern[str], int]], list["Reach | None"] | None]


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
        self._compiled: dict[int, tuple[re.Pattern[str], Reach | None]] = {}
        # Which alternatives each trigger wakes, so a draft touches only its own.
        self._woken: dict[str, list[int]] = {}
        for number, (members, _part) in enumerate(self.triggered):
            for member in members:
                self._woken.setdefault(member, []).append(number)
        needed = {word for needs in self._needs for words in needs for word in words}
        self._members = frozenset(self._woken).union(needed)
        # The live regexes per set of woken triggers: drafts share a handful of such sets,
        # so after the first draft a lookup replaces the work of gathering them again.
        self._by_woken: dict[frozenset[str], Woken] = {}
        self._asleep: list[tuple[re.Pattern[str], int]] = (
            [(self.always, 0)] if self.always is not None else []
        )

    def _regex(self, number: int) -> tuple[re.Pattern[str], Reach | None]:
        members, part = self.triggered[number]
        compiled = self._compiled.get(number)
        if compiled is None:
            rx = _compile([part])
            reach = None
            # Only a regex the engine tries at every character is worth narrowing: one
            # with first letters to scan for is already fast.
            if rx.pattern.startswith(_WORD_START):
                reach = Reach.of(part, (members, *self._needs[number]))
            compiled = self._compiled[number] = (rx, reach)
        return compiled

    def _live(self, scan: Scan) -> list[tuple[re.Pattern[str], int]]:
        key = id(self)
        live = scan.live.get(key)
        if live is None:
            present = self._members.intersection(scan.present)
            if not present:
                live = scan.live[key] = self._asleep  # nothing woken (most sets, most drafts)
                return live
            woken = self._by_woken.get(present)
            if woken is None:
                woken = self._gather(present)
            live, reaching = woken
            if reaching:
                live = [
                    (rx, 0 if reach is None else reach.earliest(scan))
                    for (rx, _), reach in zip(live, reaching, strict=True)
                ]
            scan.live[key] = live
        return live

    def _gather(self, present: frozenset[str]) -> Woken:
        woken = {n for m in present for n in self._woken.get(m, ())}
        chosen = [
            self._regex(n)
            for n in sorted(woken)
            if all(words & present for words in self._needs[n])
        ]
        if self.always is not None:
            chosen.append((self.always, None))
        live = [(rx, 0) for rx, _reach in chosen]
        reaching = [reach for _rx, reach in chosen]
        result = (live, reaching if any(reaching) else None)
        if len(self._by_woken) >= MAX_WOKEN_SETS:
            self._by_woken.clear()  # bounded, whatever mix of drafts comes in
        self._by_woken[present] = result
        return result

    def spans(self, scan: Scan, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """Non-overlapping matches, leftmost first, the longer one on a tie."""
        live = self._live(scan)
        if not live:
            return []
        text = scan.lower
        stop = len(text) if end is None else end
        found: list[tuple[int, int]] = []
        sources = 0
        for rx, earliest in live:
            begin = start if start >= earliest else earliest
            # Most regexes find nothing in a draft: one search says so, with no generator.
            if begin <= stop and rx.search(text, begin, stop) is not None:
                found.extend(_matches(rx, text, begin, stop))
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
        for rx, earliest in self._live(scan):
            begin = start if start >= earliest else earliest
            if begin > stop:
                continue
            # A first search that finds nothing settles it without a generator.
            found = rx.search(text, begin, stop) is not None
            if found and next(_matches(rx, text, begin, stop), None) is not None:
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
