"""Learned models of the coach: small linear classifiers shipped inside the package.

The rules give spans, suggestions and explanations; these models decide where meaning
matters more than wording. Pure Python at run time (no numpy), offline, one core.

Using a model::

    from frontliner.coach.learned import Model
    model = Model.load("customer")            # shipped: learned/models/customer.model.gz
    model = Model.load(Path("my.model.gz"))   # or any file written by Model.save
    model.heads                               # {"complaint": Head, "indirect": Head, ...}
    model.predict_proba(["my login fails"], head="complaint")  # -> [0.93]
    model.predict(["my login fails"], head="complaint")        # -> [True] (head threshold)
    model.probabilities("my login fails")     # {head: probability} for one text
    model.decide("my login fails")            # {head: bool} for one text

`head` may be left out when a model has only one. Texts can be whole messages or single
sentences: the featuriser (`features.py`: words, word pairs, character 3-5-grams, a few
shape marks) does not care, so a per-sentence classifier is trained on sentences and
applied to `text.sentences(...)` of a draft.

Training (scikit-learn, a dev dependency and the `train` extra)::

    from frontliner.coach.learned import train, Settings, evaluate
    model = train(texts, {"complaint": [True, False, None, ...],   # None: not labelled
                          "indirect": [...]},
                  weights=[1.0, 0.3, ...],            # optional, per text
                  settings=Settings(c=4.0, min_count=2, prune=0.01))
    model = model.with_thresholds({"complaint": 0.45})
    model.save(Path("src/frontliner/coach/learned/models/name.model.gz"))
    evaluate(model, texts, gold, head="complaint")    # P/R/F1 with 95% Wilson intervals

A plain list of bools as labels trains a single head named "yes". `extras` (a tuple of
feature strings per text) lets a caller add features of its own, such as which lexicon
matched; pass the same `extra=` to `probabilities`/`decide` when predicting.
Training is deterministic; `Model.save` writes the same bytes for the same model.
"""

from __future__ import annotations

from frontliner.coach.learned.features import features, tokens
from frontliner.coach.learned.linear import Head, Model, ModelError
from frontliner.coach.learned.metrics import Scores, evaluate, scores, wilson
from frontliner.coach.learned.training import Settings, TrainingUnavailable, train

__all__ = [
    "Head",
    "Model",
    "ModelError",
    "Scores",
    "Settings",
    "TrainingUnavailable",
    "evaluate",
    "features",
    "scores",
    "tokens",
    "train",
    "wilson",
]
