"""Grouping cases about the same problem: word order, inflections and extra words meet;
problems that only share a common word ("order", "account", "delivery") never do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from frontliner.desk.similarity import (
    SimilarCase,
    core_keys,
    group_cases,
    pair_keys,
    problem_words,
    signature,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

BLENDER_JUG = [
    "the jug of my blender cracked",
    "cracked blender jug",
    "Blender jug has a crack in it after a week",
    "My blender's jug is cracking",
    "Crack in the blender jug",
    "blender jugs crack after two uses",
    "The jug on the blender I bought has cracked!",
]
RESET_LINK = [
    "Password reset link has expired",
    "the reset link for my password expired",
    "Reset password link expires before I can use it",
    "password reset email link already expired",
    "Expired link when resetting password",
    "link to reset my password is expired",
]
COFFEE_LEAK = [
    "Coffee machine is leaking water",
    "water leaks from my coffee machine",
    "my coffee machine leaked all over the counter",
    "Leaking coffee machine",
    "The coffee machine keeps leaking",
]
APP_SETTINGS_CRASH = [
    "App crashes when opening settings",
    "the app crashed as soon as I open the settings page",
    "Settings screen makes the app crash",
    "crashing app on settings",
    "Opening settings crashes the app every time",
]
# Each shares one word (or a word and a generic one) with a group or with another
# distractor, and is a different problem.
DISTRACTORS = [
    "My order is late",
    "I want to cancel my order",
    "Order arrived with the wrong size",
    "Can't log into my account",
    "Please close my account",
    "Account was charged twice",
    "Delivery driver was rude",
    "Delivery left at the wrong address",
    "Delivery is very late",
    "Blender lid cracked",
    "Blender motor stopped working",
    "Coffee machine won't turn on",
    "Coffee grinder leaking",
    "Password change not saving",
    "Reset button on the router does nothing",
    "The link in your newsletter is broken",
    "Settings won't save",
    "App is slow",
    "app crashes on login",
]


def _cases(natures: list[str]) -> list[SimilarCase]:
    return [SimilarCase(i + 1, f"REF{i + 1}", nature, START + timedelta(minutes=i))
            for i, nature in enumerate(natures)]


def _grouped(natures: list[str], min_cases: int) -> dict[str, set[str]]:
    groups = group_cases(_cases(natures), min_cases)
    return {g.key: {c.nature for c in g.cases} for g in groups}


def test_the_same_problem_in_other_words_has_the_same_signature() -> None:
    assert signature("the jug of my blender cracked") == signature("cracked blender jug")
    assert signature("Login page shows error 500") == signature(
        "the login page is showing error 500 again!")
    assert signature("Parcel arrived damaged") != signature("Parcel arrived late")


def test_negations_are_kept_as_one_word() -> None:
    assert problem_words("Coffee machine won't turn on") == ("coffe", "machin", "not", "turn")
    assert "not" in problem_words("my order never arrived")


def test_only_pairs_of_specific_words_are_kept() -> None:
    assert pair_keys(problem_words("Coffee machine won't turn on")) == [
        "coffe machin", "coffe turn", "machin turn"]
    assert pair_keys(problem_words("Please close my account")) == []


def test_groups_form_from_varied_wordings_and_leave_near_misses_out() -> None:
    natures = BLENDER_JUG + RESET_LINK + COFFEE_LEAK + APP_SETTINGS_CRASH + DISTRACTORS
    assert len(natures) >= 30
    grouped = _grouped(natures, min_cases=5)
    assert set(map(frozenset, grouped.values())) == set(
        map(frozenset, [BLENDER_JUG, RESET_LINK, COFFEE_LEAK, APP_SETTINGS_CRASH]))


def test_the_groups_are_keyed_by_their_core_words() -> None:
    natures = BLENDER_JUG + COFFEE_LEAK + DISTRACTORS
    assert set(_grouped(natures, min_cases=5)) == {"blender crack jug", "coffe leak machin"}


@pytest.mark.parametrize("min_cases", [2, 3])
def test_problems_sharing_one_common_word_never_group_even_at_a_low_threshold(
    min_cases: int,
) -> None:
    assert _grouped(DISTRACTORS, min_cases) == {}


def test_fewer_cases_than_the_threshold_make_no_group() -> None:
    assert _grouped(BLENDER_JUG[:4] + DISTRACTORS[:9], min_cases=5) == {}


def test_a_case_that_says_less_joins_the_one_group_it_fits() -> None:
    grouped = _grouped([*BLENDER_JUG[:5], "jug cracked", "Blender lid cracked"], min_cases=5)
    assert grouped == {"blender crack jug": {*BLENDER_JUG[:5], "jug cracked"}}


def test_a_group_is_titled_by_its_shortest_wording() -> None:
    [group] = group_cases(_cases(BLENDER_JUG), 5)
    assert group.title == "cracked blender jug"
    assert [c.opened_at for c in group.cases] == sorted(c.opened_at for c in group.cases)


def test_frequent_pairs_only_narrow_what_is_looked_at() -> None:
    natures = BLENDER_JUG + DISTRACTORS
    frequent = {"blender crack", "blender jug", "crack jug"}
    [group] = group_cases(_cases(natures), 5, frequent)
    assert {c.nature for c in group.cases} == set(BLENDER_JUG)
    assert group_cases(_cases(natures), 5, {"blender motor", "coffe machin"}) == []


def test_a_new_case_finds_the_fire_key_of_its_core() -> None:
    keys = core_keys(problem_words("Blender jug has a crack in it after a week"))
    assert "blender crack jug" in keys
    assert "blender" not in keys and "crack" not in keys
    assert "late order" not in core_keys(["late", "order", "refund"])
