"""Train the coach's shipped solved model from the repo's labels, in one command.

    python bench/train_solved.py --data /work/shared/data [--out FILE]

Reads `bench/labels/messages/twitter-care-solved.jsonl` (every customer message of the
Twitter-care data, labelled confirms_solved / not_solved by id and turn) and
`bench/labels/written/solved-written.jsonl` (text written here, training only), the texts
from the data folder given; chooses the thresholds by 5-fold cross-validation on the part
outside the held-out one, trains on that part, prints the cross-validated and held-out
scores against the rules alone (and, as a check, the scores on the messages written apart
in tests/coach/solved_messages.yml) and writes the model (by default over the shipped one,
src/frontliner/coach/learned/models/solved.model.gz). The same as
`frontliner coach train --model solved` with these labels and data; deterministic.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table

from frontliner import cli_train
from frontliner.coach.analyser import rule_reading
from frontliner.coach.learned.linear import SHIPPED
from frontliner.coach.learned.metrics import scores
from frontliner.coach.learned.solved import combine, probabilities
from frontliner.coach.learned.solved_training import EXPECTED

HERE = Path(__file__).resolve().parent
LABELS = [
    HERE / "labels" / "messages" / "twitter-care-solved.jsonl",
    HERE / "labels" / "written" / "solved-written.jsonl",
]
DATA = ["twitter-care/test.json"]
APART = HERE.parent / "tests" / "coach" / "solved_messages.yml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=SHIPPED / "solved.model.gz")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fitted = cli_train.train_solved_command(LABELS, [args.data / d for d in DATA], args.out)
    console = Console(width=120)
    cli_train.render_solved(console, fitted)
    console.print(f"model written to {args.out} ({args.out.stat().st_size:,} bytes)")
    written_apart(console, fitted)


def written_apart(console: Console, fitted: cli_train.SolvedFit) -> None:
    """The messages of tests/coach/solved_messages.yml: written here apart from the
    lexicon and from the training text (never trained on; the rules were tuned on them,
    so they flatter the rules). Not real text: a check, not the measure."""
    data = yaml.safe_load(APART.read_text("utf-8"))
    how = fitted.combination
    table = Table(title=f"written apart ({APART.name}; not real text)")
    for column in ("reading", "head", "support", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column in ("reading", "head") else "right")
    for reading in ("rules", "combined"):
        said, gold = [], []
        for kind, (want_solved, want_not) in EXPECTED.items():
            for message in data[kind]:
                rules = rule_reading(str(message))[0]
                found = (rules.confirms_solved, rules.not_solved)
                if reading == "combined":
                    p = probabilities(fitted.model, str(message), *found)
                    found = combine(p["confirms_solved"], p["not_solved"], *found, how)
                said.append(found)
                gold.append((want_solved, want_not))
        for n, head in enumerate(("confirms_solved", "not_solved")):
            s = scores([g[n] for g in gold], [f[n] for f in said])
            table.add_row(reading, head, str(s.tp + s.fn), _num(s.precision),
                          _num(s.recall), _num(s.f1))
    console.print(table)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    main()
