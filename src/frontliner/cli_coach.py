"""`frontliner coach check|read`: the coach's command-line contract (DESIGN.md).

Thin on purpose: read the input, call `frontliner.coach`, render. The JSON printed is
exactly `Report.to_dict()` / `Reading.to_dict()`, the same the library and the API give.
Exit codes: 0 when the input was read (findings or not), 2 when it was unusable.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
import yaml
from rich.console import Console
from rich.markup import escape

from frontliner.coach import (
    MAX_CHARS,
    Coach,
    CoachConfig,
    ConfigError,
    InputTooLarge,
    Options,
    PackError,
    Report,
)

app = typer.Typer(
    help="The reply coach and the inbound analyser.", no_args_is_help=True
)
UNUSABLE = 2
# Longest JSONL line read into memory; the rest of a longer line is skipped in chunks so a
# batch streams in constant memory whatever it holds.
MAX_LINE_BYTES = MAX_CHARS * 4 + 1024
_CHUNK = 1 << 16
# json.dumps with options builds a new encoder per call; a batch line reuses this one
# (the same output, byte for byte).
_encode = json.JSONEncoder(ensure_ascii=False).encode

SourceArg = Annotated[
    str, typer.Argument(metavar="FILE|-", help="A file, or - for standard input.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the contract JSON.")]
JsonlOpt = Annotated[
    bool, typer.Option("--jsonl", help="Batch: one JSON input per line, one result per line.")
]


class Unusable(Exception):
    """Input the coach cannot read; the message names what and why."""


def _fail(message: str) -> typer.Exit:
    # One unbroken line, whatever the terminal width: scripts grep these messages.
    Console(stderr=True, highlight=False).print(
        f"[red]error:[/red] {escape(message)}", soft_wrap=True
    )
    return typer.Exit(UNUSABLE)


def _open(source: str) -> TextIO:
    if source == "-":
        return sys.stdin
    try:
        return Path(source).open(encoding="utf-8", newline="")
    except OSError as exc:
        raise Unusable(f"{source}: cannot open: {exc.strerror or exc}") from exc


def read_text(source: str) -> str:
    """The whole input, refusing anything above MAX_CHARS without reading all of it."""
    handle = _open(source)
    try:
        text = handle.read(MAX_CHARS + 1)
    except UnicodeDecodeError as exc:
        raise Unusable(f"{_name(source)}: not UTF-8 text ({exc.reason})") from exc
    finally:
        if handle is not sys.stdin:
            handle.close()
    if len(text) > MAX_CHARS:
        raise Unusable(
            f"{_name(source)}: more than {MAX_CHARS:,} characters; the coach reads at most "
            f"{MAX_CHARS:,} per message (use --jsonl for many messages)"
        )
    return text


def _name(source: str) -> str:
    return "<stdin>" if source == "-" else source


def _lines(source: str) -> Iterator[tuple[int, str | None]]:
    """(line number, text) per line, or None for a line too long or not UTF-8."""
    handle = sys.stdin.buffer if source == "-" else _open_binary(source)
    number = 0
    while True:
        raw = handle.readline(MAX_LINE_BYTES)
        if not raw:
            return
        number += 1
        if not raw.endswith(b"\n") and len(raw) == MAX_LINE_BYTES:
            while (more := handle.readline(_CHUNK)) and not more.endswith(b"\n"):
                pass
            yield number, None
            continue
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, None


def _open_binary(source: str) -> Any:
    try:
        return Path(source).open("rb")
    except OSError as exc:
        raise Unusable(f"{source}: cannot open: {exc.strerror or exc}") from exc


def _options(options_file: Path | None, remedies: list[str], articles: list[str]) -> Options:
    data: dict[str, Any] = {"remedies": list(remedies), "articles": list(articles)}
    if options_file is not None:
        try:
            loaded = yaml.safe_load(options_file.read_text(encoding="utf-8")) or {}
            extra = Options.from_dict(loaded)
        except (OSError, yaml.YAMLError, ValueError, AttributeError) as exc:
            raise Unusable(f"{options_file}: unusable options file: {exc}") from exc
        data["remedies"] += list(extra.remedies)
        data["articles"] += list(extra.articles)
    return Options.from_dict(data)


def _coach(config_file: Path | None) -> Coach:
    try:
        config = CoachConfig.from_file(config_file) if config_file else CoachConfig()
        return Coach(config)
    except (ConfigError, PackError) as exc:
        raise Unusable(str(exc)) from exc


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}


def render_report(console: Console, name: str, draft: str, report: Report) -> None:
    """Linter-style lines: file:line:col  severity  rule  message, then the suggestion."""
    for f in report.findings:
        line, column = _position(draft, f.start)
        severity = f.severity.label
        console.print(
            f"{escape(name)}:{line}:{column}: [{COLOURS[severity]}]{severity}[/] "
            f"[bold]{f.rule}[/bold] {escape(f.message)}",
            soft_wrap=True,
        )
        if f.suggestion:
            console.print(f"    suggestion: {escape(f.suggestion)}", soft_wrap=True)
    count = len(report.findings)
    console.print(f"score {report.score}/100, {count} finding{'s' if count != 1 else ''}")


def _check_line(coach: Coach, options: Options, text: str) -> dict[str, Any]:
    item = json.loads(text)
    if isinstance(item, str):
        draft, customer = item, None
    elif isinstance(item, dict) and isinstance(item.get("draft"), str):
        draft, customer = item["draft"], item.get("customer")
        if customer is not None and not isinstance(customer, str):
            raise ValueError('"customer" must be a string or null')
    else:
        raise ValueError('expected {"draft": str, "customer": str|null} or a JSON string')
    return coach.check(draft, customer, options).to_dict()


def _read_line(coach: Coach, text: str) -> dict[str, Any]:
    item = json.loads(text)
    if not isinstance(item, str):
        raise ValueError("expected a JSON string (the customer's message)")
    return coach.read(item).to_dict()


def run_jsonl(source: str, handle_line: Callable[[str], dict[str, Any]]) -> int:
    """One result per input line, same order; a bad line gets an error result naming it
    and the batch goes on. Exit 2 if any line was unusable, else 0."""
    out = sys.stdout
    errors = Console(stderr=True, highlight=False)
    bad = 0
    for number, text in _lines(source):
        try:
            if text is None:
                raise ValueError(f"longer than {MAX_LINE_BYTES:,} bytes or not UTF-8")
            if not text.strip():
                raise ValueError("empty line")
            result = handle_line(text)
        except (ValueError, InputTooLarge) as exc:  # JSONDecodeError is a ValueError
            bad += 1
            message = f"line {number}: {exc}"
            errors.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
            result = {"error": message, "line": number}
        out.write(_encode(result) + "\n")
        out.flush()  # each result is out before the next line is read: a true stream
    return UNUSABLE if bad else 0


@app.command()
def check(
    source: SourceArg,
    customer: Annotated[
        Path | None, typer.Option(help="The customer's message this draft answers.")
    ] = None,
    as_json: JsonOpt = False,
    jsonl: JsonlOpt = False,
    options_file: Annotated[
        Path | None,
        typer.Option("--options", help="YAML/JSON {remedies: [...], articles: [...]}."),
    ] = None,
    remedy: Annotated[
        list[str] | None, typer.Option(help="A remedy you may offer (repeatable).")
    ] = None,
    article: Annotated[
        list[str] | None, typer.Option(help="A knowledge article title (repeatable).")
    ] = None,
    config: Annotated[Path | None, typer.Option(help="Coach config YAML.")] = None,
) -> None:
    """Coach an agent's draft reply: findings, suggestions and a score."""
    try:
        coach = _coach(config)
        options = _options(options_file, remedy or [], article or [])
        if jsonl:
            raise typer.Exit(run_jsonl(source, lambda t: _check_line(coach, options, t)))
        draft = read_text(source)
        message = read_text(str(customer)) if customer is not None else None
        report = coach.check(draft, message, options)
    except (Unusable, InputTooLarge) as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        render_report(Console(highlight=False), _name(source), draft, report)


