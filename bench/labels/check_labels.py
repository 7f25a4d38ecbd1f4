"""Check hand-label files for the Twitter customer-care data before they are trusted.

Labels are ground truth for the coach's accuracy, so a malformed line, a skipped or
repeated conversation, or a value outside the contract would silently skew every score.
Usage:

    python bench/labels/check_labels.py --data PATH/test.json bench/labels/twitter-care-*.jsonl

Each file must cover one contiguous run of conversations in the data set's order. Exit
code 0 when every file is clean, 1 when any problem was found (each one is printed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RULE_IDS = frozenset(
    {
        "cant",
        "cant-help",
        "bare-no",
        "policy",
        "blame",
        "hollow-empathy",
        "feelings",
        "guess",
        "argue",
        "no-apology",
        "no-thanks",
        "no-next-step",
        "too-long",
    }
)
ABUSE_KINDS = frozenset({"insult", "slur", "threat", "harassment", "doxxing"})
FRUSTRATION = frozenset({"low", "medium", "high"})
URGENCY = frozenset({"low", "normal", "high"})
CUSTOMER_KEYS = frozenset(
    {"complaint", "indirect", "abuse", "abuse_kinds", "frustration", "urgency"}
)
# A note that repeats this many words of the conversation in a row is quoting it.
QUOTE_WORDS = 6
WORD = re.compile(r"[a-z0-9']+")


def is_held_out(session_id: str) -> bool:
    """The held-out rule of bench/labels/README.md."""
    return hashlib.sha256(session_id.encode()).digest()[0] < 52


def conversation_text(conversation: dict[str, Any]) -> str:
    parts = [m.get("message", "") for m in conversation["dialogContent"]]
    parts.append(conversation["agentURL"]["url_utterance"])
    return " ".join(parts)


def word_runs(text: str, size: int) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def customer_problems(customer: Any) -> Iterator[str]:
    if not isinstance(customer, dict) or set(customer) != CUSTOMER_KEYS:
        yield f"customer must have exactly the keys {sorted(CUSTOMER_KEYS)}"
        return
    for key in ("complaint", "indirect", "abuse"):
        if not isinstance(customer[key], bool):
            yield f"customer.{key} must be true or false"
    kinds = customer["abuse_kinds"]
    if not isinstance(kinds, list) or not set(kinds) <= ABUSE_KINDS:
        yield f"customer.abuse_kinds must be a list drawn from {sorted(ABUSE_KINDS)}"
    elif bool(kinds) != customer["abuse"]:
        yield "customer.abuse_kinds must be non-empty exactly when abuse is true"
    if customer["frustration"] not in FRUSTRATION:
        yield f"customer.frustration must be one of {sorted(FRUSTRATION)}"
    if customer["urgency"] not in URGENCY:
        yield f"customer.urgency must be one of {sorted(URGENCY)}"
    if customer["indirect"] is True and customer["complaint"] is not True:
        yield "an indirect complaint must also be a complaint"


def reply_problems(reply: Any, complaint: bool) -> Iterator[str]:
    if not isinstance(reply, list) or not all(isinstance(r, str) for r in reply):
        yield "reply must be a list of rule ids"
        return
    if unknown := set(reply) - RULE_IDS:
        yield f"unknown rule ids {sorted(unknown)}"
    if len(set(reply)) != len(reply):
        yield "a rule id is listed twice"
    if "cant-help" in reply and "cant" not in reply:
        yield "cant-help also counts as cant: list both"
    if not complaint and {"no-apology", "no-thanks"} & set(reply):
        yield "no-apology / no-thanks apply only when the customer message is a complaint"


def note_problems(note: Any, conversation: dict[str, Any]) -> Iterator[str]:
    if not isinstance(note, str) or not note.strip():
        yield "note, when present, must be a non-empty string"
        return
    if "@" in note or "http" in note.lower():
        yield "note must not hold handles, addresses or links from the data"
    if word_runs(note, QUOTE_WORDS) & word_runs(conversation_text(conversation), QUOTE_WORDS):
        yield f"note repeats {QUOTE_WORDS}+ words of the conversation: paraphrase it"


def label_problems(label: Any, conversation: dict[str, Any]) -> Iterator[str]:
    if not isinstance(label, dict) or not {"id", "reply", "customer"} <= set(label):
        yield "a label needs id, reply and customer"
        return
    if extra := set(label) - {"id", "reply", "customer", "note"}:
        yield f"unexpected keys {sorted(extra)}"
    yield from customer_problems(label["customer"])
    complaint = isinstance(label["customer"], dict) and label["customer"].get("complaint") is True
    yield from reply_problems(label["reply"], complaint)
    if "note" in label:
        yield from note_problems(label["note"], conversation)


def check_file(path: Path, data: list[dict[str, Any]]) -> list[str]:
    """Every problem in one label file, as printable lines (empty when clean)."""
    index_of = {c["dialogHeader"]["sessionID"]: i for i, c in enumerate(data)}
    problems: list[str] = []
    indices: list[int] = []
    held_out = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            label = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{path}:{number}: not JSON ({error.msg})")
            continue
        session_id = label.get("id") if isinstance(label, dict) else None
        if not isinstance(session_id, str) or session_id not in index_of:
            problems.append(f"{path}:{number}: id is not a sessionID of the data set")
            continue
        indices.append(index_of[session_id])
        held_out += is_held_out(session_id)
        conversation = data[index_of[session_id]]
        problems += [f"{path}:{number}: {p}" for p in label_problems(label, conversation)]
    if indices and indices != list(range(indices[0], indices[0] + len(indices))):
        problems.append(f"{path}: ids are not one contiguous run in the data's order")
    if not problems:
        span = f"{indices[0]}..{indices[-1]}" if indices else "nothing"
        print(f"{path}: {len(indices)} labels, data indices {span}, {held_out} held out")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="twitter-care test.json")
    parser.add_argument("labels", type=Path, nargs="+", help="label files (.jsonl)")
    args = parser.parse_args(argv)
    data = json.loads(args.data.read_text(encoding="utf-8"))
    problems = [p for path in args.labels for p in check_file(path, data)]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
