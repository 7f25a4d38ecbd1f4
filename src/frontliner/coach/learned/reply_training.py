"""Training the reply model (`sentences.py`) from sentence labels, text written here and
the rule files' own examples.

Three sources, each turned into sentences exactly as the coach sees them at run time
(`Coach.evidence` + `sentence_inputs`):

- real agent text, labelled sentence by sentence (bench/labels/README.md): a line
  `{"id": sessionID, "utterance": n, "sentences": [[start, end, [rule ids]], ...]}` names
  the agent message `dialogContent[n]` of the Twitter customer-care data (n = its
  length: the final reply); the text is read from the data set given on the command line;
- text written here, one JSON object a line `{"id", "text", "sentence_rules": [...],
  "written_here": true}`: every sentence of `text` breaks exactly `sentence_rules`;
- reviewed replies exported by `frontliner coach export-reviews` (`{"id", "text",
  "reply": [rules the reviewer kept], "spans": [{"rule", "start", "end"}]}`): a kept
  rule's span marks its sentence; a sentence rule the reviewer did not keep breaks no
  sentence of that reply;
- every rule file's `fail:` examples (the sentence the rule flags breaks it) and
  `pass:` examples (no sentence breaks it); these say nothing of the other rules.

Held-out conversations (`examples.is_holdout`) and the further part kept aside
(`is_aside`) are never trained on. Thresholds are chosen by cross-validation on the
real sentences trained on (grouped by conversation), then the model is trained on all.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from frontliner.coach.config import RULES_ALONE, CoachConfig
from frontliner.coach.engine import Coach
from frontliner.coach.learned.examples import LabelError, Texts, is_holdout, label_lines
from frontliner.coach.learned.linear import Model
from frontliner.coach.learned.metrics import Scores, scores
from frontliner.coach.learned.sentences import MATCHED, SENTENCE_RULES, Judge, SentenceInput
from frontliner.coach.learned.training import Settings, train
from frontliner.coach.packs import load_base

ASIDE_BELOW = 78  # sha256(session)[0] in [52, 78): kept aside, scored once at the end
FOLDS = 5
THRESHOLDS = tuple(round(0.05 * n, 2) for n in range(2, 20))
# Where the rule's own phrase matched, the model may also be told never to overrule it
# (0.0) or only when nearly sure (0.02, 0.05): on unseen text the phrases held up better
# than the model's vetoes (docs/coach-models.md), so a tie goes to the phrase.
WITH_RULE_THRESHOLDS = (0.0, 0.02, 0.05, *THRESHOLDS)
# A rule with fewer real positives than this cannot have its thresholds chosen by
# cross-validation (one sentence would decide them): it gets the defaults, a high bar
# for the model alone, and its own phrase is never overruled (where cross-validation
# could choose, it chose that for every rule; a veto of 0.1 cost a correct "argue").
MIN_REAL_POSITIVES = 5
DEFAULT_ALONE, DEFAULT_WITH_RULE = 0.7, 0.0
ALONE_AT_LEAST = 0.5
WRITTEN_WEIGHT = 1.0
RULE_EXAMPLE_WEIGHT = 1.0


def is_aside(session: str) -> bool:
    byte = hashlib.sha256(session.encode("utf-8")).digest()[0]
    return not is_holdout(session) and byte < ASIDE_BELOW


@dataclass
class Row:
    group: str  # the conversation (cross-validation folds never split one)
    sentence: SentenceInput
    labels: dict[str, bool | None]
    weight: float
    real: bool


@dataclass
class SentenceSet:
    rows: list[Row] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [r.sentence.text for r in self.rows]

    def extras(self) -> list[tuple[str, ...]]:
        return [r.sentence.marks for r in self.rows]

    def labels(self) -> dict[str, list[bool | None]]:
        return {rule: [r.labels.get(rule) for r in self.rows] for rule in SENTENCE_RULES}

    def weights(self) -> list[float]:
        return [r.weight for r in self.rows]


def _rules_alone() -> Coach:
    return Coach(CoachConfig(reply_model=RULES_ALONE))


def _sentences(coach: Coach, text: str) -> list[SentenceInput]:
    return coach.sentences(text)


def real_rows(
    labels: Iterable[tuple[str, dict[str, Any]]], texts: Texts, coach: Coach
) -> Iterator[Row]:
    """Labelled sentences of real agent messages (labels whose offsets no longer match
    a sentence of the coach's splitter are skipped, not guessed)."""
    for where, label in labels:
        if "sentences" not in label:
            continue
        session, n = label["id"], label.get("utterance")
        turns = texts.care.get(session)
        if turns is None:
            raise LabelError(f"{where}: no text for {session}: pass test.json with --data")
        if not isinstance(n, int) or not 0 <= n < len(turns) or "client" in turns[n]:
            raise LabelError(f"{where}: utterance {n!r} is not an agent message of {session}")
        gold = {(int(s), int(e)): set(rules) for s, e, rules in label["sentences"]}
        for sentence in _sentences(coach, str(turns[n]["message"])):
            found = gold.get((sentence.start, sentence.end))
            if found is not None:
                yield Row(session, sentence, {r: r in found for r in SENTENCE_RULES}, 1.0, True)


def written_rows(labels: Iterable[tuple[str, dict[str, Any]]], coach: Coach) -> Iterator[Row]:
    for where, label in labels:
        rules = label.get("sentence_rules")
        if not label.get("written_here") or not isinstance(rules, list):
            continue
        unknown = set(rules) - set(SENTENCE_RULES)
        if unknown:
            raise LabelError(f"{where}: unknown sentence rules {sorted(unknown)}")
        for sentence in _sentences(coach, str(label["text"])):
            yield Row(
                label["id"],
                sentence,
                {r: r in rules for r in SENTENCE_RULES},
                WRITTEN_WEIGHT,
                False,
            )


def review_rows(labels: Iterable[tuple[str, dict[str, Any]]], coach: Coach) -> Iterator[Row]:
    """Sentences of reviewed replies: a kept rule in the sentence holding its span; a rule
    kept without a span says nothing of any one sentence; one not kept, no sentence."""
    for _where, label in labels:
        text, kept = label.get("text"), label.get("reply")
        if not isinstance(text, str) or not isinstance(kept, list) or "sentence_rules" in label:
            continue
        spans = [s for s in label.get("spans") or [] if isinstance(s, dict)]
        for sentence in _sentences(coach, text):
            inside = {
                s.get("rule")
                for s in spans
                if isinstance(s.get("start"), int) and sentence.start <= s["start"] < sentence.end
            }
            heads: dict[str, bool | None] = {}
            for rule in SENTENCE_RULES:
                if rule in inside:
                    heads[rule] = True
                elif rule not in kept:
                    heads[rule] = False
                elif not any(s.get("rule") == rule for s in spans):
                    heads[rule] = None  # kept, but where was not said
                else:
                    heads[rule] = False  # kept, with its span in another sentence
            yield Row(str(label["id"]), sentence, heads, 1.0, False)


def rule_example_rows(coach: Coach) -> Iterator[Row]:
    """The rule files' examples: a fail example's flagged sentence breaks its rule, a
    pass example's sentences do not."""
    for spec in load_base():
        if spec.id not in SENTENCE_RULES:
            continue
        for n, example in enumerate(spec.fails):
            for sentence in _sentences(coach, example.draft):
                if MATCHED + spec.id in sentence.marks or len(coach.sentences(example.draft)) == 1:
                    yield Row(
                        f"rule:{spec.id}:fail:{n}",
                        sentence,
                        {spec.id: True},
                        RULE_EXAMPLE_WEIGHT,
                        False,
                    )
        for n, example in enumerate(spec.passes):
            for sentence in _sentences(coach, example.draft):
                yield Row(
                    f"rule:{spec.id}:pass:{n}",
                    sentence,
                    {spec.id: False},
                    RULE_EXAMPLE_WEIGHT,
                    False,
                )


def training_set(
    label_paths: Sequence[Path], data: Sequence[Path]
) -> tuple[SentenceSet, SentenceSet]:
    """(rows to train on, held-out real rows to score on). Aside rows are in neither."""
    coach = _rules_alone()
    lines = list(label_lines(label_paths))
    texts = Texts(data)
    train_set, heldout = SentenceSet(), SentenceSet()
    for row in real_rows(lines, texts, coach):
        if is_holdout(row.group):
            heldout.rows.append(row)
        elif not is_aside(row.group):
            train_set.rows.append(row)
    for row in review_rows(lines, coach):
        (heldout if is_holdout(row.group) else train_set).rows.append(row)
    written = [*written_rows(lines, coach), *rule_example_rows(coach)]
    # Written sentences also go in without their phrase marks, so the words themselves
    # learn the meaning (otherwise a mark, where there is one, is all the model weighs).
    unmarked = [
        replace(r, sentence=replace(r.sentence, marks=())) for r in written if r.sentence.marks
    ]
    train_set.rows.extend(written + unmarked)
    return train_set, heldout


def _fit(rows: SentenceSet, settings: Settings) -> Model:
    """One head per rule with both kinds of sentences. Each head is trained on its own
    weights: a rule's few positives weigh sqrt(negatives / positives) times more, between
    no balancing (which misses most of a rare rule) and full balancing (which flags
    anything near a handful of examples)."""
    base = rows.weights()
    weights: dict[str, list[float]] = {}
    labels: dict[str, list[bool | None]] = {}
    for rule, column in rows.labels().items():
        yes = sum(1 for v in column if v is True)
        no = sum(1 for v in column if v is False)
        if yes and no:
            boost = math.sqrt(no / yes)
            labels[rule] = column
            weights[rule] = [w * (boost if v else 1.0) for w, v in zip(base, column, strict=True)]
    return train(
        rows.texts(),
        labels,
        head_weights=weights,
        extras=rows.extras(),
        settings=replace(settings, balanced=False),
    )


def _folds(rows: SentenceSet) -> list[int]:
    groups = sorted({r.group for r in rows.rows if r.real})
    random.Random(0).shuffle(groups)
    fold = {g: n % FOLDS for n, g in enumerate(groups)}
    return [fold.get(r.group, -1) if r.real else -1 for r in rows.rows]


def cross_validated(
    rows: SentenceSet, settings: Settings
) -> dict[str, list[tuple[float, bool, bool]]]:
    """Per rule, (probability, phrase matched, gold) of every real sentence, each scored
    by a model that did not train on its conversation."""
    folds = _folds(rows)
    out: dict[str, list[tuple[float, bool, bool]]] = {r: [] for r in SENTENCE_RULES}
    for k in range(FOLDS):
        train_part = SentenceSet([r for r, f in zip(rows.rows, folds, strict=False) if f != k])
        test_part = [r for r, f in zip(rows.rows, folds, strict=False) if f == k]
        model = _fit(train_part, settings)
        for row in test_part:
            found = model.probabilities(row.sentence.text, row.sentence.marks)
            for rule in SENTENCE_RULES:
                gold = row.labels.get(rule)
                if rule in found and gold is not None:
                    out[rule].append((found[rule], MATCHED + rule in row.sentence.marks, gold))
    return out


def _f_half(s: Scores) -> float:
    """F0.5: precision counts twice as much as recall (the targets ask P >= 0.95)."""
    denominator = 1.25 * s.tp + 0.25 * s.fn + s.fp
    return 1.25 * s.tp / denominator if denominator else 0.0


def choose_thresholds(
    cv: Mapping[str, list[tuple[float, bool, bool]]],
) -> tuple[dict[str, float], dict[str, float]]:
    """Per rule, the threshold (and the lower one where the rule's phrase matched) with
    the best F0.5 over the cross-validated sentences."""
    alone: dict[str, float] = {}
    with_rule: dict[str, float] = {}
    for rule, rows in cv.items():
        if sum(1 for _p, _m, gold in rows if gold) < MIN_REAL_POSITIVES:
            alone[rule], with_rule[rule] = DEFAULT_ALONE, DEFAULT_WITH_RULE
            continue
        best = (-1.0, 0.5, 0.5)
        # The model alone must at least find a rule more likely than not.
        for t in (x for x in THRESHOLDS if x >= ALONE_AT_LEAST):
            for w in (x for x in WITH_RULE_THRESHOLDS if x <= t):
                predicted = [p >= t or (m and p >= w) for p, m, _g in rows]
                value = _f_half(scores([g for _p, _m, g in rows], predicted))
                if value > best[0] + 1e-9:
                    best = (value, t, w)
        alone[rule], with_rule[rule] = best[1], best[2]
    return alone, with_rule


def _unmarked(rows: SentenceSet) -> SentenceSet:
    return SentenceSet([replace(r, sentence=replace(r.sentence, marks=())) for r in rows.rows])


@dataclass(frozen=True)
class FittedReply:
    model: Model
    heldout: dict[str, Scores]  # rule -> sentence-level scores on held-out real text
    trained_on: int
    held_out: int


def judge_scores(model: Model, rows: SentenceSet) -> dict[str, Scores]:
    """Sentence-level scores of the model's decisions (as the coach makes them)."""
    judge = Judge(model)
    decided = [set(judge.decide(r.sentence.text, r.sentence.marks)) for r in rows.rows]
    out = {}
    for rule in judge.rules:
        pairs = [
            (r.labels[rule], rule in d)
            for r, d in zip(rows.rows, decided, strict=False)
            if r.labels.get(rule) is not None
        ]
        if pairs:
            out[rule] = scores([bool(g) for g, _p in pairs], [p for _g, p in pairs])
    return out


# Words and word pairs (no character n-grams: agents spell well, and they are most of a
# sentence's features), and weights below 0.15 dropped: each costs a look-up per sentence
# and moves a decision by under 0.03 in log-odds.
REPLY_SETTINGS = Settings(c=4.0, char_grams=False, prune=0.15)


def fit_reply_model(
    label_paths: Sequence[Path],
    data: Sequence[Path],
    settings: Settings = REPLY_SETTINGS,
    marks: bool = True,
) -> FittedReply:
    """The reply model: thresholds chosen by cross-validation, then trained on every
    sentence outside the held-out and aside parts; scored on the held-out part. With
    `marks=False` it reads the words alone (no rule phrases as evidence)."""
    train_set, heldout = training_set(label_paths, data)
    if not marks:
        train_set, heldout = _unmarked(train_set), _unmarked(heldout)
    if not any(r.real or not r.group.startswith(("rule:", "written")) for r in train_set.rows):
        raise LabelError(
            "no real labelled sentences to train on: pass sentence labels "
            "(bench/labels/sentences, with test.json as --data) or reviewed "
            "replies (frontliner coach export-reviews)"
        )
    alone, with_rule = choose_thresholds(cross_validated(train_set, settings))
    fitted = _fit(train_set, settings).with_thresholds(alone)
    meta = {
        **fitted.meta,
        "kind": "reply",
        "with_rule": with_rule,
        "marks": marks,
        "sentences": len(train_set.rows),
        "c": settings.c,
        "min_count": settings.min_count,
    }
    model = Model(fitted.heads, meta)
    return FittedReply(model, judge_scores(model, heldout), len(train_set.rows), len(heldout.rows))
