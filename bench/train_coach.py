"""Train the coach's shipped customer model from the repo's labels, in one command.

    python bench/train_coach.py --data /work/shared/data [--out FILE] [--c 4.0]

Reads the label files of bench/labels (the last customer message of each Twitter-care
conversation), bench/labels/messages (every earlier customer message, a relabelled sample
of the offensive tweets, a sample of the Bitext utterances) and bench/labels/written (text
written here), the texts from the data folder given, trains on everything outside the
held-out part, prints the held-out scores and writes the model (by default over the
shipped one, src/frontliner/coach/learned/models/customer.model.gz). The same as
`frontliner coach train --model customer` with these labels and data; deterministic.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from frontliner import cli_train
from frontliner.coach.learned.linear import SHIPPED

HERE = Path(__file__).resolve().parent
LABELS = [HERE / "labels", HERE / "labels" / "messages", HERE / "labels" / "written"]
DATA = [
    "twitter-care/test.json",
    "offensive-tweets/labeled_data.csv",
    "bitext-support/utterances.csv",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=SHIPPED / "customer.model.gz")
    parser.add_argument("--c", type=float, default=4.0, help="inverse regularisation")
    parser.add_argument("--char-grams", action="store_true", help="character n-grams too")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fitted = cli_train.train_command(
        "customer", LABELS, [args.data / d for d in DATA], args.out, args.c, args.char_grams
    )
    console = Console(width=120)
    cli_train.render(console, fitted)
    console.print(f"model written to {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
