"""`frontliner import SOURCE PATH`: bring in tickets from another helpdesk's export.

Thin: open the reader, run the import (`imports.run`), show a progress bar and a
summary. See docs/import.md for each source's format and mapping.
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from sqlalchemy.exc import OperationalError

from frontliner.cli_db import UrlOption, _shown, _url
from frontliner.imports.csv_source import CsvReader, load_mapping
from frontliner.imports.freshdesk import FreshdeskReader
from frontliner.imports.records import Reader
from frontliner.imports.rejects import Rejects
from frontliner.imports.run import DEFAULT_BATCH, Options, Tally, run_import
from frontliner.imports.zendesk import ZendeskReader
from frontliner.store.engine import make_engine
from frontliner.store.imports import signer_id

console = Console()
err = Console(stderr=True)


class Source(StrEnum):
    ZENDESK = "zendesk"
    FRESHDESK = "freshdesk"
    CSV = "csv"


def _reader(source: Source, path: Path, columns: list[str], mapping: Path | None) -> Reader:
    if source == Source.ZENDESK:
        return ZendeskReader(path)
    if source == Source.FRESHDESK:
        return FreshdeskReader(path)
    return CsvReader(path, load_mapping(mapping, columns))


def _rejects_path(reader: Reader, given: Path | None) -> Path:
    if given is not None:
        return given
    tickets: Path = getattr(reader, "path")  # noqa: B009 - every reader has one
    suffix = ".csv" if reader.rejects_kind == "csv" else ".jsonl"
    return tickets.with_name(f"{tickets.stem}.rejects{suffix}")


def import_(
    source: Annotated[Source, typer.Argument(help="zendesk, freshdesk or csv")],
    path: Annotated[Path, typer.Argument(help="The export: a folder or its tickets file",
                                         exists=True)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check everything and say what "
                                          "would be added; write nothing")] = False,
    rejects: Annotated[Path | None, typer.Option(
        help="Where records that cannot come in go (default: beside the tickets file, "
             "NAME.rejects.jsonl or .csv)", show_default=False)] = None,
    column: Annotated[list[str] | None, typer.Option(
        "--column", help="csv: FIELD=HEADER, the column a field is read from (repeat)",
        show_default=False)] = None,
    mapping: Annotated[Path | None, typer.Option(
        help="csv: a YAML or JSON file of FIELD: HEADER", exists=True,
        show_default=False)] = None,
    signed_by: Annotated[str | None, typer.Option(
        help="E-mail of the lead or admin who signs the closing exceptions of tickets "
             "solved at the source (default: the first lead or admin)",
        show_default=False)] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000,
                                            help="Tickets per transaction")] = DEFAULT_BATCH,
    url: UrlOption = None,
) -> None:
    """Import tickets, customers, agents, messages, notes, attachments and tags from
    another helpdesk's export. Safe to run again: only what is new is added."""
    target = _url(url)
    try:
        reader = _reader(source, path, column or [], mapping)
    except (FileNotFoundError, ValueError) as error:
        err.print(f"[red]Cannot read the export:[/red] {error}")
        raise typer.Exit(2) from None
    engine = make_engine(target)
    try:
        with engine.connect() as conn:
            signer = signer_id(conn, signed_by)
    except OperationalError as error:
        err.print(f"[red]Cannot reach the database[/red] {_shown(target)}: {error.orig}")
        raise typer.Exit(1) from None
    if signer is None and not dry_run:
        who = f"{signed_by} is not an active lead or admin" if signed_by else \
            "the desk has no active lead or admin"
        err.print(f"[red]Nobody to sign the closing exceptions:[/red] {who}. Tickets solved "
                  "at the source come in resolved under a lead's exception; add one with "
                  "`frontliner user add --role lead` or pass --signed-by.")
        raise typer.Exit(2)
    out = Rejects(_rejects_path(reader, rejects), reader.rejects_kind, write=not dry_run)
    started = time.monotonic()
    try:
        tally = _run_with_progress(reader, engine, out, Options(dry_run, batch_size, signer))
    except ValueError as error:  # e.g. a CSV without a required column
        err.print(f"[red]Cannot read the export:[/red] {error}")
        raise typer.Exit(2) from None
    finally:
        out.close()
        engine.dispose()
    _summary(tally, out, dry_run, time.monotonic() - started)


def _run_with_progress(reader: Reader, engine: object, out: Rejects, options: Options) -> Tally:
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[counts]}"), TextColumn("{task.fields[rate]}"),
               TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn())
    started = time.monotonic()
    verb = "Checking" if options.dry_run else "Importing"
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task(f"{verb} {reader.label}", total=reader.total,
                            counts="", rate="")

        def show(tally: Tally) -> None:
            added = tally.added
            per_second = (added.messages + added.notes) / max(time.monotonic() - started, 1e-6)
            bar.update(task, total=max(reader.total, reader.done), completed=reader.done,
                       counts=f"{added.cases:,} cases, {added.messages + added.notes:,} "
                              f"messages, {tally.rejected:,} rejected",
                       rate=f"{per_second:,.0f} msg/s")

        return run_import(reader, engine, out, options, show)  # type: ignore[arg-type]


def _summary(tally: Tally, out: Rejects, dry_run: bool, seconds: float) -> None:
    added = tally.added
    table = Table(title="Would be added" if dry_run else "Added", show_header=False)
    for name, value in (("records read", tally.read), ("cases", added.cases),
                        ("customer messages and replies", added.messages),
                        ("internal notes", added.notes), ("customers", added.customers),
                        ("agents", added.users), ("attachments", added.attachments),
                        ("new tags", added.tags), ("messages read by the analyser",
                                                   tally.readings),
                        ("rejected", tally.rejected)):
        table.add_row(name, f"{value:,}")
    console.print(table)
    if dry_run:
        console.print("Dry run: nothing was written.")
    rate = (added.messages + added.notes) / max(seconds, 1e-6)
    console.print(f"{seconds:,.1f} s, {rate:,.0f} messages/s")
    if out.count:
        for source_id, reason in out.first:
            console.print(f"  rejected {source_id}: {reason}")
        if not dry_run:
            console.print(f"[yellow]{out.count:,} rejected[/yellow], written to {out.path} "
                          "(fix them there and import that file again)")
