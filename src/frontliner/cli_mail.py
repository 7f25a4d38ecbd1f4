"""`frontliner smtp` (receive mail) and `frontliner mail quarantine` (mail the desk could
not read: list it, look at it, process it again).

Other mail commands (`imap`) live in their own cli_*.py module and register the same way.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from frontliner.channels.email.processing import Outcome, process_mail
from frontliner.channels.email.smtp import SmtpService
from frontliner.config import get_settings
from frontliner.desk.model import Case
from frontliner.desk.ports import UowFactory
from frontliner.store.engine import make_engine
from frontliner.store.mail import load_raw, summaries, summary, waiting_ids
from frontliner.store.mail_tables import MailStatus
from frontliner.store.migrate import upgrade
from frontliner.store.uow import uow_factory

app = typer.Typer(help="The e-mail channel: quarantined mail.", no_args_is_help=True)
quarantine_app = typer.Typer(
    help="Mail kept raw because it could not be read safely.", no_args_is_help=True
)
app.add_typer(quarantine_app, name="quarantine")
console = Console()
err = Console(stderr=True)


def smtp(
    host: Annotated[
        str | None,
        typer.Option(help="Address to listen on (default: FRONTLINER_SMTP_LISTEN_HOST)."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help="Port (default: FRONTLINER_SMTP_LISTEN_PORT; 0 picks a free one)."),
    ] = None,
) -> None:
    """Receive customers' e-mail over SMTP: each message is stored before it is answered 250."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: every SMTP command
    settings = get_settings()
    engine = make_engine(settings.database_url)
    if settings.upgrade_on_start:
        upgrade(engine)
    service = SmtpService(
        engine, uow_factory(engine), settings, host=host, port=port, on_outcome=_log_outcome
    )
    bound = service.start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(f"frontliner smtp: listening on {service.host}:{bound}", flush=True)
    stop.wait()
    service.stop()
    engine.dispose()


def _ref(factory: UowFactory, case_id: int) -> str:
    """A case as people name it: by its reference, not its database id."""
    with factory() as uow:
        case = uow.get(Case, case_id)
        return case.ref if case is not None else f"#{case_id}"


def _log_outcome(outcome: Outcome) -> None:
    logging.getLogger("frontliner.smtp").info(
        "mail %s: %s case=%s %s",
        outcome.mail_id,
        outcome.status.value,
        outcome.case_id,
        outcome.reason or "",
    )


@quarantine_app.command("list")
def list_quarantine(
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    after: Annotated[int, typer.Option(help="Only mail with a higher id (next page).")] = 0,
) -> None:
    """Quarantined mail, oldest first, with the reason."""
    engine = make_engine(get_settings().database_url)
    rows = summaries(engine, MailStatus.QUARANTINED, limit=min(max(limit, 1), 500), after_id=after)
    table = Table("id", "received", "from", "size", "tries", "reason")
    for row in rows:
        table.add_row(
            str(row.id),
            row.received_at.strftime("%Y-%m-%d %H:%M"),
            row.envelope_from,
            str(row.size),
            str(row.attempts),
            row.reason or "",
        )
    console.print(table if rows else "No mail in quarantine.")
    engine.dispose()


@quarantine_app.command("show")
def show_quarantine(
    mail_id: Annotated[int, typer.Argument(help="The mail's id (from `list`).")],
    raw: Annotated[
        bool, typer.Option("--raw", help="Print the message exactly as received.")
    ] = False,
) -> None:
    """One quarantined message: why, and (with --raw) its bytes."""
    engine = make_engine(get_settings().database_url)
    found = summary(engine, mail_id)
    if found is None:
        err.print(f"[red]No stored mail with id {mail_id}.[/red]")
        raise typer.Exit(1)
    if raw:
        typer.echo((load_raw(engine, mail_id) or b"").decode("utf-8", "replace"))
    else:
        for label, value in (
            ("status", found.status.value),
            ("reason", found.reason),
            ("from", found.envelope_from),
            ("received", found.received_at),
            ("size", found.size),
            ("tries", found.attempts),
        ):
            console.print(f"{label}: {value}")
    engine.dispose()


@quarantine_app.command("retry")
def retry_quarantine(
    mail_ids: Annotated[
        list[int] | None, typer.Argument(help="Ids to retry (default: all).")
    ] = None,
    lenient: Annotated[
        bool,
        typer.Option(
            help="Read what can be read: unknown charsets as UTF-8, broken structure as text."
        ),
    ] = False,
) -> None:
    """Process quarantined mail again (after an upgrade, or --lenient)."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    factory = uow_factory(engine)
    ids = mail_ids or waiting_ids(engine, MailStatus.QUARANTINED, limit=10_000)
    failed = 0
    for mail_id in ids:
        try:
            outcome = process_mail(factory, mail_id, settings=settings, lenient=lenient)
        except LookupError:
            err.print(f"[red]No stored mail with id {mail_id}.[/red]")
            failed += 1
            continue
        failed += outcome.status == MailStatus.QUARANTINED
        console.print(
            f"mail {mail_id}: {outcome.status.value}"
            + (f" (case {_ref(factory, outcome.case_id)})" if outcome.case_id else "")
            + (f": {outcome.reason}" if outcome.reason else "")
        )
    engine.dispose()
    raise typer.Exit(1 if failed else 0)
