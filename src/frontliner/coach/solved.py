"""Does the customer say the problem is solved, or that it is not?

The words are data (`lexicons/solved.yml`, with its own examples); this module is the
small grammar that reads them in context:

- the message is cut into sentences, and sentences into clauses (at commas, "but",
  "though", "and then" ...);
- a match in a clause that is hypothetical or reported ("let me know when it's fixed",
  "you said it was sorted") says nothing;
- a "solved" match right after a negation ("I don't think that fixed it") means not
  solved;
- a question says nothing ("is it fixed yet?"), except a why-question, which presumes
  the fault ("why is it still not working?");
- the last clause that says anything decides, and within a clause "not solved" wins:
  "it was still broken yesterday, but it works now" is solved; "thanks, but it still
  fails" is not.

The reading only offers the agent a button or a label; nothing closes on its own.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from frontliner.coach.phrases import INBOUND, PhraseSet, Scan

LEXICON = Path(__file__).with_name("lexicons") / "solved.yml"
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")
_CLAUSE_BREAK = re.compile(
    r",|;|:|\s[-\u2013\u2014]\s|\b(?:but|though|although|however|except|whereas|and then)\b")
_WHY = re.compile(r"^\W*(?:(?:so|and|but|then|ok|okay|hi|hello|sorry),?\s+)?(?:why|how come)\b")
_WORD = re.compile(r"[\w']+")
_NEGATORS = frozenset({
    "not", "no", "never", "nothing", "hardly", "barely", "nowhere", "cannot", "dont",
    "doesnt", "didnt", "isnt", "wasnt", "hasnt", "havent", "wont", "cant", "couldnt",
    "wouldnt", "arent", "werent", "nope",
})
NEGATION_WINDOW = 3  # words before a "solved" match that may negate it


@dataclass(frozen=True)
class SolvedLexicon:
    solved: PhraseSet
    not_solved: PhraseSet
    unreal: PhraseSet


_MACRO = re.compile(r"\{([a-z_]+)\}")


def _expand(pattern: str, macros: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(1) not in macros:
            raise ValueError(f"solved lexicon: unknown macro {match.group()}")
        return macros[match.group(1)]

    return _MACRO.sub(one, pattern)


@lru_cache(maxsize=1)
def lexicon() -> SolvedLexicon:
    data: dict[str, Any] = yaml.safe_load(LEXICON.read_text("utf-8"))
    macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}

    def phrases(name: str) -> PhraseSet:
        patterns = [_expand(str(p), macros) for p in data[name]]
        if not patterns:
            raise ValueError(f"solved lexicon: {name} is empty")
        return PhraseSet(patterns, INBOUND)

    return SolvedLexicon(phrases("solved"), phrases("not_solved"), phrases("unreal"))


@dataclass(frozen=True)
class _Clause:
    start: int
    end: int
    question: bool  # in a question that is not a why-question
    why: bool  # in a why-question


def _clauses(text: str) -> list[_Clause]:
    found: list[_Clause] = []
    for sentence in _SENTENCE.finditer(text):
        body = sentence.group()
        if not body.strip():
            continue
        ends = body.rstrip()
        question = ends.endswith("?") and "!" not in ends[-3:]
        why = question and bool(_WHY.match(body))
        cuts = [sentence.start()] + [sentence.start() + m.start()
                                     for m in _CLAUSE_BREAK.finditer(body)] + [sentence.end()]
        found += [_Clause(a, b, question and not why, why)
                  for a, b in itertools.pairwise(cuts) if b > a]
    return found


_MODALS = frozenset({"do", "does", "did", "is", "was", "has", "have", "had", "wo", "ca",
                     "could", "would", "should", "are", "were"})  # before n't


def _negated(before: str) -> bool:
    words = [w.replace("'", "") for w in _WORD.findall(before)][-NEGATION_WINDOW:]
    return any(w in _NEGATORS or (w.endswith("nt") and w[:-2] in _MODALS) for w in words)


def read_solved(scan: Scan) -> tuple[bool, bool]:
    """(confirms_solved, not_solved) for one customer message, already scanned."""
    lex = lexicon()
    solved, failed = lex.solved.spans(scan), lex.not_solved.spans(scan)
    if not solved and not failed:
        return False, False
    text = scan.lower
    unreal = [start for start, _ in lex.unreal.spans(scan)]
    verdicts: dict[int, bool] = {}  # clause number -> says solved (False: not solved)
    clauses = _clauses(text)

    def clause_of(position: int) -> int:
        return next((n for n, c in enumerate(clauses) if c.start <= position < c.end),
                    len(clauses) - 1)

    spans = [(s, e, True) for s, e in solved] + [(s, e, False) for s, e in failed]
    for start, end, is_solved in spans:
        first = clause_of(start)
        clause = clauses[first]
        if clause.question or (clause.why and is_solved):
            continue
        if any(clause.start <= u < start for u in unreal):
            continue
        says_solved = is_solved and not _negated(text[clause.start:start])
        # A match running on into later clauses speaks for them too ("worked for a day
        # and then stopped": the stopping is in the last clause).
        for number in range(first, clause_of(max(start, end - 1)) + 1):
            verdicts[number] = verdicts.get(number, True) and says_solved
    if not verdicts:
        return False, False
    last = verdicts[max(verdicts)]
    return last, not last
