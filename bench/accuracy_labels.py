"""The hand labels and the conversations they describe, and the checks that make the
labels trustworthy: format in bench/labels/README.md, rule ids and values in DESIGN.md.

A label file that refers to a missing conversation, repeats one or uses a value outside
the contract would skew every score silently, so `validate` lists every such problem.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The rule ids of DESIGN.md's table; a label may use only these.
RULES = (
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
)
ABUSE_KINDS = ("insult", "slur", "threat", "harassment", "doxxing")
FRUSTRATION = ("low", "medium", "high")
URGENCY = ("low", "normal", "high")
CUSTOMER_KEYS = {"complaint", "indirect", "abuse", "abuse_kinds", "frustration", "urgency"}
LABEL_KEYS = {"id", "reply", "customer", "note"}
HOLDOUT_BELOW = 52  # first byte of sha256(sessionID): about one conversation in five
INBOUND_FLAGS = ("complaint", "indirect", "abuse")
QUOTE_WORDS = 6  # a note repeating this many words of the conversation in a row quotes it
WORD = re.compile(r"[a-z0-9']+")
RULE_ID = re.compile(r"[a-z][a-z0-9-]{0,63}")
# Labels that carry their own texts (the desk's reviewed replies, written by
# `frontliner coach export-reviews`): `text` is the reply, `customer_text` the message
# it answered; `customer` (the inbound fields) is optional there.
INLINE_KEYS = {"id", "reply", "text", "customer_text", "spans", "coach", "reviewed_at",
               "note", "customer"}


class UnusableInput(Exception):
    """The data or label files cannot be read at all (exit code 2)."""


@dataclass(frozen=True)
class Conversation:
    id: str
    customer: str | None  # last customer message before the final agent reply
    reply: str  # the final agent reply


@dataclass(frozen=True)
class Label:
    id: str
    reply: frozenset[str]
    customer: dict[str, Any]
    where: str  # file:line, for error messages


def is_holdout(session_id: str) -> bool:
    return hashlib.sha256(session_id.encode("utf-8")).digest()[0] < HOLDOUT_BELOW


# --- reading the data and the labels ---------------------------------------------------


def load_conversations(path: Path) -> dict[str, Conversation]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UnusableInput(f"cannot read the data file {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise UnusableInput(f"{path} is not JSON: {exc}") from None
    if not isinstance(raw, list):
        raise UnusableInput(f"{path}: expected a JSON list of conversations")
    out: dict[str, Conversation] = {}
    for n, item in enumerate(raw):
        try:
            conversation = _conversation(item)
        except (KeyError, TypeError) as exc:
            raise UnusableInput(f"{path}: conversation {n} lacks {exc}") from None
        out[conversation.id] = conversation
    return out


def _conversation(item: dict[str, Any]) -> Conversation:
    messages = item["dialogContent"]
    customer = [m["message"] for m in messages if "client" in m]
    return Conversation(
        id=item["dialogHeader"]["sessionID"],
        customer=customer[-1] if customer else None,
        reply=item["agentURL"]["url_utterance"],
    )


def read_label_lines(folder: Path) -> list[tuple[str, Any]]:
    """(file:line, parsed JSON or the parse error text) for every non-blank line."""
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise UnusableInput(f"no *.jsonl label files in {folder}")
    lines: list[tuple[str, Any]] = []
    for file in files:
        for n, text in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if text.strip():
                lines.append((f"{file.name}:{n}", _parse(text)))
    return lines


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return ParseError(str(exc))


class ParseError(str):
    """A label line that is not JSON; kept as a value so validation can report it."""


def validate(lines: list[tuple[str, Any]], data: Mapping[str, Conversation]) -> list[str]:
    """Every problem in the label files, each prefixed with file:line."""
    problems: list[str] = []
    first_seen: dict[str, str] = {}
    for where, obj in lines:
        found = _label_problems(obj, data)
        problems.extend(f"{where}: {p}" for p in found)
        label_id = obj.get("id") if isinstance(obj, dict) else None
        if isinstance(label_id, str):
            if label_id in first_seen:
                first = first_seen[label_id]
                problems.append(f"{where}: duplicate id {label_id} (first at {first})")
            first_seen.setdefault(label_id, where)
    return problems


def _label_problems(obj: Any, data: Mapping[str, Conversation]) -> list[str]:
    if isinstance(obj, ParseError):
        return [f"not JSON ({obj})"]
    if not isinstance(obj, dict):
        return ["a label must be a JSON object"]
    problems = [f"unknown key {k!r}" for k in sorted(set(obj) - LABEL_KEYS)]
    if not isinstance(obj.get("id"), str):
        problems.append("id must be a string (the sessionID)")
    elif obj["id"] not in data:
        problems.append(f"id {obj['id']} is not in the data")
    problems += _reply_problems(obj.get("reply"))
    problems += _customer_problems(obj.get("customer"))
    if "note" in obj and not isinstance(obj["note"], str):
        problems.append("note must be a string")
    elif "note" in obj and obj.get("id") in data:
        problems += _note_problems(obj["note"], data[obj["id"]])
    return problems


def _word_runs(text: str) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + QUOTE_WORDS]) for i in range(len(words) - QUOTE_WORDS + 1)}


def _note_problems(note: str, conversation: Conversation) -> list[str]:
    """Notes are our own words: the data's text (handles, links, sentences) stays out."""
    problems = []
    if "@" in note or "http" in note.lower():
        problems.append("note must not hold handles, addresses or links from the data")
    said = f"{conversation.customer or ''} {conversation.reply}"
    if _word_runs(note) & _word_runs(said):
        problems.append(f"note repeats {QUOTE_WORDS}+ words of the conversation: paraphrase it")
    return problems


