"""Precision, recall and F1 of a model's decisions, with 95% Wilson intervals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Z95 = 1.959964


def wilson(successes: int, trials: int) -> tuple[float, float] | None:
    """95% Wilson score interval of a proportion; None with no trials."""
    if trials == 0:
        return None
    p = successes / trials
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = Z95 * ((p * (1 - p) + z2 / (4 * trials)) / trials) ** 0.5 / (1 + z2 / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "support": self.tp + self.fn,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "precision_ci": wilson(self.tp, self.tp + self.fp),
            "recall_ci": wilson(self.tp, self.tp + self.fn),
        }


def scores(gold: Sequence[bool], predicted: Sequence[bool]) -> Scores:
    pairs = list(zip(gold, predicted, strict=True))
    return Scores(
        tp=sum(g and p for g, p in pairs),
        fp=sum(p and not g for g, p in pairs),
        fn=sum(g and not p for g, p in pairs),
        tn=sum(not g and not p for g, p in pairs),
    )


def evaluate(
    model: Any, texts: Sequence[str], gold: Sequence[bool], head: str | None = None
) -> Scores:
    """How `model`'s decisions on `texts` agree with `gold`."""
    return scores(gold, model.predict(texts, head))
