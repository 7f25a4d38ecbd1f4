"""The solved labels in bench/labels: keyed by id and turn without text, one per customer
message, at most one of the two fields true; written text marked and unique."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

LABELS = Path(__file__).resolve().parents[2] / "bench" / "labels"
REAL = LABELS / "messages" / "twitter-care-solved.jsonl"
WRITTEN = LABELS / "written" / "solved-written.jsonl"
DATA = Path(os.environ.get("FRONTLINER_DATA", "/work/shared/data")) / "twitter-care" / "test.json"


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _fields(line: dict[str, object]) -> dict[str, bool]:
    fields = line["solved"]
    assert isinstance(fields, dict)
    assert set(fields) == {"confirms_solved", "not_solved"}
    assert all(isinstance(v, bool) for v in fields.values())
    assert not (fields["confirms_solved"] and fields["not_solved"])
    return fields


def test_real_messages_are_keyed_by_id_and_turn_only() -> None:
    keys = set()
    for line in _lines(REAL):
        assert set(line) <= {"id", "turn", "solved", "note"}, line
        _fields(line)
        keys.add((line["id"], line["turn"]))
    assert len(keys) == len(_lines(REAL))


def test_every_customer_message_of_the_data_set_is_labelled() -> None:
    if not DATA.exists():
        pytest.skip("the Twitter-care data set is not on this machine")
    wanted = {(c["dialogHeader"]["sessionID"], n)
              for c in json.loads(DATA.read_text("utf-8"))
              for n, turn in enumerate(c["dialogContent"]) if "client" in turn}
    assert {(line["id"], line["turn"]) for line in _lines(REAL)} == wanted


def test_written_text_is_marked_and_unique() -> None:
    texts = set()
    for line in _lines(WRITTEN):
        assert line["written_here"] is True
        _fields(line)
        text = " ".join(str(line["customer_text"]).lower().split())
        assert text not in texts
        texts.add(text)
    kinds = [tuple(_fields(line).values()) for line in _lines(WRITTEN)]
    assert min(kinds.count(k) for k in [(True, False), (False, True), (False, False)]) >= 100
