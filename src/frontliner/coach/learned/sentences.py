"""The reply model: which meaning rules each sentence of a draft breaks.

The rule packs find phrases; for the rules whose recall depends on meaning (a policy
given as the reason, blame, hollow empathy, guesses, arguing, refusals...) this model
decides. Each sentence of the agent's own words, as the rules see it (`text.prepare`:
quotes, links and sign-offs blanked), is cut into the features of `features.py` plus
marks of which rule phrases matched in it (`@policy`) and which refusal phrases were let
off because an alternative was near (`~cant`). Training (`reply_training.py`) makes the
inputs with the same `sentence_inputs`, so the model sees at run time what it learned on.

A rule is flagged in a sentence when the model's probability reaches the head's
threshold, or a lower one (`with_rule` in the model's meta) where that rule's own phrase
matched there: a phrase is evidence, and the model can still overrule it. The finding
points at the phrase when there is one, else at the whole sentence.

Speed: every head is scored in one pass over the features, through one merged table
(feature -> that feature's weight in each head) instead of one look-up per head. The
decisions on the last few thousand sentences are remembered: the composer checks a draft
again at every pause in typing, and replies built from prepared replies repeat sentences.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from frontliner.coach.learned.features import features
from frontliner.coach.learned.linear import Model
from frontliner.coach.text import Prepared

MODEL_NAME = "reply"
# The rule ids of DESIGN.md that are about what one sentence says; the others
# (no-apology, no-thanks, no-next-step, too-long) are about the whole reply.
SENTENCE_RULES = (
    "cant",
    "cant-help",
    "bare-no",
    "policy",
    "blame",
    "hollow-empathy",
    "feelings",
    "guess",
    "argue",
)
MATCHED = "@"  # mark: the rule's phrase matched in this sentence
LET_OFF = "~"  # mark: a refusal phrase matched but an alternative was offered near it
SENTENCES_KEPT = 4096  # decisions remembered per model (a sentence and its marks each)


@dataclass(frozen=True, slots=True)
class SentenceInput:
    """One sentence as the model reads it."""

    start: int
    end: int
    text: str
    marks: tuple[str, ...]


Spans = Mapping[str, Sequence[tuple[int, int]]]


def sentence_inputs(draft: Prepared, matched: Spans, let_off: Spans) -> list[SentenceInput]:
    """The draft's sentences with the marks of the rule phrases found in each
    (`matched` / `let_off`: rule id -> spans into the draft)."""
    marks: list[set[str]] = [set() for _ in draft.sentences]
    for prefix, spans in ((MATCHED, matched), (LET_OFF, let_off)):
        for rule, found in spans.items():
            for start, _end in found:
                marks[draft.sentence_at(start)].add(prefix + rule)
    return [
        SentenceInput(s.start, s.end, s.text, tuple(sorted(m)))
        for s, m in zip(draft.sentences, marks, strict=True)
    ]


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


class Judge:
    """The reply model, ready to score sentences: thresholds as margins (no exp per
    decision) and every head's weights merged into one table."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.chars = model.chars
        # A model trained without the phrase marks reads the words alone: the coach then
        # runs a rule's phrases only to point at them, in a reply the model flagged.
        self.uses_marks = bool(model.meta.get("marks", True))
        self.rules = tuple(r for r in SENTENCE_RULES if r in model.heads)
        heads = [model.heads[r] for r in self.rules]
        self.biases = tuple(h.bias for h in heads)
        self.cut = tuple(_logit(h.threshold) for h in heads)
        with_rule = model.meta.get("with_rule") or {}
        self.cut_with_rule = tuple(
            _logit(float(with_rule.get(r, h.threshold)))
            for r, h in zip(self.rules, heads, strict=False)
        )
        table: dict[str, list[float]] = {}
        for n, head in enumerate(heads):
            for feature, weight in head.weights.items():
                table.setdefault(feature, [0.0] * len(heads))[n] = weight
        self.table = {f: tuple(w) for f, w in table.items()}
        self._remembered = lru_cache(maxsize=SENTENCES_KEPT)(self._decide)

    @classmethod
    def load(cls, name_or_path: str = MODEL_NAME) -> Judge:
        return cls(Model.load(name_or_path))

    def margins(self, text: str, marks: tuple[str, ...] = ()) -> tuple[float, ...]:
        """Each head's log-odds for one sentence."""
        found = features(text, marks, self.chars)
        if not found:
            return self.biases
        scale = 1.0 / math.sqrt(len(found))
        rows = list(filter(None, map(self.table.get, found)))  # a row is never empty
        if not rows:
            return self.biases
        return tuple(
            b + sum(col) * scale
            for b, col in zip(self.biases, zip(*rows, strict=False), strict=False)
        )

    def probabilities(self, text: str, marks: tuple[str, ...] = ()) -> dict[str, float]:
        return {
            r: 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, m))))
            for r, m in zip(self.rules, self.margins(text, marks), strict=False)
        }

    def decide(self, text: str, marks: tuple[str, ...] = ()) -> list[str]:
        """The rules this sentence breaks (remembered: the decision is a pure function of
        the sentence and its marks)."""
        return list(self._remembered(text, marks))

    def forget(self) -> None:
        """Drop the remembered decisions (the speed bench measures without them too)."""
        self._remembered.cache_clear()

    def _decide(self, text: str, marks: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for rule, margin, cut, cut_with_rule in zip(
            self.rules, self.margins(text, marks), self.cut, self.cut_with_rule, strict=False
        ):
            if margin >= cut or (margin >= cut_with_rule and MATCHED + rule in marks):
                out.append(rule)
        return tuple(out)

    def judge(self, sentences: Iterable[SentenceInput]) -> list[tuple[SentenceInput, list[str]]]:
        return [(s, self.decide(s.text, s.marks)) for s in sentences]
