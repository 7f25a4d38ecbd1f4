"""The learned-model machinery (coach/learned): featuriser, training, the model file and
`frontliner coach train`, on a small set of texts written here."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from frontliner.coach.learned import Model, ModelError, Settings, evaluate, features, train

FRONTLINER = str(Path(sys.executable).with_name("frontliner"))

# Written here: plain problem reports and their opposites (requests, thanks).
PROBLEMS = [
    "my login fails after the update",
    "the app crashes on every start",
    "the stream keeps dropping every few minutes",
    "my order never arrived",
    "I was charged twice for one order",
    "the console shows an error code and won't boot",
    "my account was taken over and the password changed",
    "the printer is broken again",
    "still no refund after three weeks",
    "the delivery is late again",
    "nothing works since the update",
    "the page keeps failing to load",
]
FINE = [
    "how do I change my delivery address",
    "thanks, that worked perfectly",
    "can I add a second user to my plan",
    "what time do you open on sunday",
    "great service today, thank you",
    "where can I find the manual",
    "do you ship to canada",
    "I would like to upgrade my plan",
    "thank you so much for the quick help",
    "is there a student discount",
    "can you tell me the opening hours",
    "how do I reset my password",
]


def _model() -> Model:
    texts = PROBLEMS + FINE
    return train(
        texts,
        {"problem": [True] * len(PROBLEMS) + [False] * len(FINE)},
        settings=Settings(c=10.0, min_count=1, prune=0.0),
    )


def test_features_fold_links_handles_digits_and_case() -> None:
    found = features("@ShopHelp My ORDER 12345 is late http://example.com/x")
    assert {"order", "@", "http", "00000", "order 00000", "<ord"} <= found
    assert not any("shophelp" in f or "example" in f for f in found)


def test_a_trained_model_tells_a_plain_problem_report_from_a_request() -> None:
    model = _model()
    yes, no = model.predict(["the app crashes after the update", "do you open on sunday"])
    assert yes is True and no is False


def test_a_saved_model_loads_with_the_same_probabilities(tmp_path: Path) -> None:
    model = _model()
    model.save(tmp_path / "m.model.gz")
    loaded = Model.load(tmp_path / "m.model.gz")
    texts = ["my login fails", "thank you so much"]
    assert loaded.predict_proba(texts) == pytest.approx(model.predict_proba(texts), abs=1e-5)


def test_training_and_saving_are_deterministic(tmp_path: Path) -> None:
    _model().save(tmp_path / "a.model.gz")
    _model().save(tmp_path / "b.model.gz")
    assert (tmp_path / "a.model.gz").read_bytes() == (tmp_path / "b.model.gz").read_bytes()


def test_a_head_learns_only_from_texts_labelled_for_it() -> None:
    texts = PROBLEMS + FINE + ["you are an idiot", "you useless clown", "idiots, all of you"]
    n = len(PROBLEMS) + len(FINE)
    labels: dict[str, list[bool | None]] = {
        "problem": [True] * len(PROBLEMS) + [False] * len(FINE) + [None] * 3,
        "insult": [False] * n + [True] * 3,
    }
    model = train(texts, labels, settings=Settings(c=10.0, min_count=1, prune=0.0))
    assert set(model.heads) == {"problem", "insult"}
    assert model.decide("what an idiot you are")["insult"] is True
    scores = evaluate(model, ["my order never arrived", "thanks a lot"], [True, False], "problem")
    assert (scores.tp, scores.tn) == (1, 1)


def test_naming_no_head_on_a_model_of_several_is_a_clear_error() -> None:
    model = train(
        PROBLEMS + FINE,
        {"a": [True] * 12 + [False] * 12, "b": [False] * 12 + [True] * 12},
        settings=Settings(min_count=1),
    )
    with pytest.raises(ValueError, match="name a head"):
        model.predict_proba(["x"])
    with pytest.raises(ValueError, match="no head 'c'"):
        model.predict_proba(["x"], head="c")


def test_a_file_that_is_not_a_model_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "bad.model.gz").write_bytes(b"not gzip")
    with pytest.raises(ModelError, match="not a model file"):
        Model.load(tmp_path / "bad.model.gz")
    (tmp_path / "other.model.gz").write_bytes(gzip.compress(b'{"format": "x"}'))
    with pytest.raises(ModelError, match="frontliner-linear/1"):
        Model.load(tmp_path / "other.model.gz")
    with pytest.raises(ModelError, match="cannot read"):
        Model.load(tmp_path / "missing.model.gz")


def test_training_refuses_a_head_with_one_kind_of_label() -> None:
    with pytest.raises(ValueError, match="both kinds"):
        train(PROBLEMS, [True] * len(PROBLEMS), settings=Settings(min_count=1))


def _write_labels(path: Path) -> None:
    """Customer-only inline labels, as real text (so a part of them is held out)."""
    lines = []
    for n, text in enumerate(PROBLEMS * 3 + FINE * 3):
        lines.append(
            {
                "id": f"w{n}",
                "customer_text": text,
                "customer": {"complaint": n < len(PROBLEMS) * 3},
            }
        )
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")


def test_train_command_writes_a_model_and_prints_held_out_scores(tmp_path: Path) -> None:
    _write_labels(tmp_path / "labels.jsonl")
    out = tmp_path / "mine.model.gz"
    result = subprocess.run(
        [
            FRONTLINER,
            "coach",
            "train",
            "--labels",
            str(tmp_path / "labels.jsonl"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "120"},
    )
    assert result.returncode == 0, result.stderr
    assert "held-out scores" in result.stdout and "complaint" in result.stdout
    problem, thanks = Model.load(out).predict_proba(
        ["my order never arrived", "thank you so much for the quick help"], "complaint"
    )
    assert problem > 0.5 > thanks


def test_train_command_refuses_labels_without_their_texts(tmp_path: Path) -> None:
    (tmp_path / "l.jsonl").write_text('{"id": "abc", "customer": {"complaint": true}}\n')
    result = subprocess.run(
        [
            FRONTLINER,
            "coach",
            "train",
            "--labels",
            str(tmp_path / "l.jsonl"),
            "--out",
            str(tmp_path / "m.model.gz"),
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"},
    )
    assert result.returncode == 2
    assert "no text for abc" in result.stderr
    assert not (tmp_path / "m.model.gz").exists()
