"""`frontliner imap`: poll an IMAP mailbox and file every new message on its case.

Settings: FRONTLINER_IMAP_HOST/PORT/SSL/USER/PASSWORD/MAILBOX/POLL_SECONDS. The
password is never printed; a refused login or an unreachable server is a one-line error.
"""

from __future__ import annotations

import logging
import threading
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError

from frontliner.channels.email.imap_poll import ImapAccount, ImapError, poll_once
from frontliner.config import get_settings
from frontliner.store.engine import make_engine
from frontliner.store.migrate import upgrade
from frontliner.store.uow import uow_factory

console = Console()
err = Console(stderr=True)
log = logging.getLogger("frontliner.imap")


def imap(
    once: Annotated[bool, typer.Option(help="Poll once and exit (for cron)")] = False,
) -> None:
    """Fetch new mail from the IMAP mailbox (FRONTLINER_IMAP_*) into the desk."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    if not settings.imap_user:
        err.print("[red]Set FRONTLINER_IMAP_USER (and _PASSWORD, _HOST) first.[/red]")
        raise typer.Exit(2)
    account = ImapAccount.from_settings(settings)
    engine = make_engine(settings.database_url)
    if settings.upgrade_on_start:
        upgrade(engine)
    factory = uow_factory(engine)
    stop = threading.Event()
    console.print(f"Polling {account.mailbox} of {account.name} every "
                  f"{settings.imap_poll_seconds:g} s")
    try:
        while True:
            try:
                result = poll_once(engine, factory, account, settings)
                log.info("%s: %d fetched, %d new", account.mailbox, result.fetched, result.kept)
            except (ImapError, OperationalError) as error:
                if once:
                    err.print(f"[red]{error}[/red]")
                    raise typer.Exit(1) from None
                log.warning("poll failed, trying again next round: %s", error)
            if once or stop.wait(settings.imap_poll_seconds):
                return
    except KeyboardInterrupt:
        return
    finally:
        engine.dispose()
