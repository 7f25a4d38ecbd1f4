"""The starter library: one YAML file per scenario in `scenarios/`, its key the file
name. Loaded once; a broken file fails loudly (the library's tests check every file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from frontliner.desk.practice.scenario import Scenario, parse_scenario

LIBRARY_DIR = Path(__file__).with_name("scenarios")


def scenario_files() -> list[Path]:
    return sorted(LIBRARY_DIR.glob("*.yml"))


def load_file(path: Path) -> Scenario:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return parse_scenario(path.stem, data, origin="library")


@lru_cache(maxsize=1)
def library() -> tuple[Scenario, ...]:
    return tuple(load_file(p) for p in scenario_files())


def library_scenario(key: str) -> Scenario | None:
    for scenario in library():
        if scenario.key == key:
            return scenario
    return None
