"""Training the solved model (`models/solved.model.gz`): its examples, thresholds chosen
by cross-validation on the part outside the held-out one, and its held-out scores against
the rules alone. What `frontliner coach train --model solved` and `bench/train_solved.py`
run (needs scikit-learn).

Labels: a line's `solved` fields, `{"confirms_solved": bool, "not_solved": bool}`, with
the text by id (`{"id": sessionID, "turn": n}` in the Twitter care data) or inline
(`customer_text`); a `customer` object with these fields (as `coach export-reviews`
writes them) counts as well. Text written here (`written_here`) trains only, weighted
`WEIGHT_WRITTEN`; real text of the held-out part only measures.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import yaml

from frontliner.coach.analyser import rule_reading
from frontliner.coach.learned.examples import (
    Examples,
    Texts,
    customer_text,
    is_holdout,
    label_id,
    made_up,
    session_of,
)
from frontliner.coach.learned.linear import Model
from frontliner.coach.learned.metrics import Scores, scores
from frontliner.coach.learned.solved import HEADS, Combination, combine, marks, probabilities
from frontliner.coach.learned.training import Settings, train
from frontliner.coach.solved import LEXICON

WEIGHT_WRITTEN = 1.0
SETTINGS = Settings(c=4.0, min_count=2, prune=0.01, char_grams=False)
FOLDS = 5
# The grid the cross-validation searches; confirms_solved must keep this precision.
KEEP = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9)
ADD = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.01)  # 1.01: the model never adds alone
MIN_PRECISION = 0.95
RULE, NOT = marks(True, False)[0], marks(False, True)[0]


def solved_fields(label: Mapping[str, Any]) -> dict[str, bool] | None:
    fields = label.get("solved")
    if not isinstance(fields, dict):
        fields = label.get("customer")
    if not isinstance(fields, dict):
        return None
    found = {h: bool(fields[h]) for h in HEADS if h in fields}
    return found or None


def solved_examples(labels: Iterable[tuple[str, dict[str, Any]]], texts: Texts) -> Examples:
    """The customer messages labelled for the solved heads, with the rules' marks."""
    out = Examples()
    for where, label in labels:
        fields = solved_fields(label)
        if fields is None:
            continue
        text = customer_text(where, label, texts)
        written = made_up(label)
        out.add(label_id(label), text, fields, WEIGHT_WRITTEN if written else 1.0, real=not written)
    out.extras = [rules_marks(t) for t in out.texts]
    return out


EXPECTED = {"confirms_solved": (True, False), "not_solved": (False, True),
            "neither": (False, False)}


def add_lexicon_examples(examples: Examples) -> None:
    """The solved lexicon's own examples (written here: the product's definitions by
    example) train the model too, as the inbound lexicon's train the customer model."""
    data = yaml.safe_load(LEXICON.read_text("utf-8"))["examples"]
    for kind, (solved, not_solved) in EXPECTED.items():
        for n, text in enumerate(data[kind]):
            examples.add(f"lexicon:{kind}:{n}", str(text),
                         {"confirms_solved": solved, "not_solved": not_solved}, 1.0, real=False)
            if examples.extras is not None:
                examples.extras.append(rules_marks(str(text)))


def rules_marks(text: str) -> tuple[str, ...]:
    reading = rule_reading(text)[0]
    return marks(reading.confirms_solved, reading.not_solved)


def _fit(examples: Examples, settings: Settings = SETTINGS) -> Model:
    return train(
        examples.texts, examples.labels, weights=examples.weights, extras=examples.extras,
        settings=settings, meta={"kind": "solved", "examples": len(examples), "c": settings.c},
    )


@dataclass(frozen=True)
class Predictions:
    """The model's probabilities and the rules' reading for some labelled texts."""

    gold: dict[str, list[bool | None]]
    p: list[dict[str, float]]
    rules: list[tuple[bool, bool]]
    real: list[bool]

    def decided(self, how: Combination | None) -> list[tuple[bool, bool]]:
        """(confirms_solved, not_solved) per text: combined, or the rules alone (None)."""
        if how is None:
            return list(self.rules)
        return [
            combine(p["confirms_solved"], p["not_solved"], r[0], r[1], how)
            for p, r in zip(self.p, self.rules, strict=True)
        ]

    def scores(self, how: Combination | None, real_only: bool = True) -> dict[str, Scores]:
        said = self.decided(how)
        out = {}
        for n, head in enumerate(HEADS):
            rows = [i for i, g in enumerate(self.gold.get(head, [])) if g is not None
                    and (self.real[i] or not real_only)]
            out[head] = scores([bool(self.gold[head][i]) for i in rows], [said[i][n] for i in rows])
        return out


