"""How well does the reply coach agree with hand labels on real customer-care text?

    python bench/coach_accuracy.py --data /path/to/twitter-care/test.json
        [--labels bench/labels] [--part dev|holdout|aside|all] [--json]
        [--errors RULE] [--check-labels] [--reply-model PATH|none]

Reads every `*.jsonl` label file (format: bench/labels/README.md), runs the coach library
on each labelled conversation (the final agent reply, read against the last customer
message before it) and prints per-rule precision/recall/F1 and the inbound analyser's
agreement. Dev and held-out conversations are reported apart, because rules and lexicons
may be tuned on dev only. Where `labels/sentences/` holds per-sentence labels (every agent
message, not only the final reply), a sentence-level table per part follows
(`sentence_accuracy.py`). The part kept aside (`aside`, one conversation in ten) is in
neither dev nor held-out: score it with `--part aside` once, at the end of a piece of
work. The texts stay in the data set: `--errors` prints them to the
terminal and nothing here writes them anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
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
from accuracy_targets import ENOUGH, INBOUND_TARGETS, RULE_TARGET, intervals, verdict
from sentence_accuracy import FOLDER as SENTENCE_FOLDER
from sentence_accuracy import SENTENCE_RULES, load_messages, part_of_session
from sentence_accuracy import confusion as sentence_confusion
from sentence_accuracy import score as score_sentences


@dataclass(frozen=True)
class Scored:
    """One labelled conversation with what the coach said about it."""

    label: Label
    conversation: Conversation
    predicted: frozenset[str]
    reading: dict[str, Any] | None


# --- running the coach -------------------------------------------------------------------


Check = Callable[..., Any]  # (draft, customer=...) -> report with .findings
Read = Callable[[str], Any]  # message -> reading with .to_dict()


def coach_api(reply_model: str | None = None) -> tuple[Check, Read]:
    """The library contract of DESIGN.md: `frontliner.coach.check` and `.read`; with
    `reply_model` (a model file, or `none` for the rules alone) the same calls of a
    coach configured with it, to compare."""
    import frontliner.coach as coach

    if reply_model is not None:
        from frontliner.coach.config import CoachConfig

        configured = coach.Coach(CoachConfig.from_dict({"reply_model": reply_model}))
        return configured.check, configured.read
    check, read = getattr(coach, "check", None), getattr(coach, "read", None)
    if check is None or read is None:
        raise UnusableInput("frontliner.coach does not export check() and read()")
    return check, read


def score_all(
    labels: Iterable[Label], data: dict[str, Conversation], check: Check, read: Read
) -> list[Scored]:
    out = []
    for label in labels:
        conversation = data[label.id]
        predicted = _rule_ids(check(conversation.reply, customer=conversation.customer))
        if "cant-help" in predicted:  # an "I can't help you" is also an "I can't"
            predicted.add("cant")
        reading = None if conversation.customer is None else read(conversation.customer)
        out.append(Scored(label, conversation, frozenset(predicted), _as_dict(reading)))
    return out


def _rule_ids(report: Any) -> set[str]:
    findings = report["findings"] if isinstance(report, dict) else report.findings
    return {f["rule"] if isinstance(f, dict) else f.rule for f in findings}


def _as_dict(reading: Any) -> dict[str, Any] | None:
    if reading is None or isinstance(reading, dict):
        return reading
    return dict(reading.to_dict())


# --- metrics -------------------------------------------------------------------------------


def prf(tp: int, fp: int, fn: int) -> dict[str, float | None]:
    """Precision, recall and F1 (= 2TP / (2TP + FP + FN)); None where nothing was
    predicted, nothing was labelled, or neither."""
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    return {"precision": precision, "recall": recall, "f1": f1}


def confusion(pairs: Iterable[tuple[bool, bool]]) -> dict[str, Any]:
    """(gold, predicted) pairs -> support, TP, FP, FN and their P/R/F1."""
    tp = fp = fn = support = 0
    for gold, predicted in pairs:
        support += gold
        tp += gold and predicted
        fp += predicted and not gold
        fn += gold and not predicted
    return {"support": support, "tp": tp, "fp": fp, "fn": fn, **prf(tp, fp, fn)}


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing the average of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation (Pearson on tie-averaged ranks); None if either side
    has no spread."""
    if len(xs) != len(ys) or len(xs) < 2:
        return None
    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return None if vx == 0 or vy == 0 else cov / (vx * vy) ** 0.5


