"""The one command, `frontliner`. Each layer contributes a Typer sub-app; this module only
assembles them, so every command stays thin: parse, call one operation, render."""

from __future__ import annotations

import typer

from frontliner.cli_coach import app as coach_app
from frontliner.cli_db import app as db_app
from frontliner.cli_demo import demo
from frontliner.cli_imap import imap
from frontliner.cli_jobs import worker
from frontliner.cli_mail import app as mail_app
from frontliner.cli_mail import smtp
from frontliner.cli_web import serve, token_app, user_app

app = typer.Typer(
    name="frontliner",
    help="Frontliner: a customer-service desk where no customer hears \"I can't\".",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

app.add_typer(db_app, name="db")
app.add_typer(coach_app, name="coach")
app.command("serve")(serve)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.command("demo")(demo)
app.add_typer(mail_app, name="mail")
app.command("smtp")(smtp)
app.command("imap")(imap)
app.command("worker")(worker)
