"""Which cases are about the same problem, said in different words.

A problem's *words* are the stems of what it says, without the words that say nothing
about WHICH problem it is ("my", "after a week", "again", "please"): "the jug of my
blender cracked", "cracked blender jug" and "Blender jug has a crack in it after a week"
all come down to {blender, crack, jug}. Order does not matter (a set), inflections meet
(Snowball's English stemmer: cracked, cracks, cracking -> crack), and extra words are
allowed because cases group on a shared *core*, not on equal word sets.

A core is a set of words with at least two *specific* ones (not generic words such as
"order", "account", "delivery" or a negation), that covers most of each case it
groups: three or more shared words always qualify; two must be at least half of the
case's words. So "order cancelled" and "order late" never meet on "order", "settings
won't save" and "password change not saving" not on "not save", and "Blender jug
cracked and leaks" still joins {blender, crack, jug}.

Storage keeps, per case, the *pairs* of its words (`pair_keys`): a pair shared by N
recent cases is cheap to find with an indexed GROUP BY, and every core contains only
such pairs, so `group_cases` only ever looks at cases that share a frequent pair.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import combinations

import snowballstemmer

MAX_WORDS = 8  # the first words of a long nature carry its problem
MAX_TITLE = 300
MAX_WORD = 40  # a pair of words fits its 100-character column
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NEGATION = "not"  # "didn't", "never", "no", "cannot" all mean the same here

# Words that say nothing about which problem it is: function words, greetings, time and
# intensity ("after a week", "really", "again").
_STOPWORD_TEXT = """
    a about above after again against ago all already also always am an and any are as
    at be because been before being below between both but by can could did do does
    doing down during each even ever every few for from further had has have having he
    her here hers him his how i if in into is it its itself just last lately me more
    most my myself now of off on once only or other our ours out over own please really
    recently same she should since so some soon still such than that the their theirs
    them then there these they this those through to today too under until up upon us
    very was we were what when where which while who whom why will with would yesterday
    yet you your yours week weeks day days month months year years hour hours minute
    minutes time times morning evening night tonight tomorrow monday tuesday wednesday
    thursday friday saturday sunday hi hello hey dear thanks thank regards cheers sorry
    anyone someone totally completely absolutely literally actually basically seriously
    simply quite keep keeps kept make makes made brand got get gets getting went go goes
    going want wanted need needs
    """
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_NEGATIONS = frozenset({"no", "not", "never", "cannot", "nothing", "none", "nobody"})
# Words too common to tell problems apart on their own: a core needs one word besides them.
_GENERIC_WORDS = """order account delivery deliver item product package parcel service app
    application website site web online problem issue thing stuff customer support company
    email mail phone call purchase help something anything everything one new use used"""
_IRREGULAR = {"broken": "break", "broke": "break", "deliv": "deliveri", "bought": "buy",
              "sent": "send", "paid": "pay", "stolen": "steal", "stole": "steal",
              "lost": "lose", "wrote": "write", "written": "write", "gone": "go"}
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    stem = str(_STEMMER.stemWord(word))
    return _IRREGULAR.get(word, _IRREGULAR.get(stem, stem))


GENERIC = frozenset(_stem(w) for w in _GENERIC_WORDS.split()) | {_NEGATION}


@lru_cache(maxsize=16_384)  # the same recent natures are grouped on every console page
def problem_words(text: str) -> tuple[str, ...]:
    """The stems that say what the problem is, in the order they first appear (at most
    MAX_WORDS); numbers and filler are dropped, every negation becomes "not"."""
    found: list[str] = []
    for raw in _WORD.findall(text.lower().replace("\u2019", "'")):
        word = _NEGATION if raw in _NEGATIONS or raw.endswith("n't") else raw.split("'")[0]
        if word in _STOPWORDS or word.isdigit() or len(word) < 2:
            continue
        stem = word if word == _NEGATION else _stem(word)
        stem = stem[:MAX_WORD]
        if stem and stem not in found:
            found.append(stem)
            if len(found) == MAX_WORDS:
                break
    return tuple(found)


def signature(text: str) -> str:
    """The words, sorted and joined: equal for the same problem in another order."""
    return " ".join(sorted(problem_words(text)))


def pair_keys(words: Iterable[str]) -> list[str]:
    """Every pair of specific words, as "a b" with a < b: what storage indexes per case
    (every core holds at least one such pair)."""
    specific = sorted(set(words) - GENERIC)
    return [f"{a} {b}" for a, b in combinations(specific, 2)]


def covers(core: frozenset[str], words: frozenset[str]) -> bool:
    """Whether `core` is what a case with `words` is mostly about."""
    if len(core - GENERIC) < 2 or not core <= words:
        return False
    return len(core) >= 3 or 2 * len(core) >= len(words)


def core_keys(words: Sequence[str]) -> list[str]:
    """The keys of every core that covers these words (the words themselves first):
    the fire log keys a new case with these words belongs under."""
    own = frozenset(words)
    found = [" ".join(sorted(own))] if own else []
    for size in range(len(own) - 1, 1, -1):
        for subset in combinations(sorted(own), size):
            if covers(frozenset(subset), own):
                found.append(" ".join(subset))
    return found


@dataclass(frozen=True)
class SimilarCase:
    """What grouping needs to know of a recent case."""

    case_id: int
    ref: str
    nature: str
    opened_at: datetime


@dataclass(frozen=True)
class Group:
    """Cases about one problem: its core words (sorted, joined: the group's key)."""

    key: str
    cases: tuple[SimilarCase, ...]

    @property
    def title(self) -> str:
        """A name for the problem: the shortest way a customer put it."""
        return min((c.nature for c in self.cases), key=lambda n: (len(n), n))[:MAX_TITLE]


def group_cases(
    found: Sequence[SimilarCase], min_cases: int, frequent_pairs: Iterable[str] | None = None
) -> list[Group]:
    """The groups of at least `min_cases` cases that share a core, biggest first.

    Most specific cores first (more words, then more cases), so "blender jug crack" wins
    over "blender crack", which would also take in cracked lids. A case left over whose
    words all lie inside exactly one group's core ("jug cracked") joins that group.
    """
    words = {c.case_id: frozenset(problem_words(c.nature)) for c in found}
    pairs = None if frequent_pairs is None else set(frequent_pairs)
    linked = None if pairs is None else {w for key in pairs for w in key.split(" ")} | GENERIC
    cores_of: dict[frozenset[str], list[frozenset[str]]] = {}  # many cases say the same
    covered: dict[frozenset[str], list[SimilarCase]] = defaultdict(list)
    for case in found:
        own = words[case.case_id]
        if own not in cores_of:
            cores_of[own] = _cores_of(own, pairs, linked)
        for core in cores_of[own]:
            covered[core].append(case)
    ranked = sorted((core for core, cases in covered.items() if len(cases) >= min_cases),
                    key=lambda core: (-len(core), -len(covered[core]), sorted(core)))
    taken: set[int] = set()
    groups: list[tuple[frozenset[str], list[SimilarCase]]] = []
    for core in ranked:
        members = [c for c in covered[core] if c.case_id not in taken]
        if len(members) >= min_cases:
            groups.append((core, members))
            taken.update(c.case_id for c in members)
    for case in found:  # "jug cracked" says less than "blender jug crack", nothing else
        own = words[case.case_id]
        if case.case_id in taken or len(own - GENERIC) < 2:
            continue
        homes = [cases for core, cases in groups if own <= core]
        if len(homes) == 1:
            homes[0].append(case)
    result = [Group(" ".join(sorted(core)), tuple(sorted(cases, key=lambda c: c.opened_at)))
              for core, cases in groups]
    return sorted(result, key=lambda g: (-len(g.cases), g.key))


def _cores_of(words: frozenset[str], pairs: set[str] | None,
              linked: set[str] | None) -> list[frozenset[str]]:
    """Every core covering a case, built only from frequent pairs when those are known
    (`linked`: the words in any of them)."""
    usable = sorted(words)
    if linked is not None:
        usable = [w for w in usable if w in linked]
    cores = []
    for size in range(2, len(usable) + 1):
        for subset in combinations(usable, size):
            core = frozenset(subset)
            if covers(core, words) and (pairs is None or _all_pairs_in(subset, pairs)):
                cores.append(core)
    return cores


def _all_pairs_in(subset: tuple[str, ...], pairs: set[str]) -> bool:
    return all(f"{a} {b}" in pairs for a, b in combinations(subset, 2)
               if a not in GENERIC and b not in GENERIC)
