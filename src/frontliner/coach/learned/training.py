"""Training a `Model` from labelled texts (needs scikit-learn: `frontliner[train]`).

One logistic regression per head on the binary features of `features.py`, each row scaled
by 1/sqrt(its feature count) exactly as the model does when predicting. A head learns
only from the texts that carry its label (None: not labelled for that head), so sets
labelled for different things train one model together. Weights near zero are pruned.
With `Settings.dense` > 0 the chosen heads also weigh the text's mean word embedding
(`embedding.py`), standardised and scaled by `dense`, and the learned weights over it are
folded into one score per word (`dense.py`): the model ships a word table, not vectors.
Training is deterministic: the same texts, labels and settings give the same model.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from frontliner.coach.learned.dense import WordTable
from frontliner.coach.learned.features import features
from frontliner.coach.learned.linear import Head, Model

Labels = Mapping[str, Sequence[bool | None]]


class TrainingUnavailable(Exception):
    """scikit-learn is not installed."""


@dataclass(frozen=True)
class Settings:
    """C: inverse regularisation strength; min_count: a feature must occur in this many
    training texts; prune: weights smaller than this (in absolute value) are dropped."""

    c: float = 4.0
    min_count: int = 2
    prune: float = 0.01
    balanced: bool = True
    char_grams: bool = True  # False: words and word pairs only (recorded in the model)
    # The embedding columns' scale against the sparse ones (0: no dense part), and the
    # heads that use them (None: every head).
    dense: float = 0.0
    dense_heads: tuple[str, ...] | None = None


def _sklearn() -> Any:
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise TrainingUnavailable(
            "training needs scikit-learn: pip install 'frontliner[train]'"
        ) from None
    return LogisticRegression


def featurise(
    texts: Sequence[str], extras: Sequence[tuple[str, ...]] | None = None, chars: bool = True
) -> list[frozenset[str]]:
    return [features(t, extras[n] if extras else (), chars) for n, t in enumerate(texts)]


def _vocabulary(rows: Sequence[frozenset[str]], min_count: int) -> list[str]:
    counts: dict[str, int] = {}
    for row in rows:
        for f in row:
            counts[f] = counts.get(f, 0) + 1
    return sorted(f for f, c in counts.items() if c >= min_count)


def _matrix(rows: Sequence[frozenset[str]], index: Mapping[str, int]) -> Any:
    from scipy.sparse import csr_matrix

    data: list[float] = []
    columns: list[int] = []
    pointers = [0]
    for row in rows:
        scale = 1.0 / math.sqrt(len(row)) if row else 0.0
        cols = sorted(index[f] for f in row if f in index)
        columns += cols
        data += [scale] * len(cols)
        pointers.append(len(columns))
    return csr_matrix((data, columns, pointers), shape=(len(rows), len(index)))


def train(
    texts: Sequence[str],
    labels: Labels | Sequence[bool],
    *,
    weights: Sequence[float] | None = None,
    head_weights: Mapping[str, Sequence[float]] | None = None,
    extras: Sequence[tuple[str, ...]] | None = None,
    settings: Settings = Settings(),
    meta: Mapping[str, Any] | None = None,
    embedder: Any = None,
    vocabulary_texts: Sequence[str] = (),
) -> Model:
    """A model with one head per key of `labels` (a plain list of bools: one head named
    "yes"). `weights` weigh texts (e.g. real text above text written here); `extras` are
    extra features per text, which the caller must pass again when predicting.
    `head_weights` gives a head weights of its own (e.g. to weigh its rare positives up).
    With `settings.dense`: `embedder` (an `embedding.Embedder`, made if not given) and
    `vocabulary_texts`, more texts whose words the word table should know."""
    heads_labels: Labels = labels if isinstance(labels, Mapping) else {"yes": list(labels)}
    for name, column in heads_labels.items():
        if len(column) != len(texts):
            raise ValueError(f"head {name}: {len(column)} labels for {len(texts)} texts")
    rows = featurise(texts, extras, settings.char_grams)
    vocabulary = _vocabulary(rows, settings.min_count)
    index = {f: n for n, f in enumerate(vocabulary)}
    matrix = _matrix(rows, index)
    dense = _Dense(rows, texts, vocabulary_texts, settings, embedder) if settings.dense else None
    heads = {}
    scores = {}
    for name, column in heads_labels.items():
        uses = dense is not None and (settings.dense_heads is None or name in settings.dense_heads)
        head, folded = _fit_head(
            matrix,
            column,
            (head_weights or {}).get(name, weights),
            vocabulary,
            settings,
            dense if uses else None,
        )
        heads[name] = head
        if folded is not None:
            scores[name] = folded
    recorded = dict(meta or {})
    if not settings.char_grams:
        recorded["char_grams"] = False
    table = None
    if dense is not None and scores:
        table = dense.table(scores)
        recorded["dense"] = {"source": dense.source, "scale": settings.dense}
    return Model(heads, recorded, table)


class _Dense:
    """The standardised mean-embedding columns of the training texts, and the word table
    their weights fold into."""

    def __init__(
        self,
        rows: Sequence[frozenset[str]],
        texts: Sequence[str],
        more: Sequence[str],
        settings: Settings,
        embedder: Any,
    ) -> None:
        from frontliner.coach.learned.embedding import SOURCE, Embedder

        self.embedder = embedder or Embedder()
        self.source = SOURCE
        self.words = self.embedder.vocabulary(texts, more)
        self.index = {w: n for n, w in enumerate(self.words)}
        pooled = self.embedder.pooled(rows, self.index)
        self.mean = pooled.mean(0)
        self.spread = pooled.std(0) + 1e-6
        self.scale = settings.dense
        self.columns = (pooled - self.mean) / self.spread * self.scale

    def fold(self, weights: Any) -> tuple[Any, float]:
        """Per-word scores (sum over the word's tokens) and the constant for the bias."""
        import numpy as np

        per_dim = self.scale * np.asarray(weights) / self.spread
        sums = np.stack([self.embedder.word(w)[0] for w in self.words]).astype(np.float64)
        return sums @ per_dim, float(-(per_dim * self.mean).sum())

    def table(self, scores: Mapping[str, Any]) -> WordTable:
        counts = array("f", [float(self.embedder.word(w)[1]) for w in self.words])
        return WordTable(
            dict(self.index), counts, {h: array("f", v.tolist()) for h, v in scores.items()}
        )


def _fit_head(
    matrix: Any,
    column: Sequence[bool | None],
    weights: Sequence[float] | None,
    vocabulary: Sequence[str],
    settings: Settings,
    dense: _Dense | None = None,
) -> tuple[Head, Any]:
    keep = [n for n, label in enumerate(column) if label is not None]
    y = [bool(column[n]) for n in keep]
    if len(set(y)) < 2:
        raise ValueError("a head needs labelled texts of both kinds (yes and no)")
    regression = _sklearn()(
        C=settings.c,
        class_weight="balanced" if settings.balanced else None,
        solver="liblinear",
        max_iter=1000,
    )
    sample_weight = [weights[n] for n in keep] if weights is not None else None
    chosen = matrix[keep]
    if dense is not None:
        from scipy.sparse import csr_matrix, hstack

        chosen = hstack([chosen, csr_matrix(dense.columns[keep])]).tocsr()
    regression.fit(chosen, y, sample_weight=sample_weight)
    coefficients = regression.coef_[0]
    bias = float(regression.intercept_[0])
    folded = None
    if dense is not None:
        folded, constant = dense.fold(coefficients[len(vocabulary) :])
        bias += constant
        coefficients = coefficients[: len(vocabulary)]
    kept = {vocabulary[n]: float(w) for n, w in enumerate(coefficients) if abs(w) >= settings.prune}
    return Head(bias, kept), folded