def _reply_problems(reply: Any, known: tuple[str, ...] | None = RULES) -> list[str]:
    """`known` None: any well-formed rule id (a desk's rule pack may add rules)."""
    if not isinstance(reply, list) or not all(isinstance(r, str) for r in reply):
        return ["reply must be a list of rule ids"]
    problems = [f"unknown rule id {r!r}" for r in reply
                if (r not in known if known is not None else not RULE_ID.fullmatch(r))]
    if len(set(reply)) != len(reply):
        problems.append("reply lists a rule twice")
    if "cant-help" in reply and "cant" not in reply:
        problems.append("cant-help also counts as cant: list both")
    return problems


def _customer_problems(customer: Any) -> list[str]:
    if not isinstance(customer, dict):
        return ["customer must be an object"]
    problems = [f"customer lacks {k}" for k in sorted(CUSTOMER_KEYS - set(customer))]
    problems += [f"customer has unknown key {k!r}" for k in sorted(set(customer) - CUSTOMER_KEYS)]
    for flag in INBOUND_FLAGS:
        if flag in customer and not isinstance(customer[flag], bool):
            problems.append(f"customer.{flag} must be true or false")
    kinds = customer.get("abuse_kinds", [])
    if not isinstance(kinds, list) or any(k not in ABUSE_KINDS for k in kinds):
        problems.append(f"customer.abuse_kinds must be a list drawn from {', '.join(ABUSE_KINDS)}")
    elif bool(kinds) != bool(customer.get("abuse")):
        problems.append("customer.abuse_kinds must be non-empty exactly when abuse is true")
    if customer.get("indirect") is True and customer.get("complaint") is not True:
        problems.append("an indirect complaint is a complaint: set complaint true")
    for key, allowed in (("frustration", FRUSTRATION), ("urgency", URGENCY)):
        if key in customer and customer[key] not in allowed:
            problems.append(f"customer.{key} must be one of {', '.join(allowed)}")
    return problems


def to_labels(lines: list[tuple[str, Any]]) -> list[Label]:
    return [Label(o["id"], frozenset(o["reply"]), o["customer"], where) for where, o in lines]


# --- labels with their texts inline ----------------------------------------------------


def load_inline_labels(path: Path) -> tuple[list[tuple[Conversation, Label]], list[str]]:
    """(conversation, label) pairs from a file of inline-text labels, and every problem
    found (file:line prefixed); a line with a problem gives no pair."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UnusableInput(f"cannot read the label file {path}: {exc.strerror}") from None
    pairs: list[tuple[Conversation, Label]] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        where = f"{path.name}:{n}"
        obj = _parse(raw)
        found = _inline_problems(obj)
        if not found and obj["id"] in seen:
            found = [f"duplicate id {obj['id']} (first at {seen[obj['id']]})"]
        problems += [f"{where}: {p}" for p in found]
        if found:
            continue
        seen[obj["id"]] = where
        conversation = Conversation(obj["id"], obj.get("customer_text"), obj["text"])
        pairs.append((conversation, Label(obj["id"], frozenset(obj["reply"]),
                                          obj.get("customer") or {}, where)))
    return pairs, problems


def _inline_problems(obj: Any) -> list[str]:
    if isinstance(obj, ParseError):
        return [f"not JSON ({obj})"]
    if not isinstance(obj, dict):
        return ["a label must be a JSON object"]
    problems = [f"unknown key {k!r}" for k in sorted(set(obj) - INLINE_KEYS)]
    if not isinstance(obj.get("id"), str) or not obj["id"]:
        problems.append("id must be a non-empty string")
    if not isinstance(obj.get("text"), str) or not obj["text"].strip():
        problems.append("text must be the reply's text")
    if not isinstance(obj.get("customer_text"), str | None):
        problems.append("customer_text must be a string or null")
    problems += _reply_problems(obj.get("reply"), known=None)
    if "customer" in obj:
        problems += _customer_problems(obj["customer"])
    if "note" in obj and not isinstance(obj["note"], str):
        problems.append("note must be a string")
    return problems + _span_problems(obj.get("spans", []), obj.get("text"), obj.get("reply"))


def _span_problems(spans: Any, text: Any, reply: Any) -> list[str]:
    if not isinstance(spans, list):
        return ["spans must be a list"]
    length = len(text) if isinstance(text, str) else 0
    rules = set(reply) if isinstance(reply, list) else set()
    problems = []
    for span in spans:
        if not _inside(span, length):
            problems.append(f"span {span!r} is not a part of the text")
        elif span.get("rule") not in rules:
            problems.append(f"span of {span.get('rule')!r}, which reply does not list")
    return problems


def _inside(span: Any, length: int) -> bool:
    if not isinstance(span, dict):
        return False
    start, end = span.get("start"), span.get("end")
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length