@app.command()
def read(source: SourceArg, as_json: JsonOpt = False, jsonl: JsonlOpt = False) -> None:
    """Read a customer's message: complaint, indirect, frustration, abuse, urgency, and
    whether it says the problem is solved or not."""
    try:
        coach = _coach(None)
        if jsonl:
            raise typer.Exit(run_jsonl(source, lambda t: _read_line(coach, t)))
        reading = coach.read(read_text(source))
    except (Unusable, InputTooLarge) as exc:
        raise _fail(str(exc)) from exc
    data = reading.to_dict()
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    console = Console(highlight=False)
    kinds = ", ".join(reading.abuse_kinds) or "none"
    console.print(f"complaint: {_yes(reading.complaint)} (indirect: {_yes(reading.indirect)})")
    console.print(f"frustration: {reading.frustration:.2f}")
    console.print(f"urgency: {reading.urgency}")
    console.print(f"abuse: {_yes(reading.abuse)} (kinds: {kinds})")
    console.print(f"says solved: {_yes(reading.confirms_solved)} "
                  f"(says not solved: {_yes(reading.not_solved)})")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


@app.command("export-reviews")
def export_reviews(
    out: Annotated[Path, typer.Option("--out", help="The JSONL file to write.")],
    team: Annotated[int | None, typer.Option("--team", help="Only this team's replies.")] = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="Only reviews made since this date (2026-12-01) or moment.")] = None,
) -> None:
    """Leads' reviews of sent replies as labelled data: one JSON line per reviewed reply,
    in the coach's label format with the texts inline (docs/coach.md)."""
    from frontliner import cli_reviews  # the database, only when this command runs

    try:
        moment = cli_reviews.parse_since(since)
    except ValueError as exc:
        raise _fail(f"--since: {exc}") from exc
    written = cli_reviews.export_reviews(out, team_id=team, since=moment)
    Console(stderr=True, highlight=False).print(f"{written} reviewed replies written to {out}")


