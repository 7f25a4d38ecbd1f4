"""`frontliner coach train`: a new learned model from label files, with its held-out
scores (the examples whose conversation falls in the held-out part are never trained on).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table

from frontliner.coach import analyser
from frontliner.coach.learned import customer
from frontliner.coach.learned.examples import (
    ABUSE_KINDS,
    Examples,
    Texts,
    customer_examples,
    label_lines,
)
from frontliner.coach.learned.fitting import Fitted, fit
from frontliner.coach.learned.reply_training import REPLY_SETTINGS, fit_reply_model
from frontliner.coach.learned.solved_training import (
    SETTINGS as SOLVED_SETTINGS,
)
from frontliner.coach.learned.solved_training import (
    SolvedFit,
    fit_solved,
    solved_examples,
)
from frontliner.coach.learned.solved_training import (
    add_lexicon_examples as add_solved_lexicon_examples,
)

SOLVED_C = SOLVED_SETTINGS.c


def customer_training(labels: list[Path], data: list[Path]) -> Examples:
    examples = customer_examples(list(label_lines(labels)), Texts(data))
    add_lexicon_examples(examples)
    # The shipped reading weighs the rules' marks with the words: train the same way.
    examples.extras = [analyser.rule_reading(t)[1] for t in examples.texts]
    return examples


def add_lexicon_examples(examples: Examples) -> None:
    """The inbound lexicon's own examples (written here, the product's definitions by
    example) train the customer model too, so the model learns what the rules promise."""
    data = yaml.safe_load((analyser.LEXICONS / "inbound.yml").read_text("utf-8"))["examples"]
    for n, text in enumerate(data["complaint"]):
        examples.add(f"lexicon:complaint:{n}", text, {"complaint": True}, 1.0, real=False)
    for n, text in enumerate(data["not_complaint"]):
        examples.add(f"lexicon:not_complaint:{n}", text, {"complaint": False}, 1.0, real=False)
    for n, (text, kind) in enumerate(data["abuse"]):
        heads: dict[str, bool | None] = {k: k == kind for k in ABUSE_KINDS}
        examples.add(f"lexicon:abuse:{n}", text, {"abuse": True, **heads}, 1.0, real=False)
    for n, text in enumerate(data["not_abuse"]):
        heads = dict.fromkeys(ABUSE_KINDS, False)
        examples.add(f"lexicon:not_abuse:{n}", text, {"abuse": False, **heads}, 1.0, real=False)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ci(interval: tuple[float, float] | None) -> str:
    return "" if interval is None else f"({interval[0]:.2f}-{interval[1]:.2f})"


def render(console: Console, fitted: Fitted) -> None:
    table = Table(
        title=f"held-out scores ({fitted.trained_on} texts trained on, {fitted.held_out} held out)"
    )
    for column in ("head", "support", "precision (95% CI)", "recall (95% CI)", "F1"):
        table.add_column(column, justify="left" if column == "head" else "right")
    for head, s in fitted.heldout.items():
        d = s.to_dict()
        table.add_row(
            head,
            str(d["support"]),
            f"{_num(s.precision)} {_ci(d['precision_ci'])}",
            f"{_num(s.recall)} {_ci(d['recall_ci'])}",
            _num(s.f1),
        )
    console.print(table)
    for head, why in fitted.skipped.items():
        console.print(f"not trained: {head}: {why}")


def train_command(
    kind: str, labels: list[Path], data: list[Path], out: Path, c: float, chars: bool = False
) -> Fitted:
    """Train, save and return the model with its held-out scores. `chars`: character
    n-grams too (5-fold cross-validation found them worth nothing on complaints and 0.01
    F1 on abuse, at half the reading speed, so the customer model goes without)."""
    if kind == "reply":
        return _train_reply(labels, data, out, c)
    examples = customer_training(labels, data)
    # Only the heads the reading uses: each head is a dict of weights in every process.
    examples.labels = {h: v for h, v in examples.labels.items() if h in customer.HEADS}
    meta = {"kind": kind, "examples": len(examples), "c": c}
    settings = replace(customer.SETTINGS, c=c, char_grams=chars)
    # The word table knows every word of the data sets given, labelled or not.
    more = Texts(data).every_text() if settings.dense else []
    fitted = fit(examples, settings, customer.THRESHOLDS, meta, vocabulary_texts=more)
    fitted.model.save(out)
    return fitted


def _train_reply(labels: list[Path], data: list[Path], out: Path, c: float) -> Fitted:
    """The reply model the coach ships: sentence by sentence (coach/learned/reply_training.py),
    scored on the held-out sentences."""
    settings = replace(REPLY_SETTINGS, c=c)
    fitted = fit_reply_model(labels, data, settings)
    fitted.model.save(out)
    return Fitted(fitted.model, fitted.heldout, {}, fitted.trained_on, fitted.held_out)


def train_solved_command(
    labels: list[Path], data: list[Path], out: Path, c: float = SOLVED_C
) -> SolvedFit:
    """Train the solved model (thresholds by cross-validation), save it and return it
    with its cross-validated and held-out scores (coach/learned/solved_training.py)."""
    examples = solved_examples(label_lines(labels), Texts(data))
    if not examples.texts:
        raise ValueError("no label has confirms_solved / not_solved fields")
    add_solved_lexicon_examples(examples)
    fitted = fit_solved(examples, c)
    fitted.model.save(out)
    return fitted


def render_solved(console: Console, fitted: SolvedFit) -> None:
    how = fitted.combination
    console.print(
        f"chosen by 5-fold cross-validation: confirms_solved = rules at p >= {how.keep_solved}"
        f" or model at p >= {how.add_solved}; not_solved = rules at p >= {how.keep_not}"
        f" or model at p >= {how.add_not}"
    )
    for title, parts in (
        (f"cross-validated on the dev part ({fitted.trained_on} texts)", fitted.cv),
        (f"held out ({fitted.held_out} real messages, never trained or tuned on)",
         fitted.heldout),
    ):
        table = Table(title=title)
        for column in ("reading", "head", "support", "precision (95% CI)", "recall (95% CI)",
                       "F1"):
            table.add_column(column, justify="left" if column in ("reading", "head") else "right")
        for reading, heads in parts.items():
            for head, s in heads.items():
                d = s.to_dict()
                table.add_row(
                    reading, head, str(d["support"]),
                    f"{_num(s.precision)} {_ci(d['precision_ci'])}",
                    f"{_num(s.recall)} {_ci(d['recall_ci'])}", _num(s.f1),
                )
        console.print(table)
