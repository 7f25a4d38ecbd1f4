"""`frontliner demo`: a desk full of realistic data, then (with --serve) the server."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from frontliner.cli_web import serve
from frontliner.config import get_settings
from frontliner.demo_data import DemoSummary, seed_demo
from frontliner.desk.model import User
from frontliner.web.storage import open_storage
from frontliner.web.tokens import issue_token

console = Console()


def demo(
    cases: Annotated[int, typer.Option(min=1, max=100_000, help="How many cases")] = 300,
    customers: Annotated[int, typer.Option(min=2, max=10_000, help="How many customers")] = 150,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same desk)")] = 2017,
    serve_after: Annotated[bool, typer.Option("--serve", help="Then run the server")] = False,
) -> None:
    """Fill an empty desk with demo data (skipped when it already has users), print the
    demo logins and a fresh API token, and optionally serve it."""
    settings = get_settings()
    storage = open_storage(settings)
    try:
        storage.upgrade()
        with storage.uow_factory() as uow:
            already = bool(uow.find(User, limit=1))
        if already:
            console.print("[yellow]The desk already has data; demo data not added again.[/]")
            summary = None
        else:
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task("Opening and working demo cases", total=cases)
                summary = seed_demo(storage.uow_factory, cases=cases, customer_count=customers,
                                    seed=seed, on_case=lambda: progress.advance(task))
            console.print(f"[green]Demo desk ready:[/] {summary.cases} cases, "
                          f"{summary.customers} customers.")
        _print_logins(storage, summary, base_url(settings.host, settings.port))
    finally:
        storage.dispose()
    if serve_after:
        serve(host=None, port=None, workers=1, access_log=True)


def base_url(host: str, port: int) -> str:
    """Where the server the demo starts (or `frontliner serve`) answers on this machine:
    FRONTLINER_HOST and FRONTLINER_PORT, with an any-interface host reached locally."""
    local = "127.0.0.1" if host in ("", "0.0.0.0") else "[::1]" if host == "::" else host
    if ":" in local and not local.startswith("["):
        local = f"[{local}]"  # an IPv6 address in a URL
    return f"http://{local}:{port}"


def _print_logins(storage: object, summary: DemoSummary | None, url: str) -> None:
    from frontliner.demo_data import DEMO_DOMAIN, DEMO_PASSWORD

    table = Table(title="Demo logins", show_lines=False)
    for column in ("role", "e-mail", "password"):
        table.add_column(column)
    if summary is not None:
        for role, email, password in summary.logins:
            table.add_row(role, email, password)
    else:
        table.add_row("admin", f"ada@{DEMO_DOMAIN}", DEMO_PASSWORD)
        table.add_row("agent", f"alex@{DEMO_DOMAIN}", DEMO_PASSWORD)
    console.print(table)
    agent_email = summary.token_email if summary else f"alex@{DEMO_DOMAIN}"
    assert hasattr(storage, "uow_factory")
    with storage.uow_factory() as uow:
        found = uow.find(User, limit=1, email=agent_email)
        if not found or found[0].id is None:
            return
        issued = issue_token(uow, None, found[0].id, "demo")
        uow.commit()
    # Plain print: a terminal-width wrap must never split the token a user copies.
    print(f"API token for {agent_email} (shown once): {issued.secret}")
    print(f'Try: curl -H "Authorization: Bearer {issued.secret}" '
          f'"{url}/api/v1/cases?limit=5"')
