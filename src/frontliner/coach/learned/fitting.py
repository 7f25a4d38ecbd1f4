"""Train on the labelled examples outside the held-out part and score on the held-out
part: what `frontliner coach train` and `bench/train_coach.py` print."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from frontliner.coach.learned.examples import Examples, is_holdout
from frontliner.coach.learned.linear import Model
from frontliner.coach.learned.metrics import Scores, scores
from frontliner.coach.learned.training import Settings, train

MIN_PER_CLASS = 3  # a head with fewer training texts of either kind is not trained


@dataclass(frozen=True)
class Fitted:
    model: Model
    heldout: dict[str, Scores]  # head -> scores on the held-out texts labelled for it
    skipped: dict[str, str] = field(default_factory=dict)  # head -> why it was not trained
    trained_on: int = 0
    held_out: int = 0


def _trainable(column: list[bool | None]) -> str | None:
    yes = sum(1 for v in column if v is True)
    no = sum(1 for v in column if v is False)
    if min(yes, no) < MIN_PER_CLASS:
        return f"too few labelled texts ({yes} yes, {no} no; {MIN_PER_CLASS} of each needed)"
    return None


def fit(
    examples: Examples,
    settings: Settings = Settings(),
    thresholds: Mapping[str, float] | None = None,
    meta: Mapping[str, Any] | None = None,
    vocabulary_texts: Sequence[str] = (),
    embedder: Any = None,
) -> Fitted:
    """A model trained on every example outside the held-out part, and its held-out
    scores per head."""
    # Text written here or generated trains only; real text of the held-out part measures.
    holdout = [real and is_holdout(i) for i, real in zip(examples.ids, examples.real, strict=True)]
    training = examples.part(not h for h in holdout)
    test = examples.part(holdout)
    skipped = {h: why for h, c in training.labels.items() if (why := _trainable(c))}
    labels = {h: c for h, c in training.labels.items() if h not in skipped}
    if not labels:
        raise ValueError("nothing to train: " + "; ".join(f"{h}: {w}" for h, w in skipped.items()))
    model = train(
        training.texts,
        labels,
        weights=training.weights,
        extras=training.extras,
        settings=settings,
        meta=meta,
        embedder=embedder,
        vocabulary_texts=vocabulary_texts,
    ).with_thresholds(thresholds or {})
    return Fitted(model, heldout_scores(model, test), skipped, len(training), len(test))


def heldout_scores(model: Model, test: Examples) -> dict[str, Scores]:
    out = {}
    for head in model.heads:
        rows = [n for n, v in enumerate(test.labels.get(head, [])) if v is not None]
        if rows:
            gold = [bool(test.labels[head][n]) for n in rows]
            threshold = model.heads[head].threshold
            said = [
                model.probabilities(test.texts[n], _extra(test, n))[head] >= threshold for n in rows
            ]
            out[head] = scores(gold, said)
    return out


def _extra(examples: Examples, n: int) -> tuple[str, ...]:
    return () if examples.extras is None else examples.extras[n]
