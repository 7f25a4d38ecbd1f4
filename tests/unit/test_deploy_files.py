"""The production topology's files (docs/deploy.md) say only what is real: every
command in `deploy/compose.yml`, the Procfile and the Dockerfile is one the `frontliner`
command accepts, every FRONTLINER_* name is a setting, and the settings they give make a
valid production configuration. No container runtime runs here, so this is what we can
check without one."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.exceptions import TyperException

from frontliner.cli import app
from frontliner.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
# What an operator exports before `docker compose up` (compose.yml's header says so).
OPERATOR = {
    "FRONTLINER_SECRET_KEY": "k" * 48,
    "POSTGRES_PASSWORD": "pw-for-the-test",
    "FRONTLINER_DOMAIN": "help.example.com",
    "PORT": "8000",
}
# Names read by the images themselves, not by Frontliner.
IMAGE_SETTINGS = {"postgres": {"POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD"}}
UVICORN_SETTINGS = {"FORWARDED_ALLOW_IPS"}
INTERPOLATION = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}|\$(\w+)")


def interpolate(value: str) -> str:
    """Compose's `${NAME}`, `${NAME:-default}`, `${NAME:?error}` and `$NAME`, with the
    operator's values above; a required name left unset fails the test."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        if name in OPERATOR:
            return OPERATOR[name]
        assert match.group(2) == "-", f"${name} is required but the docs never set it"
        return match.group(3) or ""

    return INTERPOLATION.sub(one, value)


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def frontliner_services() -> dict[str, dict[str, Any]]:
    return {name: s for name, s in services().items() if s.get("image") == "frontliner:local"}


def parse_command(argv: list[str]) -> Any:
    """Parse `argv` (without the program name) as the real CLI would, down to the leaf
    command; raises a usage error for an unknown command or option, or a bad value.
    (Typer carries its own copy of click, so this goes by what a group can do.)"""
    command: Any = typer.main.get_command(app)
    context = command.make_context("frontliner", list(argv), resilient_parsing=False)
    while hasattr(command, "resolve_command"):
        remaining = [*context._protected_args, *context.args]
        name, sub, rest = command.resolve_command(context, remaining)
        assert sub is not None and name is not None, f"no command in {argv}"
        command = sub
        context = command.make_context(name, rest, parent=context)
    return context


def test_the_compose_file_runs_every_process_of_the_production_topology() -> None:
    found = services()
    assert {"postgres", "redis", "migrate", "worker", "smtp", "proxy"} <= set(found)
    assert found["postgres"]["image"].startswith("postgres:")
    assert found["redis"]["image"].startswith("redis:")
    commands = {name: s["command"][1] for name, s in frontliner_services().items()}
    web = sorted(name for name, command in commands.items() if command == "serve")
    assert len(web) >= 2, "several stateless web processes"
    assert commands["worker"] == "worker" and commands["smtp"] == "smtp"
    assert found["migrate"]["command"] == ["frontliner", "db", "upgrade"]
    proxy = found["proxy"]["command"]
    targets = [proxy[i + 1] for i, arg in enumerate(proxy) if arg == "--to"]
    assert sorted(t.split(":")[0] for t in targets) == web, "the proxy spreads over every web"


def test_every_service_has_an_image_and_ours_is_built_from_this_repository() -> None:
    for name, service in services().items():
        assert service.get("image"), f"{name} names no image"
    for name, service in frontliner_services().items():
        build = service["build"]
        assert (DEPLOY / build["context"]).resolve() == ROOT, name
        assert (ROOT / build["dockerfile"]).is_file(), name


def test_every_frontliner_command_in_the_compose_file_is_a_real_command() -> None:
    for name, service in frontliner_services().items():
        program, *argv = [interpolate(str(arg)) for arg in service["command"]]
        assert program == "frontliner", name
        parse_command(argv)  # raises on an unknown command, option or value


def test_a_made_up_command_or_option_is_caught() -> None:
    with pytest.raises(TyperException):
        parse_command(["serve", "--no-such-option", "1"])
    with pytest.raises(TyperException):
        parse_command(["wrker"])
    with pytest.raises(TyperException):
        parse_command(["serve", "--port", "not-a-number"])


def test_every_setting_the_compose_file_gives_is_a_real_setting_and_valid_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    known = {f"FRONTLINER_{field.upper()}" for field in Settings.model_fields}
    for name, service in services().items():
        environment = {
            key: interpolate(str(value))
            for key, value in (service.get("environment") or {}).items()
        }
        image = str(service["image"]).split(":")[0]
        allowed = known | IMAGE_SETTINGS.get(image, set()) | UVICORN_SETTINGS
        assert set(environment) <= allowed, f"{name}: {set(environment) - allowed}"
        if image != "frontliner":
            continue
        for key in [k for k in os.environ if k.startswith("FRONTLINER_")]:
            monkeypatch.delenv(key)
        for key, value in environment.items():
            monkeypatch.setenv(key, value)
        settings = Settings(_env_file=None)  # type: ignore[call-arg]  # raises when invalid
        assert settings.environment == "production"
        assert settings.database_url.startswith("postgresql+psycopg://")
        assert settings.redis_url and not settings.upgrade_on_start


def test_the_procfile_lists_the_same_processes_with_real_commands() -> None:
    entries = dict(
        line.split(":", 1)
        for line in (DEPLOY / "Procfile").read_text().splitlines()
        if line.strip()
    )
    assert {"release", "web", "worker", "smtp"} <= set(entries)
    for kind, line in entries.items():
        program, *argv = shlex.split(interpolate(line))
        assert program == "frontliner", kind
        parse_command(argv)


def test_the_image_starts_a_real_command_with_the_locked_dependencies() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert cmd is not None
    program, *argv = yaml.safe_load(cmd.group(1))
    assert program == "frontliner"
    parse_command(argv)
    assert "uv sync --frozen --no-dev" in dockerfile
    dev = (ROOT / "dev.py").read_text()
    pinned = re.search(r'UV_VERSION = "([\d.]+)"', dev)
    assert pinned is not None and f"uv=={pinned.group(1)}" in dockerfile
