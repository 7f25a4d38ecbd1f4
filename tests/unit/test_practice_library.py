"""The starter library of practice scenarios: every file is valid, together they exercise
every coach rule and the situations the desk trains for, each model answer passes the
real coach and each bad answer (carried in the file) fails it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from frontliner.coach.engine import base_specs, default_coach
from frontliner.coach.packs import SEEDS
from frontliner.desk.errors import Invalid
from frontliner.desk.practice.grading import grade, lessons
from frontliner.desk.practice.library import library, load_file, scenario_files
from frontliner.desk.practice.scenario import parse_scenario

FILES = scenario_files()
RULE_IDS = {spec.id for spec in base_specs()}
# The situations the issue names; each must be practised by at least one scenario.
SITUATIONS = {"late-parcel", "double-charge", "angry-repeat-contact", "outside-the-rules",
              "abusive-caller", "sarcastic-indirect", "small-fix", "big-escalation",
              "closing", "frustration-not-abuse"}


def test_the_library_has_at_least_thirty_scenarios() -> None:
    assert len(FILES) >= 30
    assert len(library()) == len(FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scenario_file_is_valid_and_cites_a_seed(path: Path) -> None:
    scenario = load_file(path)
    assert scenario.key == path.stem
    assert scenario.seed in SEEDS
    assert scenario.bad_answer, "a library scenario carries a bad example answer"
    assert set(scenario.practises) <= RULE_IDS
    assert scenario.expectations, "say what this scenario expects beyond the coach"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_model_answer_passes_the_real_coach(path: Path) -> None:
    scenario = load_file(path)
    result = grade(default_coach(), scenario, scenario.model_answer)
    unmet = [c.expectation.id for c in result.expectations if not c.met]
    assert result.passed, (result.score, result.rules, unmet)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_bad_answer_fails_and_shows_what_the_scenario_practises(path: Path) -> None:
    scenario = load_file(path)
    result = grade(default_coach(), scenario, scenario.bad_answer or "")
    assert not result.passed
    assert set(scenario.practises) <= set(result.rules)


def test_every_rule_id_is_exercised_by_some_scenario() -> None:
    practised = {rule for s in library() for rule in s.practises}
    assert practised >= RULE_IDS, sorted(RULE_IDS - practised)


def test_every_named_situation_and_the_closing_protocol_are_covered() -> None:
    covered = {topic for s in library() for topic in s.topics}
    assert covered >= SITUATIONS, sorted(SITUATIONS - covered)
    closing = [s for s in library() if "closing" in s.topics]
    assert any(e.id == "asks-solved" for s in closing for e in s.expectations)


def test_every_rule_has_a_lesson_and_every_seed_a_title() -> None:
    assert set(lessons()["rules"]) >= RULE_IDS
    assert set(lessons()["seeds"]) == set(SEEDS)


def test_a_broken_scenario_is_refused_naming_every_problem() -> None:
    data = yaml.safe_load(FILES[0].read_text())
    data.pop("model_answer")
    data["thread"] = [{"from": "narrator", "text": "hi"}]
    data["expectations"] = [{"label": "x", "any": ["("]}]
    with pytest.raises(Invalid) as refused:
        parse_scenario("Bad Key", data)
    fields = refused.value.fields
    assert {"key", "model_answer", "thread[0].from", "expectations[0]"} <= set(fields)
