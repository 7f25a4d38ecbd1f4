"""Train the coach's shipped solved model from the repo's labels, in one command.

    python bench/train_solved.py --data /work/shared/data [--out FILE]

Reads `bench/labels/messages/twitter-care-solved.jsonl` (every customer message of the
Twitter-care data, labelled confirms_solved / not_solved by id and turn) and
`bench/labels/written/solved-written.jsonl` (text written here, training only), the texts
from the data folder given; chooses the thresholds by 5-fold cross-validation on the part
outside the held-out one, trains on that part, prints the cross-validated and held-out
scores against the rules alone and writes the model (by default over the shipped one,
src/frontliner/coach/learned/models/solved.model.gz). The same as
`frontliner coach train --model solved` with these labels and data; deterministic.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from frontliner import cli_train
from frontliner.coach.learned.linear import SHIPPED

HERE = Path(__file__).resolve().parent
LABELS = [
    HERE / "labels" / "messages" / "twitter-care-solved.jsonl",
    HERE / "labels" / "written" / "solved-written.jsonl",
]
DATA = ["twitter-care/test.json"]


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


if __name__ == "__main__":
    main()
