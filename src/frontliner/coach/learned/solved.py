"""The learned reading of "it is solved" / "it is not solved", combined with the rules'.

The rules (`coach/solved.py`, words in `lexicons/solved.yml`) read the words in context;
the shipped model (`models/solved.model.gz`, trained by `bench/train_solved.py`, card in
docs/coach-models.md) weighs the message's words together with what the rules concluded.
They are combined so that `confirms_solved` stays precise (a wrong one offers the agent
to record a confirmation the customer never gave, and a case could be closed on it):

- confirms_solved: the rules' reading when the model does not doubt it (p >= `keep`),
  or the model alone when it is sure (p >= the head's threshold); never together with
  not_solved;
- not_solved: the rules' reading when the model does not doubt it (p >= `keep`), or the
  model alone at its head's threshold.

The thresholds were chosen by 5-fold cross-validation on the labelled part outside the
held-out one. The model is loaded on first use, not at import (a process that never
reads a customer's message never loads it). Without a shipped model the rules' reading
stands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from frontliner.coach.learned.linear import SHIPPED, Model
from frontliner.coach.model import Reading

NAME = "solved"
HEADS = ("confirms_solved", "not_solved")
RULE_SOLVED = "rule:solved"
RULE_NOT_SOLVED = "rule:not-solved"


@dataclass(frozen=True)
class Combination:
    """How the model and the rules are combined (see the module docstring): the model's
    probability at which a rule's finding stands (`keep_*`) and at which the model says
    so alone (`add_*`)."""

    keep_solved: float = 0.2
    add_solved: float = 0.9
    keep_not: float = 0.1
    add_not: float = 0.6

    def thresholds(self) -> dict[str, float]:
        return {"confirms_solved": self.add_solved, "not_solved": self.add_not}

    def meta(self) -> dict[str, float]:
        return {"keep_solved": self.keep_solved, "keep_not": self.keep_not}

    @classmethod
    def of(cls, model: Model) -> Combination:
        meta = model.meta
        return cls(
            keep_solved=float(meta.get("keep_solved", cls.keep_solved)),
            add_solved=model.heads["confirms_solved"].threshold,
            keep_not=float(meta.get("keep_not", cls.keep_not)),
            add_not=model.heads["not_solved"].threshold,
        )


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


def marks(confirms: bool, not_solved: bool) -> tuple[str, ...]:
    """The rules' reading as features for the model (training adds the same ones)."""
    return (RULE_SOLVED,) * confirms + (RULE_NOT_SOLVED,) * not_solved


@lru_cache(maxsize=4)
def load(name: str = NAME) -> Model | None:
    """The shipped solved model (loaded once per process), or a model file by path;
    None if the package ships none."""
    path = SHIPPED / f"{NAME}.model.gz" if name == NAME else None
    if path is not None and not path.exists():
        return None
    model = Model.load(path or name)
    return model if set(HEADS) <= set(model.heads) else None


_COMBINATIONS: dict[int, tuple[Model, Combination]] = {}


def _combination(model: Model) -> Combination:
    """The model's combination, worked out once per model (the model is kept with it, so
    its id cannot be reused by another object)."""
    kept = _COMBINATIONS.get(id(model))
    if kept is None or kept[0] is not model:
        kept = _COMBINATIONS[id(model)] = (model, Combination.of(model))
    return kept[1]


def combine(
    p_solved: float, p_not: float, rules_solved: bool, rules_not: bool, how: Combination
) -> tuple[bool, bool]:
    """(confirms_solved, not_solved) from the model's probabilities and the rules."""
    not_solved = (rules_not and p_not >= how.keep_not) or p_not >= how.add_not
    solved = (rules_solved and p_solved >= how.keep_solved) or p_solved >= how.add_solved
    return solved and not not_solved, not_solved


def probabilities(
    model: Model, message: str, rules_solved: bool, rules_not: bool
) -> dict[str, float]:
    """What `model.probabilities(message, marks(...))` gives, without copying the
    message's features to add the marks: the features are the customer model's, already
    worked out for this message (`features._own`), and the marks are weighed beside them."""
    found = model.features_of(message)
    extra = marks(rules_solved, rules_not)
    scale = 1.0 / math.sqrt(len(found) + len(extra))
    known = found & model.vocabulary
    out = {}
    for name in HEADS:
        head = model.heads[name]
        marked = sum(head.weights.get(mark, 0.0) for mark in extra) if extra else 0.0
        out[name] = _sigmoid(head.margin(known, scale) + marked * scale)
    return out


def decide(message: str, reading: Reading, trained: Model | str | None = NAME) -> Reading:
    """The reading with `confirms_solved` and `not_solved` decided by the model (module
    docstring); `trained`: the shipped model by default, another one, or None (rules)."""
    rules_solved, rules_not = reading.confirms_solved, reading.not_solved
    model = load(trained) if isinstance(trained, str) else trained
    if model is None:
        return reading
    p = probabilities(model, message, rules_solved, rules_not)
    solved, not_solved = combine(
        p["confirms_solved"], p["not_solved"], rules_solved, rules_not, _combination(model)
    )
    if (solved, not_solved) == (rules_solved, rules_not):
        return reading
    return replace(reading, confirms_solved=solved, not_solved=not_solved)
