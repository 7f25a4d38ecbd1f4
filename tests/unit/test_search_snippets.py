"""Search snippets: the words around the first match, each match marked."""

from __future__ import annotations

from frontliner.store.search import chunks, highlight_html
from frontliner.store.snippets import MARK_END, MARK_START, cut


def _marked(snippet: str) -> list[str]:
    return [part.split(MARK_END)[0] for part in snippet.split(MARK_START)[1:]]


def test_matches_ignore_case_accents_and_word_endings() -> None:
    snippet = cut("José bought two Blenders; the blender jug cracked.", chunks("jose blender"))
    assert _marked(snippet) == ["José", "Blenders", "blender"]


def test_the_last_word_matches_as_the_start_of_a_word() -> None:
    assert _marked(cut("The thermostat froze", chunks("therm"))) == ["thermostat"]
    assert _marked(cut("The thermostat froze", chunks("therm froze"))) == ["froze"]


def test_a_long_text_is_cut_around_the_first_match_with_ellipses() -> None:
    text = " ".join(f"word{i}" for i in range(100)) + " toaster " + "tail " * 50
    snippet = cut(text, chunks("toaster"))
    assert snippet.startswith("…word95 ") and snippet.endswith("…")
    assert _marked(snippet) == ["toaster"]
    assert len(snippet) < 200


def test_no_match_gives_the_start_of_the_text_unmarked() -> None:
    assert cut("Nothing to see here", chunks("zebra")).startswith("Nothing")
    assert MARK_START not in cut("Nothing to see here", chunks("zebra"))


def test_hostile_text_in_a_snippet_is_escaped_and_only_marks_become_tags() -> None:
    shown = highlight_html(cut('<img src=x onerror="alert(1)"> broken kettle', chunks("kettle")))
    assert "<img" not in shown and "&gt;" in shown and "<mark>kettle</mark>" in shown
    assert "<" not in shown.replace("<mark>", "").replace("</mark>", "")
