"""`frontliner db`: bring the database schema up to date, or say where it stands."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.exc import ArgumentError, OperationalError

from frontliner.config import get_settings
from frontliner.store.engine import normalise_url
from frontliner.store.migrate import current, head, upgrade

app = typer.Typer(help="The database: upgrade the schema, show its revision.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="Database URL (default: FRONTLINER_DATABASE_URL, else SQLite in ./var).",
        show_default=False,
    ),
]


def _url(given: str | None) -> str:
    raw = given or get_settings().database_url
    try:
        normalise_url(raw)
    except ArgumentError:
        err.print(f"[red]Not a database URL:[/red] {raw!r} (e.g. sqlite:///var/frontliner.db)")
        raise typer.Exit(2) from None
    return raw


def _shown(url: str) -> str:
    # Never print a password, even to the operator's own terminal (it ends up in logs).
    return normalise_url(url).render_as_string(hide_password=True)


@app.command("upgrade")
def upgrade_command(url: UrlOption = None) -> None:
    """Apply every migration the database lacks (safe to run again)."""
    target = _url(url)
    try:
        before = current(target)
        after = upgrade(target)
    except OperationalError as error:
        err.print(f"[red]Cannot reach the database[/red] {_shown(target)}: {error.orig}")
        raise typer.Exit(1) from None
    if before == after:
        console.print(f"[green]Up to date[/green] at [bold]{after}[/bold] ({_shown(target)})")
    else:
        console.print(
            f"[green]Upgraded[/green] {_shown(target)} from [bold]{before or 'empty'}[/bold] "
            f"to [bold]{after}[/bold]"
        )


@app.command("current")
def current_command(url: UrlOption = None) -> None:
    """Show the database's schema revision and whether it is the newest."""
    target = _url(url)
    try:
        revision = current(target)
    except OperationalError as error:
        err.print(f"[red]Cannot reach the database[/red] {_shown(target)}: {error.orig}")
        raise typer.Exit(1) from None
    newest = head()
    state = "[green]newest[/green]" if revision == newest else f"[yellow]behind {newest}[/yellow]"
    console.print(f"{_shown(target)}: [bold]{revision or 'empty'}[/bold] ({state})")
