"""Word scores folded from static word embeddings: the dense part of a linear model.

At training time a text is also read as the mean of its words' token vectors (WordLlama's
256-dimensional embeddings; `embedding.py`, the `train` extra), and each head learns a
linear weight over those 256 numbers besides its sparse features. A linear head over a
mean folds into one number per token: w . mean(v_i) = mean(w . v_i). So the model ships
no vectors and no tokenizer, only, per word of a large vocabulary, the summed scores of its
tokens for each head and how many tokens it has; a text's dense margin is

    sum of its known distinct words' scores / sum of their token counts

(the constant part of the standardisation is in the head's bias). That keeps the run time
pure Python and a look-up per word, while words the labelled data never saw ("unplayable",
"logged out", misspellings found in the data sets) still carry what the embedding knows
of them. A word outside the table counts for nothing, in training and when reading alike
(every word of the training texts is in the table).
"""

from __future__ import annotations

import base64
import sys
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any


def _pack(values: array[float]) -> str:
    data = array("f", values)
    if sys.byteorder != "little":
        data.byteswap()
    return base64.b64encode(data.tobytes()).decode("ascii")


def _unpack(text: str, size: int, what: str) -> array[float]:
    values = array("f")
    values.frombytes(base64.b64decode(text))
    if sys.byteorder != "little":
        values.byteswap()
    if len(values) != size:
        raise ValueError(f"{what}: {len(values)} values for {size} words")
    return values


@dataclass(frozen=True)
class WordTable:
    """Per word: how many embedding tokens it has, and per head the sum of their scores."""

    index: Mapping[str, int]  # word -> row
    counts: array[float]  # row -> number of tokens
    scores: Mapping[str, array[float]]  # head -> row -> summed token score
    words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", frozenset(self.index))

    def margins(self, found: Iterable[str], heads: Iterable[str]) -> dict[str, float]:
        """Each named head's dense margin for a text whose features are `found` (its
        distinct words are among them; other features are not in the table)."""
        # A frozenset intersection and itemgetters run in C over the text's few dozen
        # features: about 8 us a message, where a Python loop took 20-35.
        known = (found if isinstance(found, frozenset) else frozenset(found)) & self.words
        names = [h for h in heads if h in self.scores]
        if not known:
            return dict.fromkeys(names, 0.0)
        if len(known) == 1:
            row = self.index[next(iter(known))]
            total = self.counts[row]
            return {name: self.scores[name][row] / total for name in names}
        pick = itemgetter(*itemgetter(*known)(self.index))
        total = sum(pick(self.counts))
        return {name: sum(pick(self.scores[name])) / total for name in names}

    def to_document(self) -> dict[str, Any]:
        words = sorted(self.index, key=self.index.__getitem__)
        return {
            "words": "\n".join(words),
            "counts": _pack(self.counts),
            "heads": {name: _pack(v) for name, v in sorted(self.scores.items())},
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> WordTable:
        words = document["words"].split("\n") if document["words"] else []
        index = {w: n for n, w in enumerate(words)}
        counts = _unpack(document["counts"], len(words), "counts")
        scores = {
            str(name): _unpack(raw, len(words), f"head {name}")
            for name, raw in document["heads"].items()
        }
        return cls(index, counts, scores)