def rule_metrics(scored: list[Scored]) -> dict[str, dict[str, Any]]:
    table = {r: confusion((r in s.label.reply, r in s.predicted) for s in scored) for r in RULES}
    tp, fp, fn = (sum(m[k] for m in table.values()) for k in ("tp", "fp", "fn"))
    table["all rules (micro)"] = {
        "support": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        **prf(tp, fp, fn),
    }
    for name, m in table.items():
        m.update(intervals(m), target=verdict(m, RULE_TARGET if name in RULES else None))
    table["macro"] = macro({r: table[r] for r in RULES})
    return table


def macro(table: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Mean precision, recall and F1 over the rules that were labelled or flagged at least
    once (a rule never flagged has precision 0 when it was labelled)."""
    used = [m for m in table.values() if m["tp"] + m["fp"] + m["fn"]]
    if not used:
        return {"support": 0, "tp": 0, "fp": 0, "fn": 0, **prf(0, 0, 0), "target": ""}
    mean = {
        key: sum(m[key] or 0.0 for m in used) / len(used) for key in ("precision", "recall", "f1")
    }
    return {
        "support": sum(m["support"] for m in used),
        "tp": sum(m["tp"] for m in used),
        "fp": sum(m["fp"] for m in used),
        "fn": sum(m["fn"] for m in used),
        **mean,
        "precision_ci": None,
        "recall_ci": None,
        "target": f"over {len(used)} rules",
    }


def sentence_metrics(rows: list[tuple[frozenset[str], set[str]]]) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = dict(sentence_confusion(rows))
    for m in table.values():
        m.update(prf(m["tp"], m["fp"], m["fn"]))
        m.update(intervals(m), target=verdict(m, RULE_TARGET))
    table["macro"] = macro({r: table[r] for r in SENTENCE_RULES})
    return table


def inbound_metrics(scored: list[Scored]) -> dict[str, Any]:
    # (gold, read) for every conversation that had a customer message to read
    pairs = [(s.label.customer, s.reading) for s in scored if s.reading is not None]
    out: dict[str, Any] = {
        flag: confusion((bool(gold[flag]), bool(got[flag])) for gold, got in pairs)
        for flag in INBOUND_FLAGS
    }
    for flag in INBOUND_FLAGS:
        out[flag].update(intervals(out[flag]), target=verdict(out[flag], INBOUND_TARGETS.get(flag)))
    hits = sum(gold["urgency"] == got["urgency"] for gold, got in pairs)
    out["urgency_accuracy"] = hits / len(pairs) if pairs else None
    levels = [float(FRUSTRATION.index(gold["frustration"])) for gold, _ in pairs]
    out["frustration_spearman"] = spearman(levels, [float(got["frustration"]) for _, got in pairs])
    out["read"] = len(pairs)
    return out


def part_of(scored: list[Scored], part: str) -> list[Scored]:
    if part == "all":
        return scored
    if part == "holdout":
        return [s for s in scored if is_holdout(s.label.id)]
    return [s for s in scored if part_of_session(s.label.id) == part]


def misclassified(scored: list[Scored], what: str) -> list[tuple[Scored, str]]:
    """(conversation, 'FP'|'FN'|'gold->predicted') for a rule id or an inbound field."""
    out = []
    for s in scored:
        if what in RULES:
            gold, got = what in s.label.reply, what in s.predicted
            if gold != got:
                out.append((s, "FN" if gold else "FP"))
        elif s.reading is not None and s.label.customer[what] != s.reading[what]:
            out.append((s, f"{s.label.customer[what]} -> {s.reading[what]}"))
    return out


# --- output ------------------------------------------------------------------------------


WIDE = 132


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ci(interval: tuple[float, float] | None) -> str:
    return "-" if interval is None else f"{interval[0]:.2f}-{interval[1]:.2f}"


def render_part(console: Console, name: str, scored: list[Scored]) -> None:
    title = f"{name}: reply rules ({len(scored)} conversations)"
    console.print(rule_table(title, rule_metrics(scored)))
    console.print(
        f"target per rule: {RULE_TARGET.describe()}, judged with >= {ENOUGH} labelled examples"
    )
    render_inbound(console, name, scored)


def rule_table(title: str, metrics: dict[str, dict[str, Any]]) -> Table:
    rules = Table(title=title)
    columns = ("rule", "support", "TP", "FP", "FN", "precision", "(95% CI)", "recall", "(95% CI)")
    for column in (*columns, "F1", "target"):
        rules.add_column(column, justify="left" if column in ("rule", "target") else "right")
    for rule, m in metrics.items():
        rules.add_row(
            rule,
            str(m["support"]),
            str(m["tp"]),
            str(m["fp"]),
            str(m["fn"]),
            _num(m["precision"]),
            _ci(m["precision_ci"]),
            _num(m["recall"]),
            _ci(m["recall_ci"]),
            _num(m["f1"]),
            m["target"],
        )
    return rules


def render_inbound(console: Console, name: str, scored: list[Scored]) -> None:
    inbound = inbound_metrics(scored)
    table = Table(title=f"{name}: inbound analyser ({inbound['read']} customer messages)")
    for column in ("field", "support", "precision", "recall", "F1 / value", "target"):
        table.add_column(column, justify="left" if column in ("field", "target") else "right")
    for flag in INBOUND_FLAGS:
        m = inbound[flag]
        goal = INBOUND_TARGETS.get(flag)
        table.add_row(
            flag,
            str(m["support"]),
            _num(m["precision"]),
            _num(m["recall"]),
            _num(m["f1"]),
            f"{m['target']} ({goal.describe()})" if goal else "",
        )
    table.add_row("urgency accuracy", "", "", "", _num(inbound["urgency_accuracy"]), "")
    table.add_row("frustration Spearman", "", "", "", _num(inbound["frustration_spearman"]), "")
    console.print(table)


def render_errors(console: Console, what: str, scored: list[Scored]) -> None:
    wrong = misclassified(scored, what)
    console.print(f"[bold]{what}[/bold]: {len(wrong)} misclassified of {len(scored)}")
    for s, kind in wrong:
        console.rule(f"{s.label.id}  {kind}  predicted: {', '.join(sorted(s.predicted)) or '-'}")
        # Text, not markup: tweets hold brackets that Rich would read as style tags.
        console.print("[dim]customer:[/dim]", Text(s.conversation.customer or "-"))
        console.print("[dim]reply:[/dim]", Text(s.conversation.reply))


PARTS = {
    "dev": ("dev",),
    "holdout": ("holdout",),
    "aside": ("aside",),
    "all": ("dev", "holdout", "aside", "all"),
}


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="twitter-care test.json")
    parser.add_argument("--labels", type=Path, default=here / "labels", help="folder of *.jsonl")
    parser.add_argument("--part", choices=tuple(PARTS), default="all")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument(
        "--errors",
        metavar="RULE",
        help=f"list misclassified ids for a rule id or one of "
        f"{', '.join((*INBOUND_FLAGS, 'urgency'))}",
    )
    parser.add_argument("--check-labels", action="store_true", help="only validate the labels")
    parser.add_argument(
        "--reply-model",
        metavar="PATH|none",
        help="score a coach with this reply model file, or `none` for the rules alone",
    )
    args = parser.parse_args(argv)
    if args.errors and args.errors not in (*RULES, *INBOUND_FLAGS, "urgency"):
        parser.error(f"--errors: unknown rule or field {args.errors!r}")
    return args


def run(args: argparse.Namespace, console: Console) -> int:
    data = load_conversations(args.data)
    lines = read_label_lines(args.labels)
    problems = validate(lines, data)
    if problems or args.check_labels:
        for problem in problems:
            console.print(problem, markup=False, highlight=False)
        console.print(f"{len(lines)} labels, {len(problems)} problems")
        return 1 if problems else 0
    check, read = coach_api(args.reply_model)
    scored = score_all(to_labels(lines), data, check, read)
    parts = {name: part_of(scored, name) for name in PARTS[args.part]}
    sentences = sentence_parts(args, check)
    if args.errors:
        render_errors(console, args.errors, parts[args.part])
    elif args.json:
        report = {
            name: {"conversations": len(s), "rules": rule_metrics(s), "inbound": inbound_metrics(s)}
            for name, s in parts.items()
        }
        report["sentences"] = {name: sentence_metrics(rows) for name, rows in sentences.items()}
        print(json.dumps(report, indent=2))
    else:
        for name, s in parts.items():
            render_part(console, name, s)
        for name, rows in sentences.items():
            title = f"{name}: sentences of every agent message ({len(rows)} sentences)"
            console.print(rule_table(title, sentence_metrics(rows)))
    return 0


def sentence_parts(
    args: argparse.Namespace, check: Check
) -> dict[str, list[tuple[frozenset[str], set[str]]]]:
    """The sentence-level (gold, predicted) rows per part, for the parts asked for."""
    folder = args.labels / SENTENCE_FOLDER
    if not folder.is_dir():
        return {}
    scored = score_sentences(load_messages(folder, args.data), check)
    wanted = [name for name in PARTS[args.part] if name != "all"]
    return {name: scored.get(name, []) for name in wanted}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    console = Console()
    if console.width < WIDE:  # the tables need it; a pipe or CI log would wrap them
        console = Console(width=WIDE)
    try:
        return run(args, console)
    except UnusableInput as exc:
        print(f"coach_accuracy: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
