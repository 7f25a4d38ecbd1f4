"""The speed-up must never change a result: running only the alternatives whose trigger
words occur gives exactly what running every alternative gives."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from frontliner.coach import Coach
from frontliner.coach.packs import load_base
from frontliner.coach.phrases import PhraseSet, Scan, _words
from frontliner.coach.text import lower, prepare
from frontliner.coach.triggers import analyse, triggers

COACH = Coach()
SETS = [v for rule in COACH.rules for v in vars(rule.kind).values() if isinstance(v, PhraseSet)]
EXAMPLES = [e.draft for spec in load_base() for e in (*spec.fails, *spec.passes)]
WORDS = sorted({w for text in EXAMPLES for w in re.findall(r"[\w']+", text.lower())})


def _every_alternative(phrases: PhraseSet, scan: Scan) -> list[tuple[int, int]]:
    found = []
    for part in phrases.alternatives:
        rx = re.compile(rf"(?<![\w'])(?:{part})(?![\w'])", re.MULTILINE)
        found += [m.span() for m in rx.finditer(scan.lower)]
    found.sort(key=lambda span: (span[0], -span[1]))
    kept: list[tuple[int, int]] = []
    for span in found:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _agree(text: str) -> None:
    scan = prepare(text).scan
    for phrases in SETS:
        assert phrases.spans(scan) == _every_alternative(phrases, scan), text


def test_triggers_change_nothing_on_the_rule_examples() -> None:
    for text in EXAMPLES:
        _agree(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
def test_triggers_change_nothing_on_shuffled_rule_words(words: list[str]) -> None:
    _agree(" ".join(words))


def test_a_pattern_needing_a_word_is_triggered_by_that_word() -> None:
    found = triggers(r"(?:the|our) (?:courier|carrier)(?:'s)? (?:is|was) late")
    assert found is not None
    assert {"courier", "carrier"} <= found.words or "late" in found.words


def test_lower_keeps_offsets_even_for_characters_that_grow() -> None:
    text = "İstanbul we can't"
    assert len(lower(text)) == len(text)


def test_a_pattern_names_the_other_words_it_needs() -> None:
    found, needs = analyse(r"the (?:courier|warehouse) (?:lost|delayed) (?:it|them)")
    assert found is not None and found.words == {"courier", "warehouse"}
    assert needs == [frozenset({"lost", "delayed"})]


def test_a_pattern_missing_a_needed_word_is_not_run_and_finds_what_it_would() -> None:
    phrases = PhraseSet([r"the (?:courier|warehouse) (?:lost|delayed) (?:it|them)"])
    for text, spans in (
        ("the courier is late", []),
        ("sadly the courier lost it", [(6, 25)]),
        ("the warehouse delayed them and the courier lost it", [(0, 26), (31, 50)]),
    ):
        scan = prepare(text).scan
        assert phrases.spans(scan) == _every_alternative(phrases, scan) == spans


def test_words_of_a_draft_are_the_regex_words_in_ascii_and_beyond() -> None:
    for text in ("we can't_do it-now 2day!", "café naïve \u00a0x\ty", "", "  ", "İ ß 3½"):
        assert _words(text) == re.findall(r"\w+", text)


def test_checking_a_draft_after_others_gives_what_it_gives_alone() -> None:
    later = "I completely understand. We can't refund that, please contact the courier."
    alone = Coach().check(later, "My parcel is late!").to_dict()
    shared = Coach()
    for earlier in EXAMPLES:
        shared.check(earlier, "My parcel is late!")
    assert shared.check(later, "My parcel is late!").to_dict() == alone
