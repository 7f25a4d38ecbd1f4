"""The one command, `frontliner`. Each layer contributes a Typer sub-app; this module only
assembles them, so every command stays thin: parse, call one operation, render."""

from __future__ import annotations

import typer

from frontliner.cli_coach import app as coach_app
from frontliner.cli_db import app as db_app

app = typer.Typer(
    name="frontliner",
    help="Frontliner: a customer-service desk where no customer hears \"I can't\".",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

app.add_typer(db_app, name="db")
app.add_typer(coach_app, name="coach")
