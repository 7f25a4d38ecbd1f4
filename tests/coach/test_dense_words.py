"""The dense part of a learned model (coach/learned/dense.py, embedding.py): a linear head
over a mean word embedding, folded at training into one score per word, so reading needs
no vectors. Texts written here; the embeddings are WordLlama's (shipped in its wheel) or,
for exact checks, a small made-up table."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from frontliner.coach.learned import Model, Settings, TrainingUnavailable, customer, train
from frontliner.coach.learned.embedding import Embedder
from frontliner.coach.learned.features import features

# Made-up 3-d vectors: "broken" and "crashes" point one way, "thanks" and "great" the
# other, every other word sits at a small offset. "crashes" and "great" are never in a
# labelled text.
VECTORS = {
    "broken": [1.0, 0.1, 0.0],
    "crashes": [0.9, 0.1, 0.0],
    "thanks": [-1.0, 0.1, 0.0],
    "great": [-0.9, 0.1, 0.0],
}
OTHER = [0.0, 0.1, 0.05]


class TinyEmbedder(Embedder):
    """The Embedder's pooling over a table written here (no files, no tokenizer)."""

    def __init__(self) -> None:
        self.size = 3
        self._words = {}

    def word(self, word: str) -> tuple[np.ndarray, int]:
        vector = VECTORS.get(word, OTHER)
        return np.array(vector, dtype=np.float32), 1

    def piece_words(self) -> list[str]:
        return sorted(VECTORS)


LABELLED = [
    ("the screen is broken", True),
    ("my phone is broken", True),
    ("broken again today", True),
    ("the box came broken", True),
    ("thanks for the help", False),
    ("thanks a lot", False),
    ("ok thanks", False),
    ("thanks , all good", False),
]


def _model(scale: float = 1.0) -> Model:
    texts = [t for t, _ in LABELLED]
    return train(
        texts,
        {"problem": [y for _, y in LABELLED]},
        settings=Settings(c=10.0, min_count=1, prune=0.0, char_grams=False, dense=scale),
        embedder=TinyEmbedder(),
    )


def test_a_word_never_labelled_carries_the_meaning_of_its_neighbours() -> None:
    model = _model()
    assert model.dense is not None and "crashes" in model.dense.index
    crash = model.predict_proba(["it crashes"], head="problem")[0]
    great = model.predict_proba(["it great"], head="problem")[0]
    assert crash > 0.5 > great
    # Without the table the two read alike: neither word was ever labelled.
    plain = Model(model.heads, model.meta)
    assert plain.predict_proba(["it crashes"], "problem") == plain.predict_proba(
        ["it great"], "problem"
    )


def test_the_folded_table_is_one_linear_head_over_the_mean_vector() -> None:
    model = _model(scale=0.7)
    assert model.dense is not None
    embedder, table, index = TinyEmbedder(), model.dense.scores["problem"], model.dense.index
    # Every word's score is the same linear function of its vector (w . v): solve it on
    # three independent words and it gives every other word's score.
    basis = ["broken", "thanks", "the"]
    vectors = np.stack([embedder.word(w)[0] for w in basis]).astype(np.float64)
    weights = np.linalg.solve(vectors, [table[index[w]] for w in basis])
    for word, row in index.items():
        assert math.isclose(table[row], float(embedder.word(word)[0] @ weights), abs_tol=1e-4)
    # And a text's dense margin is that function of its mean vector (distinct words).
    found = features("crashes and thanks and thanks", chars=False)
    words = sorted(w for w in found if w in index)
    mean = np.mean([embedder.word(w)[0] for w in words], axis=0)
    by_table = model.dense.margins(found, ["problem"])["problem"]
    assert math.isclose(by_table, float(mean @ weights), rel_tol=1e-4, abs_tol=1e-5)


def test_a_model_with_a_word_table_saves_and_loads_the_same(tmp_path: Path) -> None:
    model = _model()
    path = tmp_path / "dense.model.gz"
    model.save(path)
    loaded = Model.load(path)
    assert loaded.dense is not None
    texts = ["it crashes", "thanks , great", "broken"]
    # The file keeps float32 weights: the same reading to float32 precision.
    assert loaded.predict_proba(texts, head="problem") == pytest.approx(
        model.predict_proba(texts, head="problem"), abs=1e-6
    )
    model.save(tmp_path / "again.model.gz")
    assert (tmp_path / "again.model.gz").read_bytes() == path.read_bytes()


def test_a_model_without_dense_heads_keeps_the_first_file_format(tmp_path: Path) -> None:
    model = train(
        [t for t, _ in LABELLED],
        {"problem": [y for _, y in LABELLED]},
        settings=Settings(min_count=1, char_grams=False),
    )
    assert model.dense is None
    model.save(tmp_path / "plain.model.gz")
    assert Model.load(tmp_path / "plain.model.gz").dense is None
    assert Model.load("reply").dense is None  # the reply model is unchanged by all this


def test_the_shipped_customer_model_reads_words_through_its_table() -> None:
    model = Model.load("customer")
    assert model.dense is not None
    assert len(model.dense.index) > 15_000
    assert set(model.dense.scores) == set(customer.DENSE_HEADS)
    assert "indirect" not in model.dense.scores  # cross-validation left it out
    assert "wordllama" in model.meta["dense"]["source"]


def test_wordllama_embeddings_load_from_the_wheel_offline() -> None:
    pytest.importorskip("wordllama")  # the train extra; a plain install reads without it
    embedder = Embedder()
    assert embedder.vectors.shape == (32000, 256)

    def vector(word: str) -> np.ndarray:
        total, count = embedder.word(word)
        return np.asarray(total / count)

    def cosine(a: str, b: str) -> float:
        x, y = vector(a), vector(b)
        return float(x @ y / np.linalg.norm(x) / np.linalg.norm(y))

    assert cosine("crash", "freeze") > cosine("crash", "thanks")
    assert "password" in embedder.piece_words()


def test_missing_embedding_files_say_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(TrainingUnavailable, match="cannot read the embeddings"):
        Embedder(tmp_path)
