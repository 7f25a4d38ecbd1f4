from __future__ import annotations

from frontliner.desk.model import Size
from frontliner.desk.triage import TriageFacts, legal_or_safety_words, triage


def test_plain_problem_within_skills_and_limits_is_small() -> None:
    result = triage(TriageFacts(nature="parcel is late", owner_skills=frozenset({"delivery"}),
                                required_skill="delivery", remedy_requested=500,
                                money_per_case=5_000))
    assert result.size == Size.SMALL and result.reasons == ()


def test_each_reason_is_stated_in_words() -> None:
    result = triage(TriageFacts(
        nature="My lawyer says the charger is a fire hazard", owner_name="Avery",
        owner_skills=frozenset(), required_skill="electrical", remedy_requested=12_000,
        money_per_case=5_000, parties=2, recent_cases=3))
    assert result.size == Size.BIG
    assert result.reasons == (
        "the remedy asked for (120.00) is above Avery's limit of 50.00 per case",
        "it needs the skill 'electrical', which Avery does not have",
        "2 other people are involved",
        "the customer contacted us 3 times in 14 days",
        "the problem mentions legal or safety matters ('lawyer', 'fire', 'hazard')",
    )


def test_legal_words_match_whole_words_only() -> None:
    assert legal_or_safety_words("I am suing") == ["suing"]
    assert legal_or_safety_words("the pursuit of a firewall") == []
    assert legal_or_safety_words("Police came") == ["police"]


def test_one_other_person_or_first_contact_alone_keeps_it_small() -> None:
    result = triage(TriageFacts(nature="wrong colour", parties=1, recent_cases=1))
    assert result.size == Size.SMALL
