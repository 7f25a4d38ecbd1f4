"""`frontliner coach train`: a new learned model from label files, with its held-out
scores (the examples whose conversation falls in the held-out part are never trained on).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.table import Table

from frontliner.coach.learned import Settings
from frontliner.coach.learned.examples import (
    Examples,
    Texts,
    customer_examples,
    label_lines,
    reply_examples,
)
from frontliner.coach.learned.fitting import Fitted, fit
from frontliner.coach.learned.reply_training import REPLY_SETTINGS, fit_reply_model

REPLY_RULES = (
    "cant",
    "cant-help",
    "bare-no",
    "policy",
    "blame",
    "hollow-empathy",
    "feelings",
    "guess",
    "argue",
    "no-apology",
    "no-thanks",
    "no-next-step",
    "too-long",
)


def examples_for(kind: str, labels: list[Path], data: list[Path]) -> Examples:
    lines = list(label_lines(labels))
    texts = Texts(data)
    if kind == "customer":
        return customer_examples(lines, texts)
    return reply_examples(lines, texts, REPLY_RULES)


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


def train_command(kind: str, labels: list[Path], data: list[Path], out: Path, c: float) -> Fitted:
    if kind == "reply":
        return _train_reply(labels, data, out, c)
    examples = examples_for(kind, labels, data)
    fitted = fit(examples, Settings(c=c), meta={"kind": kind, "examples": len(examples)})
    fitted.model.save(out)
    return fitted


def _train_reply(labels: list[Path], data: list[Path], out: Path, c: float) -> Fitted:
    """The reply model the coach ships: sentence by sentence (coach/learned/reply_training.py),
    scored on the held-out sentences."""
    settings = replace(REPLY_SETTINGS, c=c)
    fitted = fit_reply_model(labels, data, settings)
    fitted.model.save(out)
    return Fitted(fitted.model, fitted.heldout, {}, fitted.trained_on, fitted.held_out)