def predict(model: Model, examples: Examples) -> Predictions:
    rules = [(RULE in e, NOT in e) for e in (examples.extras or [()] * len(examples))]
    p = [probabilities(model, t, r[0], r[1]) for t, r in zip(examples.texts, rules, strict=True)]
    return Predictions(dict(examples.labels), p, rules, list(examples.real))


def _fold(label_id: str) -> int:
    return hashlib.sha256(("fold:" + session_of(label_id)).encode("utf-8")).digest()[0] % FOLDS


def cross_validated(dev: Examples, settings: Settings = SETTINGS) -> Predictions:
    """Out-of-fold predictions for every text of `dev` (folds by conversation)."""
    folds = [_fold(i) for i in dev.ids]
    parts: list[Predictions] = []
    for k in range(FOLDS):
        model = _fit(dev.part(f != k for f in folds), settings)
        parts.append(predict(model, dev.part(f == k for f in folds)))
    merged = Predictions({h: [] for h in dev.labels}, [], [], [])
    for part in parts:
        for h in dev.labels:
            merged.gold[h].extend(part.gold.get(h, [None] * len(part.p)))
        merged.p.extend(part.p)
        merged.rules.extend(part.rules)
        merged.real.extend(part.real)
    return merged


def choose(cv: Predictions) -> Combination:
    """The combination with the best F1 on the out-of-fold predictions (real and written
    text: the real dev part has too few confirmations to choose on alone), keeping
    confirms_solved's precision at MIN_PRECISION or more when any choice can (else the
    most precise one)."""
    def f1(s: Scores) -> float:
        return s.f1 or 0.0

    solved_keys = {}
    for keep, add in itertools.product(KEEP, ADD):
        how = Combination(keep_solved=keep, add_solved=add, keep_not=0.0, add_not=1.01)
        s = cv.scores(how, real_only=False)["confirms_solved"]
        # Precise enough first, then F1 (the most precise, when no choice is precise
        # enough), then the stricter veto of the rules.
        precise = (s.precision or 0.0) >= MIN_PRECISION
        solved_keys[(keep, add)] = (precise, f1(s) if precise else s.precision or 0.0, keep)
    not_keys = {}
    for keep, add in itertools.product(KEEP, ADD):
        how = Combination(keep_solved=1.01, add_solved=1.01, keep_not=keep, add_not=add)
        not_keys[(keep, add)] = (f1(cv.scores(how, real_only=False)["not_solved"]), keep)
    best_solved = max(solved_keys, key=solved_keys.__getitem__)
    best_not = max(not_keys, key=not_keys.__getitem__)
    return Combination(best_solved[0], best_solved[1], best_not[0], best_not[1])


@dataclass(frozen=True)
class SolvedFit:
    model: Model
    combination: Combination
    cv: dict[str, dict[str, Scores]]  # "rules" / "combined" -> head -> out-of-fold scores
    heldout: dict[str, dict[str, Scores]]  # "rules" / "model" / "combined" -> head -> scores
    trained_on: int
    held_out: int


def fit_solved(examples: Examples, c: float = SETTINGS.c) -> SolvedFit:
    settings = replace(SETTINGS, c=c)
    holdout = [real and is_holdout(i) for i, real in zip(examples.ids, examples.real, strict=True)]
    dev = examples.part(not h for h in holdout)
    test = examples.part(holdout)
    cv = cross_validated(dev, settings)
    how = choose(cv)
    model = _fit(dev, settings).with_thresholds(how.thresholds())
    model = Model(model.heads, {**model.meta, **how.meta()})
    tested = predict(model, test)
    alone = Combination(keep_solved=1.01, add_solved=how.add_solved,
                        keep_not=1.01, add_not=how.add_not)
    return SolvedFit(
        model,
        how,
        {"rules": cv.scores(None), "combined": cv.scores(how),
         "rules, with written": cv.scores(None, False),
         "combined, with written": cv.scores(how, False)},
        {"rules": tested.scores(None), "model": tested.scores(alone),
         "combined": tested.scores(how)},
        len(dev),
        len(test),
    )
