"""The shipped customer model (coach/learned/models/customer.model.gz) and how the
inbound analyser combines it with the lexicons. Messages written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontliner.coach import Coach, CoachConfig, ConfigError, read
from frontliner.coach.analyser import rule_reading
from frontliner.coach.learned import Model, Settings, customer, train
from frontliner.coach.learned.linear import SHIPPED

LIMIT = 30 * 1024 * 1024  # issue 11: all shipped weights together


def test_the_shipped_weights_stay_within_their_size_limit() -> None:
    total = sum(p.stat().st_size for p in SHIPPED.glob("*.model.gz"))
    assert 0 < total <= LIMIT


def test_the_customer_model_loads_with_its_heads() -> None:
    model = Model.load("customer")
    assert {"complaint", "indirect", "abuse", "insult", "slur", "threat"} <= set(model.heads)
    assert model.heads["complaint"].threshold == customer.THRESHOLDS["complaint"]


def test_loading_twice_gives_the_same_probabilities() -> None:
    text = "the console shows an error code and will not start"
    marks = rule_reading(text)[1]
    first = Model.load("customer").probabilities(text, marks)
    assert Model.load(Path(SHIPPED / "customer.model.gz")).probabilities(text, marks) == first


def test_a_plain_problem_report_is_a_complaint_and_a_question_is_not() -> None:
    assert read("my login fails every time since the update").complaint
    assert read("my order still hasn't arrived and the tracking hasn't moved").complaint
    assert not read("what time do you open on sunday?").complaint
    assert not read("thanks, that worked perfectly").complaint


def test_the_model_adds_what_it_is_sure_of_and_keeps_the_rules_guard() -> None:
    # Own doing asked about neutrally stays no complaint, whatever the words suggest.
    assert not read("spilled tea on my laptop and now the keyboard is dead").complaint
    # An insult at staff is abuse; profanity about the situation is not.
    insult = read("you useless idiot, just do your job")
    assert insult.abuse and "insult" in insult.abuse_kinds
    assert not read("this is fucking ridiculous, my order is late again").abuse


def test_reading_is_deterministic() -> None:
    text = "oh great, another update that breaks everything"
    assert read(text) == read(text) == customer.decide(text, *rule_reading(text))


def test_a_config_chooses_the_customer_model_or_the_lexicons_alone(tmp_path: Path) -> None:
    message = "you useless idiot, just do your job"
    shipped = Coach(CoachConfig()).read(message)
    alone = Coach(CoachConfig.from_dict({"customer_model": "none"})).read(message)
    assert alone == customer.decide_without_model(rule_reading(message)[0])
    # A model trained here (a file next to the config) decides instead of the shipped one.
    trained = train(
        ["you useless idiot", "you stupid clown", "my order is late", "thanks a lot"] * 3,
        {
            "abuse": [True, True, False, False] * 3,
            "complaint": [False, False, True, False] * 3,
            "indirect": [False, False, True, False] * 3,
        },
        settings=Settings(min_count=1),
    ).with_thresholds(customer.THRESHOLDS)
    trained.save(tmp_path / "ours.model.gz")
    config = CoachConfig.from_dict({"customer_model": "ours.model.gz"}, tmp_path)
    ours = customer.load(str(tmp_path / "ours.model.gz"))
    for text in (message, "my order is late", "thanks a lot"):
        rules, marks = rule_reading(text)
        assert Coach(config).read(text) == customer.decide(text, rules, marks, ours)
    assert shipped.abuse


def test_a_config_naming_a_missing_customer_model_is_refused(tmp_path: Path) -> None:
    config = CoachConfig.from_dict({"customer_model": "missing.model.gz"}, tmp_path)
    with pytest.raises(ConfigError, match="customer_model"):
        Coach(config)
