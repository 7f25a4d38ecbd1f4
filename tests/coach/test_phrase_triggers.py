"""The speed-up must never change a result: running only the alternatives whose trigger
words occur gives exactly what running every alternative gives."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from frontliner.coach import Coach
from frontliner.coach.packs import load_base
from frontliner.coach.phrases import RULES, PhraseSet, Scan, _words
from frontliner.coach.text import lower, prepare
from frontliner.coach.triggers import analyse, required, triggers, width

COACH = Coach()
SETS = [v for rule in COACH.rules for v in vars(rule.kind).values() if isinstance(v, PhraseSet)]
EXAMPLES = [e.draft for spec in load_base() for e in (*spec.fails, *spec.passes)]
WORDS = sorted({w for text in EXAMPLES for w in re.findall(r"[\w']+", text.lower())})


def _every_alternative(
    phrases: PhraseSet, scan: Scan, start: int = 0, end: int | None = None
) -> list[tuple[int, int]]:
    found = []
    stop = len(scan.lower) if end is None else end
    for part in phrases.alternatives:
        rx = re.compile(rf"(?<![\w'])(?:{part})(?![\w'])", re.MULTILINE)
        found += [m.span() for m in rx.finditer(scan.lower, start, stop)]
    found.sort(key=lambda span: (span[0], -span[1]))
    kept: list[tuple[int, int]] = []
    for span in found:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _agree(text: str) -> None:
    scan = prepare(text).scan
    for phrases in SETS:
        every = _every_alternative(phrases, scan)
        assert phrases.spans(scan) == every, text
        assert phrases.search(scan) == bool(every), text
        # Searches over a part of the draft (an exception near a hit, one sentence).
        for sentence in prepare(text).sentences:
            inside = _every_alternative(phrases, scan, sentence.start, sentence.end)
            assert phrases.search(scan, sentence.start, sentence.end) == bool(inside), text


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


def _naive_triggers(lower_text: str) -> frozenset[str]:
    fragments = [f for f in RULES.fragments if f in lower_text]
    return frozenset(RULES.words.intersection(_words(lower_text))).union(fragments)


def test_a_drafts_triggers_are_its_trigger_words_and_the_fragments_in_its_text() -> None:
    # Settled word by word (remembered), they must equal a substring test per fragment.
    for text in (*EXAMPLES, "Annotated: we'd 'thank' you—won't we? dont_can x.youll"):
        scan = prepare(text).scan
        assert scan.present == _naive_triggers(scan.lower), text


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*WORDS, " ", ", ", "-", "'", "?"]), min_size=1, max_size=40))
def test_a_drafts_triggers_are_the_same_for_words_run_together(parts: list[str]) -> None:
    text = "".join(parts)
    scan = prepare(text).scan
    assert scan.present == _naive_triggers(scan.lower), text


def test_every_match_is_as_narrow_as_its_width_and_holds_what_it_spells() -> None:
    texts = [prepare(t).scan for t in EXAMPLES]
    for phrases in SETS:
        for part in phrases.alternatives:
            wide, groups = width(part), required(part)
            rx = re.compile(rf"(?<![\w'])(?:{part})(?![\w'])", re.MULTILINE)
            for scan in texts:
                for m in rx.finditer(scan.lower):
                    if wide is not None:
                        assert len(m.group()) <= wide[0] + wide[1] * scan.longest, part
                    assert all(any(s in m.group() for s in g) for g in groups), part


def test_width_counts_word_runs_and_gives_up_on_any_run() -> None:
    assert width(r"(?:you )?(?:may|might) (?:need|have) to") == (17, 0)
    assert width(r"(?:i|we)(?: \w+)? (?:send|arrang\w*)") == (10, 2)
    assert width(r"[\w')]*\?") is None
    assert width(r"a.*b") is None
    assert {"need", "have"} in required(r"(?:you )?(?:may|might) (?:need|have) to")
    assert required(r"(?i)abc") == []
