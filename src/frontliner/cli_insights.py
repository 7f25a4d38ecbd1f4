"""`frontliner insights`: bring the insights' rollups up to date, or rebuild them.

`refresh` reads the audit entries the rollups have not seen (what the worker does every
few seconds); `rebuild` works out every case again, a batch at a time, and is what to
run after moving people between teams or on a desk whose cases predate the rollups.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from sqlalchemy.orm import Session

from frontliner.cli_db import UrlOption, _url
from frontliner.store import insight_rollup
from frontliner.store.engine import make_engine
from frontliner.store.tables import cases

app = typer.Typer(help="The insights: bring the figures up to date, or rebuild them.",
                  no_args_is_help=True)
console = Console()


@app.command()
def refresh(url: UrlOption = None) -> None:
    """Roll up the cases that changed since the last time (as the worker does)."""
    engine = make_engine(_url(url))
    total = 0
    while True:
        with Session(engine) as session:
            done = insight_rollup.catch_up(session)
            session.commit()
        if not done:
            break
        total += done
    console.print(f"Insights up to date: {total} case(s) rolled up.")


@app.command()
def rebuild(url: UrlOption = None) -> None:
    """Work out every case's figures again (after team changes, or on an older desk)."""
    import sqlalchemy as sa

    engine = make_engine(_url(url))
    with Session(engine) as session:
        count = session.scalar(sa.select(sa.func.count()).select_from(cases)) or 0
        columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("Rolling up cases", total=count)
            for done in insight_rollup.rebuild(session):
                session.commit()  # a batch at a time: an interrupted rebuild keeps its work
                progress.update(task, completed=done)
        session.commit()
    console.print(f"Insights rebuilt from {count} case(s).")
