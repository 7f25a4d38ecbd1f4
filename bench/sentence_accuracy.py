"""Sentence by sentence: does the coach flag the right sentences of every agent message?

Read by `coach_accuracy.py` (its `--sentences` table). The labels are in
`labels/sentences/*.jsonl` (format: labels/README.md): for each agent message of the
Twitter customer-care data, not only the final reply, the offsets of its sentences and
the rule ids each one breaks. A finding counts for the sentence holding its start; an
"I can't help you" also counts as an "I can't", as in the reply-level bench.

Parts: `holdout` (sha256(sessionID)[0] < 52, never tuned on), `aside` (52 <= byte < 78,
kept unread until the end of a piece of work: score it once) and `dev` (the rest).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accuracy_labels import HOLDOUT_BELOW, UnusableInput
from frontliner.coach.learned.reply_training import ASIDE_BELOW
from frontliner.coach.learned.sentences import SENTENCE_RULES

FOLDER = "sentences"


def part_of_session(session_id: str) -> str:
    byte = hashlib.sha256(session_id.encode("utf-8")).digest()[0]
    if byte < HOLDOUT_BELOW:
        return "holdout"
    return "aside" if byte < ASIDE_BELOW else "dev"


@dataclass(frozen=True)
class Message:
    """One labelled agent message: its text, the customer message before it, and the
    gold rule ids per sentence span."""

    session: str
    utterance: int
    text: str
    customer: str | None
    sentences: tuple[tuple[int, int, frozenset[str]], ...]


def load_agent_messages(data_path: Path) -> dict[tuple[str, int], tuple[str, str | None]]:
    """(session, utterance index) -> (agent text, last customer message before it); the
    final reply is utterance len(dialogContent)."""
    try:
        raw = json.loads(data_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UnusableInput(f"cannot read the data file {data_path}: {exc}") from None
    out: dict[tuple[str, int], tuple[str, str | None]] = {}
    for item in raw:
        session = item["dialogHeader"]["sessionID"]
        turns = [
            *item["dialogContent"],
            {"agent": "", "message": item["agentURL"]["url_utterance"]},
        ]
        customer: str | None = None
        for n, turn in enumerate(turns):
            if "agent" in turn:
                out[(session, n)] = (str(turn["message"]), customer)
            else:
                customer = str(turn["message"])
    return out


def load_messages(folder: Path, data_path: Path) -> list[Message]:
    texts = load_agent_messages(data_path)
    out = []
    for file in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            out.append(_message(json.loads(line), texts, f"{file.name}:{n}"))
    return out


def _message(
    obj: Any, texts: Mapping[tuple[str, int], tuple[str, str | None]], where: str
) -> Message:
    key = (obj.get("id"), obj.get("utterance"))
    if key not in texts:
        raise UnusableInput(f"{where}: no agent message {key} in the data")
    text, customer = texts[key]
    spans = []
    for start, end, rules in obj["sentences"]:
        unknown = set(rules) - set(SENTENCE_RULES)
        if unknown or not 0 <= start < end <= len(text):
            raise UnusableInput(f"{where}: bad sentence [{start}, {end}] {rules}")
        spans.append((start, end, frozenset(rules)))
    return Message(key[0], key[1], text, customer, tuple(spans))


Check = Callable[..., Any]


def predicted_by_sentence(message: Message, check: Check) -> list[set[str]]:
    report = check(message.text, customer=message.customer)
    out: list[set[str]] = [set() for _ in message.sentences]
    for finding in report.findings:
        if finding.rule not in SENTENCE_RULES:
            continue
        for n, (start, end, _gold) in enumerate(message.sentences):
            if start <= finding.start < end:
                out[n].add(finding.rule)
                if finding.rule == "cant-help":
                    out[n].add("cant")
    return out


def confusion(pairs: Iterable[tuple[frozenset[str], set[str]]]) -> dict[str, dict[str, int]]:
    table = {r: {"tp": 0, "fp": 0, "fn": 0, "support": 0} for r in SENTENCE_RULES}
    for gold, got in pairs:
        for rule in SENTENCE_RULES:
            row = table[rule]
            row["support"] += rule in gold
            row["tp"] += rule in gold and rule in got
            row["fp"] += rule in got and rule not in gold
            row["fn"] += rule in gold and rule not in got
    return table


def score(
    messages: Iterable[Message], check: Check
) -> dict[str, list[tuple[frozenset[str], set[str]]]]:
    """Per part, (gold, predicted) for every labelled sentence."""
    parts: dict[str, list[tuple[frozenset[str], set[str]]]] = {}
    for message in messages:
        got = predicted_by_sentence(message, check)
        rows = parts.setdefault(part_of_session(message.session), [])
        rows.extend(
            (gold, found) for (_s, _e, gold), found in zip(message.sentences, got, strict=False)
        )
    return parts
