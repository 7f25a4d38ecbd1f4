"""How far do two labellers agree on the coach's accuracy labels?

    python bench/label_agreement.py --data /path/to/twitter-care/test.json
        [--first bench/labels] [--second bench/labels/second] [--part dev|holdout|all]
        [--json] [--disagreements FIELD]

The coach's targets (bench/coach_accuracy.py) only mean something if the hand labels are
at least that consistent. On the conversations both folders label, this prints for
complaint, indirect and abuse, and for every reply rule either labeller used: how often
both, only the first or only the second said yes, the raw agreement and Cohen's kappa.
For the rules it also prints the precision and recall the FIRST labels would score if the
SECOND were the truth: the ceiling a perfect copy of one labeller faces when measured
against the other. Urgency and frustration get agreement and kappa over their levels
(frustration also Spearman's rho, as the coach bench scores it).

Both folders are validated against the data first (bench/accuracy_labels.py); invalid
labels, or second labels for conversations the first never labelled, are refused with
exit code 2. `--disagreements` prints the texts of the disagreeing conversations to the
terminal only; nothing here writes them anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from accuracy_labels import (
    FRUSTRATION,
    INBOUND_FLAGS,
    RULES,
    Conversation,
    Label,
    UnusableInput,
    is_holdout,
    load_conversations,
    read_label_lines,
    to_labels,
    validate,
)
from coach_accuracy import _num, confusion, spearman

LEVELS = ("urgency", "frustration")
SHOWN_IDS = 5  # ids quoted in an error message before "..."


@dataclass(frozen=True)
class Pair:
    """One conversation as both labellers saw it."""

    first: Label
    second: Label
    conversation: Conversation


# --- agreement -----------------------------------------------------------------------------


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa, (p_o - p_e) / (1 - p_e): observed agreement corrected for the
    agreement expected by chance from each labeller's own category frequencies.
    None when it is undefined: no items, or both labellers used one and the same
    category throughout (chance agreement is already 1)."""
    if len(first) != len(second):
        raise ValueError("kappa needs two label sequences of the same length")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    count_first, count_second = Counter(first), Counter(second)
    expected = sum(count_first[c] * count_second[c] for c in count_first) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def agreement(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    if not first:
        return None
    return sum(a == b for a, b in zip(first, second, strict=True)) / len(first)


def binary(first: Sequence[bool], second: Sequence[bool]) -> dict[str, Any]:
    """Counts, agreement and kappa for one yes/no field, plus the precision/recall the
    first labels score with the second taken as the truth."""
    scored = confusion(zip(second, first, strict=True))  # (gold, predicted) = (second, first)
    return {
        "both": scored["tp"],
        "only_first": scored["fp"],
        "only_second": scored["fn"],
        "neither": len(first) - scored["tp"] - scored["fp"] - scored["fn"],
        "agreement": agreement(first, second),
        "kappa": cohen_kappa(first, second),
        "ceiling_precision": scored["precision"],
        "ceiling_recall": scored["recall"],
    }


def inbound_agreement(pairs: list[Pair]) -> dict[str, Any]:
    return {
        flag: binary(
            [bool(p.first.customer[flag]) for p in pairs],
            [bool(p.second.customer[flag]) for p in pairs],
        )
        for flag in INBOUND_FLAGS
    }


def rule_agreement(pairs: list[Pair]) -> dict[str, dict[str, Any]]:
    """Every rule id either labeller used at least once, then all of them pooled."""
    out = {}
    for rule in RULES:
        first = [rule in p.first.reply for p in pairs]
        second = [rule in p.second.reply for p in pairs]
        if any(first) or any(second):
            out[rule] = binary(first, second)
    pooled_first = [rule in p.first.reply for p in pairs for rule in RULES]
    pooled_second = [rule in p.second.reply for p in pairs for rule in RULES]
    out["all rules (micro)"] = binary(pooled_first, pooled_second)
    return out


def level_agreement(pairs: list[Pair]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in LEVELS:
        first = [p.first.customer[field] for p in pairs]
        second = [p.second.customer[field] for p in pairs]
        out[field] = {"agreement": agreement(first, second), "kappa": cohen_kappa(first, second)}
    rank = FRUSTRATION.index
    out["frustration"]["spearman"] = spearman(
        [float(rank(p.first.customer["frustration"])) for p in pairs],
        [float(rank(p.second.customer["frustration"])) for p in pairs],
    )
    return out


def report(pairs: list[Pair]) -> dict[str, Any]:
    return {
        "conversations": len(pairs),
        "inbound": inbound_agreement(pairs),
        "rules": rule_agreement(pairs),
        "levels": level_agreement(pairs),
    }


# --- reading both label sets ---------------------------------------------------------------


def load_labels(folder: Path, name: str, data: dict[str, Conversation]) -> list[Label]:
    lines = read_label_lines(folder)
    problems = validate(lines, data)
    if problems:
        listed = "\n  ".join(problems)
        raise UnusableInput(f"the {name} labels in {folder} are invalid:\n  {listed}")
    return to_labels(lines)


def pair_up(first: list[Label], second: list[Label], data: dict[str, Conversation]) -> list[Pair]:
    """The conversations both labelled, in the second labeller's order. The second set is
    a sample of the first: a second label with no first label means the folders do not
    belong together (another data set, a stale sample), so it is refused."""
    by_id = {label.id: label for label in first}
    missing = [label.id for label in second if label.id not in by_id]
    if missing:
        shown = ", ".join(missing[:SHOWN_IDS]) + (", ..." if len(missing) > SHOWN_IDS else "")
        raise UnusableInput(
            f"{len(missing)} of {len(second)} second labels have no first label "
            f"({shown}): the two folders do not label the same conversations"
        )
    return [Pair(by_id[label.id], label, data[label.id]) for label in second]


def part_of(pairs: list[Pair], part: str) -> list[Pair]:
    if part == "all":
        return pairs
    return [p for p in pairs if is_holdout(p.first.id) == (part == "holdout")]


# --- output --------------------------------------------------------------------------------


def _counts_table(title: str, rows: dict[str, dict[str, Any]], ceiling: bool) -> Table:
    table = Table(title=title)
    columns = ["field", "both", "only 1st", "only 2nd", "agree", "kappa"]
    columns += ["1st P", "1st R"] if ceiling else []
    for column in columns:
        if column == "field":
            table.add_column(column, no_wrap=True)
        else:
            table.add_column(column, justify="right")
    for name, m in rows.items():
        cells = [name, str(m["both"]), str(m["only_first"]), str(m["only_second"])]
        cells += [_num(m["agreement"]), _num(m["kappa"])]
        if ceiling:
            cells += [_num(m["ceiling_precision"]), _num(m["ceiling_recall"])]
        table.add_row(*cells)
    return table


def render(console: Console, name: str, result: dict[str, Any]) -> None:
    n = result["conversations"]
    console.print(
        _counts_table(f"{name}: customer message ({n} conversations)", result["inbound"], False)
    )
    console.print(
        _counts_table(
            f"{name}: reply rules ({n} conversations; 1st P/R: the first labels scored "
            "with the second as the truth)",
            result["rules"],
            True,
        )
    )
    levels = Table(title=f"{name}: levels")
    for column in ("field", "agreement", "kappa", "Spearman"):
        levels.add_column(column, justify="left" if column == "field" else "right")
    for field, m in result["levels"].items():
        levels.add_row(field, _num(m["agreement"]), _num(m["kappa"]), _num(m.get("spearman")))
    console.print(levels)


def disagreements(pairs: list[Pair], what: str) -> list[tuple[Pair, str, str]]:
    """(pair, first's value, second's value) wherever the two differ on a rule or field."""
    out = []
    for p in pairs:
        if what in RULES:
            a, b = what in p.first.reply, what in p.second.reply
        else:
            a, b = p.first.customer[what], p.second.customer[what]
        if a != b:
            out.append((p, str(a), str(b)))
    return out


def render_disagreements(console: Console, what: str, pairs: list[Pair]) -> None:
    found = disagreements(pairs, what)
    console.print(f"[bold]{what}[/bold]: {len(found)} disagreements of {len(pairs)}")
    for p, a, b in found:
        part = "held-out" if is_holdout(p.first.id) else "dev"
        console.rule(f"{p.first.id} ({part})  first: {a}  second: {b}")
        console.print(
            "[dim]first reply rules:[/dim]", Text(", ".join(sorted(p.first.reply)) or "-")
        )
        console.print(
            "[dim]second reply rules:[/dim]", Text(", ".join(sorted(p.second.reply)) or "-")
        )
        # Text, not markup: tweets hold brackets that Rich would read as style tags.
        console.print("[dim]customer:[/dim]", Text(p.conversation.customer or "-"))
        console.print("[dim]reply:[/dim]", Text(p.conversation.reply))


FIELDS = (*INBOUND_FLAGS, *LEVELS)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="twitter-care test.json")
    parser.add_argument("--first", type=Path, default=here / "labels", help="folder of *.jsonl")
    parser.add_argument(
        "--second", type=Path, default=here / "labels" / "second", help="folder of *.jsonl"
    )
    parser.add_argument("--part", choices=("dev", "holdout", "all"), default="all")
    parser.add_argument("--json", action="store_true", help="print the agreement as JSON")
    parser.add_argument(
        "--disagreements",
        metavar="FIELD",
        help=f"list the conversations the labellers disagree on for a rule id or one of "
        f"{', '.join(FIELDS)}",
    )
    args = parser.parse_args(argv)
    if args.disagreements and args.disagreements not in (*RULES, *FIELDS):
        parser.error(f"--disagreements: unknown rule or field {args.disagreements!r}")
    return args


def run(args: argparse.Namespace, console: Console) -> int:
    if args.first.resolve() == args.second.resolve():
        raise UnusableInput(f"--first and --second are the same folder ({args.first})")
    data = load_conversations(args.data)
    first = load_labels(args.first, "first", data)
    second = load_labels(args.second, "second", data)
    pairs = part_of(pair_up(first, second, data), args.part)
    if args.disagreements:
        render_disagreements(console, args.disagreements, pairs)
    elif args.json:
        print(json.dumps({"part": args.part, **report(pairs)}, indent=2))
    else:
        render(console, args.part, report(pairs))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return run(args, Console())
    except UnusableInput as exc:
        print(f"label_agreement: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
