"""`frontliner serve`, `frontliner user add`, `frontliner token create`.

The operator at the machine acts as the trusted system (actor None in the desk), the
same way `db upgrade` does: there is no login yet when the first admin is created.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import OperationalError

from frontliner.config import Settings, get_settings
from frontliner.desk import accounts
from frontliner.desk.customers import normalise_email
from frontliner.desk.errors import DeskError
from frontliner.desk.model import Role, User
from frontliner.desk.ports import UnitOfWork
from frontliner.web.storage import Storage, open_storage
from frontliner.web.tokens import issue_token

T = TypeVar("T")

user_app = typer.Typer(
    help="Users: add logins for customers, agents, leads and admins.", no_args_is_help=True
)
token_app = typer.Typer(
    help="API tokens: create one for a user (shown once).", no_args_is_help=True
)
console = Console()
err = Console(stderr=True)


APP_MODULE = "frontliner.web.app"


def _workers_import_only_the_app() -> None:
    """uvicorn starts its workers with multiprocessing's "spawn", which first imports the
    parent's main module in each one: the `frontliner` script, so Typer, Rich and the
    coach's command line (some 15 MB of every worker). An empty module named as the main
    one instead; each worker then imports only the app."""
    import importlib.util

    main = sys.modules["__main__"]
    if getattr(main, "__spec__", None) is None:
        main.__spec__ = importlib.util.find_spec("frontliner.web.worker_start")


def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default: FRONTLINER_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: FRONTLINER_PORT)")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request")] = True,
) -> None:
    """Run the web app and REST API with uvicorn (production-like: no auto-reload)."""
    import uvicorn

    settings = get_settings()
    bind_host, bind_port = host or settings.host, port or settings.port
    if settings.upgrade_on_start:
        # Once, here, rather than racing in every worker process.
        _run(settings, lambda uow: None)
        os.environ["FRONTLINER_UPGRADE_ON_START"] = "false"
        get_settings.cache_clear()
    if workers > 1 and not settings.redis_url:
        # Each worker has its own chat broker: a reply handled by one worker would not
        # reach a visitor connected to another until they reconnect. (Agents' screens
        # are fed from the database by every worker's live feed, so they see it all.)
        err.print("[yellow]Several workers without FRONTLINER_REDIS_URL: a chat visitor "
                  "sees a reply posted through another worker only when the widget "
                  "reconnects. Set it to share chat messages at once.[/yellow]")
    if workers > 1:
        _workers_import_only_the_app()
    console.print(
        f"[green]Frontliner[/green] on http://{bind_host}:{bind_port} "
        f"(API /api/v1, OpenAPI /openapi.json, {workers} worker(s))"
    )
    uvicorn.run(
        f"{APP_MODULE}:create_served_app",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers,
        reload=False,
        proxy_headers=True,
        server_header=False,
        access_log=access_log,
        ws_max_size=64 * 1024,  # chat frames are small; web/ws.py closes past 16 KiB
    )


def _run(settings: Settings, operation: Callable[[UnitOfWork], T]) -> T:
    """One committed unit of work; desk errors and an unreachable database become a clear
    message and exit code 1 instead of a traceback."""
    storage: Storage = open_storage(settings)
    try:
        if settings.upgrade_on_start:
            storage.upgrade()
        with storage.uow_factory() as uow:
            result = operation(uow)
            uow.commit()
            return result
    except DeskError as error:
        err.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from None
    except OperationalError as error:
        err.print(f"[red]Cannot use the database:[/red] {type(error.orig).__name__}")
        raise typer.Exit(1) from None
    finally:
        storage.dispose()


def _ask_password(role: Role) -> str | None:
    if not sys.stdin.isatty():
        return None  # scripts pass --password or set it later; never block on a prompt
    if role == Role.CUSTOMER and not typer.confirm(
        "Give this customer a password now?", default=True
    ):
        return None
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@user_app.command("add")
def add_user(
    email: Annotated[str, typer.Option(help="Login e-mail")],
    name: Annotated[str, typer.Option(help="Full name")],
    role: Annotated[Role, typer.Option(help="customer, agent, lead or admin")],
    password: Annotated[
        str | None,
        typer.Option(
            help="Password (prompted for when omitted and interactive)", show_default=False
        ),
    ] = None,
    customer_id: Annotated[
        int | None, typer.Option(help="For a customer login: the customer record it belongs to")
    ] = None,
    team_id: Annotated[int | None, typer.Option(help="Team id")] = None,
    skill: Annotated[list[str] | None, typer.Option(help="A skill (repeatable)")] = None,
) -> None:
    """Add a user. The password is hashed (argon2id) and never printed."""
    secret = password if password is not None else _ask_password(role)
    user: User = _run(
        get_settings(),
        lambda uow: accounts.add_user(
            uow,
            None,
            name=name,
            email=email,
            role=role,
            password=secret,
            team_id=team_id,
            skills=skill or [],
            customer_id=customer_id,
        ),
    )
    table = Table(show_header=False, box=None)
    for label, value in (
        ("id", user.id),
        ("name", user.name),
        ("e-mail", user.email),
        ("role", user.role.value),
        ("password", "set" if secret else "not set (no login yet)"),
    ):
        table.add_row(f"[bold]{label}[/bold]", str(value))
    console.print("[green]User added[/green]")
    console.print(table)


@token_app.command("create")
def create_token(
    email: Annotated[str, typer.Option(help="E-mail of the user the token acts as")],
    name: Annotated[str, typer.Option(help="A name to recognise the token by")] = "cli",
) -> None:
    """Create an API token. The secret is printed ONCE; only its hash is stored."""

    def issue(uow: UnitOfWork) -> tuple[str, str]:
        found = uow.find(User, limit=1, email=normalise_email(email))
        if not found or found[0].id is None:
            raise DeskError(f"No user with e-mail {email}.")
        issued = issue_token(uow, None, found[0].id, name)
        return issued.secret, issued.token.prefix

    secret, prefix = _run(get_settings(), issue)
    err.print(
        f"[green]Token created[/green] for {email} (prefix {prefix}). "
        "Store it now: it is not shown again."
    )
    # The secret alone on stdout, so `TOKEN=$(frontliner token create ...)` works.
    print(secret)
