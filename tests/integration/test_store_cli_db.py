"""`frontliner db upgrade` / `db current`, as an operator would run them."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from frontliner.cli import app
from frontliner.store.engine import make_engine
from frontliner.store.migrate import head

runner = CliRunner()


def test_upgrade_builds_a_new_sqlite_desk_then_reports_it_up_to_date(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'desk.db'}"
    newest = head()
    assert newest is not None

    first = runner.invoke(app, ["db", "upgrade", "--url", url])
    assert first.exit_code == 0, first.output
    assert "Upgraded" in first.output and "from empty" in first.output and newest in first.output

    again = runner.invoke(app, ["db", "upgrade", "--url", url])
    assert again.exit_code == 0 and "Up to date" in again.output

    current = runner.invoke(app, ["db", "current", "--url", url])
    assert current.exit_code == 0 and newest in current.output and "newest" in current.output
    engine = make_engine(url)
    try:
        assert "cases" in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_upgrade_on_the_test_databases_is_a_no_op(database_url: str) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--url", database_url])
    assert result.exit_code == 0, result.output
    assert "Up to date" in result.output


def test_current_on_an_empty_database_says_it_is_behind(tmp_path: Path) -> None:
    result = runner.invoke(app, ["db", "current", "--url", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 0
    assert "empty" in result.output and "behind" in result.output


def test_a_bad_url_is_a_clear_error_with_exit_code_2() -> None:
    result = runner.invoke(app, ["db", "upgrade", "--url", "not a url"])
    assert result.exit_code == 2
    assert "Not a database URL" in result.output


def test_an_unreachable_database_is_reported_without_its_password() -> None:
    url = "postgresql://someone:s3cret-pw@127.0.0.1:1/nowhere"
    result = runner.invoke(app, ["db", "upgrade", "--url", url])
    assert result.exit_code == 1
    assert "Cannot reach the database" in result.output
    assert "s3cret-pw" not in result.output
