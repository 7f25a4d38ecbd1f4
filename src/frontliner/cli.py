"""The one command, `frontliner`. Each layer contributes a Typer sub-app; this module only
assembles them, so every command stays thin: parse, call one operation, render.

Only `coach` is imported up front. The other commands pull in the web app, SQLAlchemy and
the job queue (over a second of start-up), so each is imported when it is run or listed
in the help: `frontliner coach check --jsonl` is a batch tool and starts in a blink.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import Any

import typer
from typer.core import TyperGroup

from frontliner.cli_coach import app as coach_app

# Command name -> (module, attribute), in the order the help lists them
# (single commands first, then groups, as Typer orders them). The attribute
# is a Typer sub-app (a command group) or a plain function (one command).
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("frontliner.cli_web", "serve"),
    "demo": ("frontliner.cli_demo", "demo"),
    "smtp": ("frontliner.cli_mail", "smtp"),
    "imap": ("frontliner.cli_imap", "imap"),
    "worker": ("frontliner.cli_jobs", "worker"),
    "import": ("frontliner.cli_import", "import_"),
    "db": ("frontliner.cli_db", "app"),
    "coach": ("frontliner.cli_coach", "app"),
    "user": ("frontliner.cli_web", "user_app"),
    "token": ("frontliner.cli_web", "token_app"),
    "mail": ("frontliner.cli_mail", "app"),
    "insights": ("frontliner.cli_insights", "app"),
}


def _build(name: str, target: Any) -> Any:
    """The click command Typer would have made had `target` been registered up front."""
    wrapper = typer.Typer(add_completion=False, rich_markup_mode="rich")
    if isinstance(target, typer.Typer):
        wrapper.add_typer(target, name=name)
    else:
        wrapper.command(name)(target)
        # Typer turns a lone command into the program itself; a dummy callback keeps
        # it a group, so the command is built exactly as a sibling of the others.
        wrapper.callback()(lambda: None)
    group = typer.main.get_command(wrapper)
    assert isinstance(group, TyperGroup)
    return group.commands[name]


class LazyCommands(MutableMapping[str, Any]):
    """The group's commands by name: every name is known (for help and "did you mean"),
    a command's module is imported the first time the command itself is asked for."""

    def __init__(self, built: MutableMapping[str, Any]) -> None:
        self._built = dict(built)

    def __getitem__(self, name: str) -> Any:
        if name not in self._built and name in COMMANDS:
            module, attribute = COMMANDS[name]
            target = getattr(importlib.import_module(module), attribute)
            self._built[name] = _build(name, target)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter([*COMMANDS, *(n for n in self._built if n not in COMMANDS)])

    def __len__(self) -> int:
        return len(set(COMMANDS) | set(self._built))


class LazyGroup(TyperGroup):
    """A Typer group whose sub-commands are imported on first use."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.commands)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)


app = typer.Typer(
    name="frontliner",
    help="Frontliner: a customer-service desk where no customer hears \"I can't\".",
    no_args_is_help=True,
    rich_markup_mode="rich",
    cls=LazyGroup,
)

app.add_typer(coach_app, name="coach")
