"""Static word embeddings for training (the `train` extra: numpy, and WordLlama's files).

WordLlama 0.4.0.post1 (MIT) ships its weights and tokenizer inside its wheel:
`wordllama/weights/l2_supercat_256.safetensors` (32,000 tokens x 256, float16) and
`wordllama/tokenizers/l2_supercat_tokenizer_config.json`. They are read directly (the
package's own loader looks for the tokenizer in the wrong folder and then tries to fetch
it from a hub), and only at training: `dense.py` says how the model keeps one number per
word and head instead of the vectors, so reading needs neither numpy nor these files.

A word's vector is the sum of its tokens' vectors with its token count; a text's is the
mean over the tokens of its distinct known words (the features of the text that are words
of the table), the same pooling `WordTable.margins` folds.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from frontliner.coach.learned.features import tokens
from frontliner.coach.learned.training import TrainingUnavailable

SOURCE = "wordllama 0.4.0.post1, l2_supercat_256 (MIT)"
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
MORE_AT_LEAST = 2  # an unlabelled text's word joins the table if this many texts have it


class EmbeddingUnavailable(TrainingUnavailable):
    """numpy, tokenizers, safetensors or wordllama's files are not installed (a kind of
    TrainingUnavailable, so `coach train` says what to install instead of failing)."""


def _package_dir() -> Path:
    spec = importlib.util.find_spec("wordllama")  # found, not imported: its import is heavy
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingUnavailable(
            "the embeddings need wordllama's files: pip install 'frontliner[train]'"
        )
    return Path(next(iter(spec.submodule_search_locations)))


class Embedder:
    """Token vectors of WordLlama, summed per word (remembered), pooled per text."""

    def __init__(self, folder: Path | None = None) -> None:
        try:
            import numpy as np
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError:
            raise EmbeddingUnavailable(
                "the embeddings need numpy, safetensors and tokenizers: "
                "pip install 'frontliner[train]'"
            ) from None
        base = folder or _package_dir()
        try:
            self._tokenizer = Tokenizer.from_file(str(base / TOKENIZER))
            weights = load_file(str(base / WEIGHTS))
        except Exception as exc:  # the libraries raise their own kinds for a missing file
            raise EmbeddingUnavailable(f"cannot read the embeddings in {base}: {exc}") from None
        self.vectors = next(iter(weights.values())).astype(np.float32)
        self.size = int(self.vectors.shape[1])
        self._words: dict[str, tuple[Any, int]] = {}

    def word(self, word: str) -> tuple[Any, int]:
        """The sum of a word's token vectors and its number of tokens."""
        known = self._words.get(word)
        if known is None:
            ids = self._tokenizer.encode(word, add_special_tokens=False).ids
            total = self.vectors[ids].sum(0)
            known = (total, len(ids))
            self._words[word] = known
        return known

    def piece_words(self) -> list[str]:
        """The tokenizer's whole-word pieces in lower case (common English words), so the
        table knows words that no text here happens to use."""
        vocabulary = self._tokenizer.get_vocab()
        out = set()
        for piece in vocabulary:
            word = piece[1:].lower()
            if piece.startswith("\u2581") and len(word) > 1 and word.isascii() and word.isalpha():
                out.add(word)
        return sorted(out)

    def vocabulary(self, texts: Iterable[str], more: Iterable[str] = ()) -> list[str]:
        """The table's words: every token of the training texts, the tokenizer's word
        pieces, and the tokens of `more` (unlabelled texts) seen in at least two of them
        (a word seen once is mostly a name, a handle's remains or a typo: half the words,
        and their memory in every process, for little)."""
        found = set(self.piece_words())
        for text in texts:
            found.update(tokens(text))
        seen: dict[str, int] = {}
        for text in more:
            for word in set(tokens(text)):
                seen[word] = seen.get(word, 0) + 1
        found.update(w for w, n in seen.items() if n >= MORE_AT_LEAST)
        return sorted(w for w in found if self.word(w)[1] > 0)

    def pooled(self, rows: Sequence[frozenset[str]], words: dict[str, int]) -> Any:
        """One mean vector per row of features, over its distinct words in `words`."""
        import numpy as np

        out = np.zeros((len(rows), self.size), dtype=np.float64)
        for n, row in enumerate(rows):
            known = sorted(w for w in row if w in words)  # sorted: the same sums each run
            count = sum(self.word(w)[1] for w in known)
            if count:
                out[n] = np.sum([self.word(w)[0] for w in known], axis=0) / count
        return out