@app.command("train")
def train(
    labels: Annotated[list[Path], typer.Option(
        "--labels", help="A label file or folder of *.jsonl (repeatable), e.g. the output "
        "of export-reviews.")],
    data: Annotated[list[Path] | None, typer.Option(
        "--data", help="A data set the labels' ids point into (repeatable): twitter-care "
        "test.json, offensive-tweets labeled_data.csv, bitext-support utterances.csv.")] = None,
    out: Annotated[Path, typer.Option("--out", help="The model file to write.")] = Path(
        "coach.model.gz"),
    kind: Annotated[str, typer.Option(
        "--model", help="customer (the reading of messages), solved (confirms_solved / "
        "not_solved) or reply (the rules).")] = "customer",
    c: Annotated[float, typer.Option("--c", help="Inverse regularisation strength.")] = 4.0,
) -> None:
    """Train a learned model from labels and print its held-out scores (docs/coach-models.md)."""
    from frontliner import cli_train  # scikit-learn, only when this command runs
    from frontliner.coach.learned import TrainingUnavailable
    from frontliner.coach.learned.examples import LabelError

    if kind not in ("customer", "solved", "reply"):
        raise _fail(f"--model: {kind!r} is not one of customer, solved, reply")
    console = Console(highlight=False)
    try:
        if kind == "solved":
            cli_train.render_solved(console, cli_train.train_solved_command(
                labels, data or [], out, c))
        else:
            cli_train.render(console, cli_train.train_command(kind, labels, data or [], out, c))
    except (LabelError, TrainingUnavailable, ValueError) as exc:
        raise _fail(str(exc)) from exc
    console.print(f"model written to {out} ({out.stat().st_size:,} bytes)")
