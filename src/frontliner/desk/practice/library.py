"""The starter library: one YAML file per scenario in `scenarios/`, its key the file
name. Loaded once; a broken file fails loudly (the library's tests check every file)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from frontliner.desk.practice.scenario import Scenario, parse_scenario

LIBRARY_DIR = Path(__file__).with_name("scenarios")
# Where a new agent starts: a small fix within their empowerment, before the hard ones.
STARTER = "double-charge-card"


def scenario_files() -> list[Path]:
    return sorted(LIBRARY_DIR.glob("*.yml"))


_HARD_WRAP = re.compile(r"(?<=\S)[ \t]*\n(?=[ \t]*\S)")


def unwrap(value: Any) -> Any:
    """The files wrap long lines to stay readable; a single line break inside a paragraph
    is a space (a blank line still separates paragraphs)."""
    if isinstance(value, str):
        return _HARD_WRAP.sub(" ", value.strip())
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    return value


def load_file(path: Path) -> Scenario:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return parse_scenario(path.stem, unwrap(data), origin="library")


@lru_cache(maxsize=1)
def library() -> tuple[Scenario, ...]:
    """Every packaged scenario, the starter first."""
    loaded = [load_file(p) for p in scenario_files()]
    return tuple(sorted(loaded, key=lambda s: s.key != STARTER))


def library_scenario(key: str) -> Scenario | None:
    for scenario in library():
        if scenario.key == key:
            return scenario
    return None
