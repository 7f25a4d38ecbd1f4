"""A linear model over the features of `features.py`, with one or more heads.

Each head is a logistic regression: p = sigmoid(bias + sum of the weights of the text's
features / sqrt(number of features)). Heads share the featuriser, so a text is cut into
features once and every head only sums a few hundred dictionary look-ups: pure Python,
no numpy at run time, tens of microseconds a text.

File format (`*.model.gz`): gzip of one JSON object
`{"format": "frontliner-linear/1", "heads": {name: {"bias": float, "threshold": float,
  "weights": base64 of little-endian float32, one per vocabulary entry}},
  "vocabulary": "feature\\nfeature\\n...", "meta": {...}}`.
Weights that are exactly zero are dropped at load, so a pruned model is small in memory.
A model with a dense part (word scores folded from embeddings, `dense.py`) is written as
`frontliner-linear/2`: the same object plus `"dense": {"words", "counts", "heads"}`, and a
head's margin adds the text's dense margin for that head. Version 1 files load as before.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import sys
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontliner.coach.learned.dense import WordTable
from frontliner.coach.learned.features import features

FORMAT = "frontliner-linear/1"
FORMAT_DENSE = "frontliner-linear/2"
SHIPPED = Path(__file__).with_name("models")


class ModelError(Exception):
    """A model file that cannot be used: missing, unreadable or of another format."""


@dataclass(frozen=True)
class Head:
    """One yes/no decision of a model."""

    bias: float
    weights: Mapping[str, float]
    threshold: float = 0.5

    def margin(self, found: Iterable[str], scale: float) -> float:
        get = self.weights.get
        return self.bias + sum(filter(None, map(get, found))) * scale


def _sigmoid(x: float) -> float:
    if x < -30.0:
        return 0.0
    if x > 30.0:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


def _scale(found: frozenset[str]) -> float:
    return 1.0 / math.sqrt(len(found)) if found else 0.0


@dataclass(frozen=True)
class Model:
    """A trained linear model: `heads` maps each decision's name to its weights."""

    heads: Mapping[str, Head]
    meta: Mapping[str, Any] = field(default_factory=dict)
    # Word scores folded from embeddings, for the heads trained with them (or none).
    dense: WordTable | None = None
    # Every feature some head weighs: a text's features are narrowed to these once (a set
    # intersection, in C), so each head then sums only the few dozen that count.
    vocabulary: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        known = frozenset(f for h in self.heads.values() for f in h.weights)
        object.__setattr__(self, "vocabulary", known)

    @property
    def chars(self) -> bool:
        """Whether the model was trained with character n-grams (`Settings.char_grams`)."""
        return bool(self.meta.get("char_grams", True))

    # --- predicting ------------------------------------------------------------------

    def probabilities(
        self, text: str, extra: tuple[str, ...] = (), heads: Iterable[str] | None = None
    ) -> dict[str, float]:
        """The probability of every head (or of the `heads` named) for one text."""
        return self.chances(self.features_of(text, extra), heads)

    def features_of(self, text: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
        """A text's features as this model reads them (to score several times)."""
        return features(text, extra, self.chars)

    def chances(
        self, found: frozenset[str], heads: Iterable[str] | None = None
    ) -> dict[str, float]:
        """The probability of every head (or of the `heads` named) for features found."""
        scale = _scale(found)
        known = found & self.vocabulary
        names = list(self.heads if heads is None else heads)
        extra = self.dense.margins(found, names) if self.dense is not None else {}
        return {
            name: _sigmoid(self.heads[name].margin(known, scale) + extra.get(name, 0.0))
            for name in names
        }

    def decide(self, text: str, extra: tuple[str, ...] = ()) -> dict[str, bool]:
        """Every head's yes/no for one text, at that head's threshold."""
        chances = self.probabilities(text, extra)
        return {name: chances[name] >= h.threshold for name, h in self.heads.items()}

    def predict_proba(self, texts: Iterable[str], head: str | None = None) -> list[float]:
        """The probability of one head for each text (`head` may be left out when the
        model has only one)."""
        if isinstance(texts, str):
            raise TypeError("predict_proba takes a list of texts, not one string")
        name = self._head_name(head)
        return [self.chances(features(text, (), self.chars), [name])[name] for text in texts]

    def predict(self, texts: Iterable[str], head: str | None = None) -> list[bool]:
        """Yes/no of one head for each text, at the head's threshold."""
        threshold = self._head(head).threshold
        return [p >= threshold for p in self.predict_proba(texts, head)]

    def _head(self, head: str | None) -> Head:
        return self.heads[self._head_name(head)]

    def _head_name(self, head: str | None) -> str:
        if head is None:
            if len(self.heads) != 1:
                raise ValueError(f"name a head: this model has {', '.join(self.heads)}")
            return next(iter(self.heads))
        if head not in self.heads:
            raise ValueError(f"no head {head!r}: this model has {', '.join(self.heads)}")
        return head

    def with_thresholds(self, thresholds: Mapping[str, float]) -> Model:
        heads = {
            name: Head(h.bias, h.weights, thresholds.get(name, h.threshold))
            for name, h in self.heads.items()
        }
        return Model(heads, self.meta, self.dense)

    # --- files -----------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the model (gzip'd JSON, see the module docstring)."""
        vocabulary = sorted({f for h in self.heads.values() for f in h.weights})
        index = {f: n for n, f in enumerate(vocabulary)}
        heads = {}
        for name, head in self.heads.items():
            values = array("f", [0.0]) * len(vocabulary)
            for feature, weight in head.weights.items():
                values[index[feature]] = weight
            if sys.byteorder != "little":
                values.byteswap()
            heads[name] = {
                "bias": head.bias,
                "threshold": head.threshold,
                "weights": base64.b64encode(values.tobytes()).decode("ascii"),
            }
        document: dict[str, Any] = {
            "format": FORMAT if self.dense is None else FORMAT_DENSE,
            "heads": heads,
            "vocabulary": "\n".join(vocabulary),
            "meta": dict(self.meta),
        }
        if self.dense is not None:
            document["dense"] = self.dense.to_document()
        data = json.dumps(document, separators=(",", ":")).encode("utf-8")
        # mtime=0: the same model gives the same bytes (reproducible builds, clean diffs).
        path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))

    @classmethod
    def load(cls, name_or_path: str | Path) -> Model:
        """A model shipped in the package (by name, e.g. "customer") or a file path."""
        path = Path(name_or_path)
        if not path.suffix and not path.exists():
            path = SHIPPED / f"{name_or_path}.model.gz"
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ModelError(f"cannot read the model {path}: {exc.strerror or exc}") from None
        try:
            return cls._from_document(json.loads(gzip.decompress(raw)), path)
        except (OSError, ValueError, EOFError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"{path} is not a model file: {exc}") from None

    @classmethod
    def _from_document(cls, document: Any, path: Path) -> Model:
        if not isinstance(document, dict) or document.get("format") not in (FORMAT, FORMAT_DENSE):
            raise ModelError(f"{path} is not a {FORMAT} model")
        vocabulary = document["vocabulary"].split("\n") if document["vocabulary"] else []
        heads = {}
        for name, raw in document["heads"].items():
            values = array("f")
            values.frombytes(base64.b64decode(raw["weights"]))
            if sys.byteorder != "little":
                values.byteswap()
            if len(values) != len(vocabulary):
                raise ModelError(
                    f"{path}: head {name} has {len(values)} weights for {len(vocabulary)} features"
                )
            weights = {f: w for f, w in zip(vocabulary, values, strict=True) if w}
            heads[name] = Head(float(raw["bias"]), weights, float(raw["threshold"]))
        dense = None
        if document["format"] == FORMAT_DENSE:
            dense = WordTable.from_document(document["dense"])
        return cls(heads, document.get("meta") or {}, dense)
