"""The customer training labels in bench/labels: written text is marked and complete,
relabelled tweets are keyed by row only, and the trainer's folders find every file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from frontliner.coach.learned.examples import ABUSE_KINDS, label_lines

LABELS = Path(__file__).resolve().parents[2] / "bench" / "labels"
# The folders bench/train_coach.py trains from.
TRAINED = [LABELS, LABELS / "messages", LABELS / "written"]
FIELDS = {"complaint", "indirect", "abuse", "abuse_kinds", "frustration", "urgency"}


def _lines(pattern: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for file in sorted(LABELS.glob(pattern)):
        for n, raw in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if raw.strip():
                found.append((f"{file.name}:{n}", json.loads(raw)))
    return found


def _check_abuse(where: str, fields: dict[str, Any]) -> None:
    kinds = fields["abuse_kinds"]
    assert set(kinds) <= set(ABUSE_KINDS), where
    assert bool(kinds) == fields["abuse"], f"{where}: kinds exactly when abuse"


def test_written_customer_text_is_marked_complete_and_unique() -> None:
    lines = _lines("written/customer-written*.jsonl")
    assert len(lines) > 1000
    texts: dict[str, str] = {}
    for where, line in lines:
        assert line["written_here"] is True, where
        fields = line["customer"]
        assert set(fields) == FIELDS, where
        _check_abuse(where, fields)
        assert fields["frustration"] in ("low", "medium", "high"), where
        assert fields["urgency"] in ("low", "normal", "high"), where
        # DESIGN: an indirect complaint is a complaint.
        assert fields["complaint"] or not fields["indirect"], where
        text = " ".join(line["customer_text"].lower().split())
        assert text not in texts, f"{where} repeats {texts.get(text)}"
        texts[text] = where
    assert len({line["id"] for _, line in lines}) == len(lines)


def test_relabelled_tweets_are_keyed_by_row_without_text_and_do_not_overlap() -> None:
    lines = _lines("messages/offensive-tweets-abuse*.jsonl")
    ids = [line["id"] for _, line in lines]
    assert len(set(ids)) == len(ids), "a tweet is labelled in two places"
    for where, line in lines:
        assert set(line) == {"id", "customer"}, f"{where}: id and labels only, no text"
        assert line["id"].split(":")[0] == "offensive-tweets", where
        assert line["id"].split(":")[1].isdigit(), where
        assert set(line["customer"]) == {"abuse", "abuse_kinds"}, where
        _check_abuse(where, line["customer"])


def test_the_trainer_reads_every_customer_label_file() -> None:
    read = {where.split(":")[0] for where, _ in label_lines(TRAINED)}
    for file in [*LABELS.glob("written/customer-written*.jsonl"), *LABELS.glob("messages/*.jsonl")]:
        assert file.name in read
