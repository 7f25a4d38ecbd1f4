"""How well does `read` agree with hand labels on every real customer message?

    python bench/reading_accuracy.py --data /work/shared/data [--part holdout|dev] [--json]

Where bench/coach_accuracy.py scores the last customer message of each Twitter-care
conversation, this scores every labelled real message: all customer turns of the
conversations (bench/labels/*.jsonl and messages/twitter-care-earlier.jsonl) and the
relabelled offensive tweets (messages/offensive-tweets-abuse*.jsonl, abuse only). Text
written here or generated is never scored. For complaint, indirect and abuse it prints
precision, recall and F1 with 95% Wilson intervals for the final reading (the lexicons
decided by the learned customer model) and for the lexicons alone, so the model's part
shows. The held-out part is the default: the model never trained on it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from frontliner.coach import analyser
from frontliner.coach.learned import customer, scores
from frontliner.coach.learned.examples import (
    Texts,
    customer_examples,
    is_holdout,
    label_lines,
)

HERE = Path(__file__).resolve().parent
LABELS = [HERE / "labels", HERE / "labels" / "messages"]
DATA = ["twitter-care/test.json", "offensive-tweets/labeled_data.csv"]
FIELDS = ("complaint", "indirect", "abuse")


def measure(data: Path, part: str) -> dict[str, dict[str, Any]]:
    lines = [(w, label) for w, label in label_lines(LABELS) if not label.get("generated")]
    examples = customer_examples(lines, Texts([data / d for d in DATA]))
    want = part == "holdout"
    chosen = examples.part(is_holdout(i) == want for i in examples.ids)
    pairs: dict[str, list[tuple[bool, bool, bool]]] = {f: [] for f in FIELDS}
    for n, text in enumerate(chosen.texts):
        rules, marks = analyser.rule_reading(text)
        final = customer.decide(text, rules, marks)
        alone = customer.decide_without_model(rules)
        for field in FIELDS:
            gold = chosen.labels[field][n]
            if gold is not None:
                pairs[field].append((gold, getattr(final, field), getattr(alone, field)))
    out: dict[str, dict[str, Any]] = {}
    for field, rows in pairs.items():
        gold = [g for g, _, _ in rows]
        out[field] = {
            "with_model": scores(gold, [m for _, m, _ in rows]).to_dict(),
            "lexicons_alone": scores(gold, [r for _, _, r in rows]).to_dict(),
        }
    return out


def _cell(d: dict[str, Any]) -> str:
    def num(v: float | None) -> str:
        return "-" if v is None else f"{v:.2f}"

    def ci(v: tuple[float, float] | None) -> str:
        return "" if v is None else f" ({v[0]:.2f}-{v[1]:.2f})"

    return (
        f"P {num(d['precision'])}{ci(d['precision_ci'])} R {num(d['recall'])}"
        f"{ci(d['recall_ci'])} F1 {num(d['f1'])}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--part", choices=("holdout", "dev"), default="holdout")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.data, args.part)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    table = Table(title=f"{args.part}: every labelled real customer message")
    for column in ("field", "support", "with the model", "lexicons alone"):
        table.add_column(column)
    for field, r in result.items():
        table.add_row(
            field,
            str(r["with_model"]["support"]),
            _cell(r["with_model"]),
            _cell(r["lexicons_alone"]),
        )
    Console(width=160).print(table)


if __name__ == "__main__":
    main()
