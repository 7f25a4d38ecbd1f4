"""The speed-up must never change a result: running only the alternatives whose trigger
words occur gives exactly what running every alternative gives."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from frontliner.coach import Coach
from frontliner.coach.packs import load_base
from frontliner.coach.phrases import PhraseSet, Scan, triggers
from frontliner.coach.text import lower, prepare

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
