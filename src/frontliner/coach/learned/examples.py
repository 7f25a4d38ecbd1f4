"""Labelled examples for training, read from label files in the coach's label format.

A label line gives a text's labels; the text is either inline or looked up by id in a
data set passed on the command line (texts of public data sets never enter the repo):

- inline, as `frontliner coach export-reviews` writes it: `{"id", "text": reply,
  "customer_text": message|null, "reply": [rule ids], "customer": {fields}?}`, or a
  customer message alone: `{"id", "customer_text", "customer": {fields}}`;
- by id in the Twitter customer-care data (`test.json`): `{"id": sessionID, "reply",
  "customer"}` labels the final reply and the last customer message before it, and
  `{"id": sessionID, "turn": n, "customer"}` the customer message at `dialogContent[n]`;
- by row in a CSV data set: `{"id": "offensive-tweets:ROW", "customer"}` (the row's
  first column in `labeled_data.csv`) or `{"id": "bitext-support:LINE", "customer"}`
  (1-based data line of `utterances.csv`).

`customer` may hold only some fields (a tweet labelled for abuse says nothing of
complaints): a head missing from it stays unlabelled (None) for that text.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ABUSE_KINDS = ("insult", "slur", "threat", "harassment", "doxxing")
# The customer model's heads and how each is read from a label's `customer` fields.
CUSTOMER_HEADS = (
    "complaint",
    "indirect",
    "abuse",
    *ABUSE_KINDS,
    "frustrated",
    "urgent",
    "confirms_solved",
    "not_solved",
)
HOLDOUT_BELOW = 52  # first byte of sha256(session id): the held-out part (bench/labels)


class LabelError(Exception):
    """A label file or data file that cannot be used; the message says where and why."""


@dataclass
class Examples:
    """Texts and, per head, a label for each (None: not labelled for that head)."""

    ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    labels: dict[str, list[bool | None]] = field(default_factory=dict)
    weights: list[float] = field(default_factory=list)
    # Features of each text besides its words (e.g. the rules' marks), when a model uses any.
    extras: list[tuple[str, ...]] | None = None
    # Real text (not written here or generated): only real text is ever held out to measure.
    real: list[bool] = field(default_factory=list)

    def add(
        self,
        id_: str,
        text: str,
        heads: Mapping[str, bool | None],
        weight: float,
        real: bool = True,
    ) -> None:
        for name in sorted(heads.keys() - self.labels.keys()):
            self.labels[name] = [None] * len(self.texts)
        for name, column in self.labels.items():
            column.append(heads.get(name))
        self.ids.append(id_)
        self.texts.append(text)
        self.weights.append(weight)
        self.real.append(real)

    def part(self, keep: Iterable[bool]) -> Examples:
        chosen = [n for n, k in enumerate(keep) if k]
        return Examples(
            [self.ids[n] for n in chosen],
            [self.texts[n] for n in chosen],
            {h: [c[n] for n in chosen] for h, c in self.labels.items()},
            [self.weights[n] for n in chosen],
            None if self.extras is None else [self.extras[n] for n in chosen],
            [self.real[n] for n in chosen],
        )

    def __len__(self) -> int:
        return len(self.texts)


def session_of(label_id: str) -> str:
    """The conversation an example comes from (held-out is decided per conversation)."""
    return label_id.split("#", 1)[0]


def is_holdout(label_id: str) -> bool:
    digest = hashlib.sha256(session_of(label_id).encode("utf-8")).digest()
    return digest[0] < HOLDOUT_BELOW


def customer_heads(fields: Mapping[str, Any]) -> dict[str, bool | None]:
    """The customer model's heads from a label's `customer` fields (missing: None)."""
    heads: dict[str, bool | None] = {}
    for name in ("complaint", "indirect", "abuse", "confirms_solved", "not_solved"):
        if name in fields:
            heads[name] = bool(fields[name])
    if "abuse_kinds" in fields:
        heads.update({kind: kind in fields["abuse_kinds"] for kind in ABUSE_KINDS})
    elif fields.get("abuse") is False:
        heads.update(dict.fromkeys(ABUSE_KINDS, False))
    if "frustration" in fields:
        heads["frustrated"] = fields["frustration"] != "low"
    if "urgency" in fields:
        heads["urgent"] = fields["urgency"] == "high"
    return heads


# --- data sets the ids point into ------------------------------------------------------


class Texts:
    """Texts of the data sets given on the command line, looked up by label id."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self.care: dict[str, list[dict[str, Any]]] = {}
        self.rows: dict[str, str] = {}
        for path in paths:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            if path.suffix == ".json":
                for item in json.loads(path.read_text(encoding="utf-8")):
                    session = item["dialogHeader"]["sessionID"]
                    self.care[session] = [
                        *item["dialogContent"],
                        {"agent": "", "message": item["agentURL"]["url_utterance"]},
                    ]
            elif path.name == "labeled_data.csv":
                self._csv(path, "offensive-tweets", lambda n, row: (row[0], row[-1]))
            elif path.name == "utterances.csv":
                self._csv(path, "bitext-support", lambda n, row: (str(n), row[1]))
            else:
                raise LabelError(
                    f"{path}: not a data set this reads (test.json, "
                    "labeled_data.csv, utterances.csv)"
                )
        except OSError as exc:
            raise LabelError(f"cannot read {path}: {exc.strerror or exc}") from None
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise LabelError(f"{path}: not in the expected format ({exc})") from None

    def _csv(self, path: Path, prefix: str, pick: Any) -> None:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for n, row in enumerate(reader, start=1):
                key, text = pick(n, row)
                self.rows[f"{prefix}:{key}"] = text

    def every_text(self) -> list[str]:
        """Every text of the data sets given (for the vocabulary of a word table: words,
        not labels, so held-out texts may lend their words too)."""
        said = [str(t["message"]) for turns in self.care.values() for t in turns]
        return [*said, *self.rows.values()]

    def customer(self, label: Mapping[str, Any]) -> str | None:
        """The customer text a label describes, or None if the data was not given."""
        label_id = str(label["id"])
        if label_id in self.rows:
            return self.rows[label_id]
        turns = self.care.get(label_id)
        if turns is None:
            return None
        if "turn" in label:
            turn = turns[int(label["turn"])]
            if "client" not in turn:
                raise LabelError(f"{label_id} turn {label['turn']} is not a customer message")
            return str(turn["message"])
        said = [t["message"] for t in turns if "client" in t]
        return str(said[-1]) if said else None


# --- label files -----------------------------------------------------------------------


def label_lines(paths: Iterable[Path]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(file:line, label) for every label in the files (folders: their *.jsonl)."""
    for path in paths:
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        for file in files:
            try:
                lines = file.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise LabelError(f"cannot read {file}: {exc.strerror or exc}") from None
            for n, raw in enumerate(lines, start=1):
                if not raw.strip():
                    continue
                where = f"{file.name}:{n}"
                try:
                    label = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise LabelError(f"{where}: not JSON ({exc})") from None
                if not isinstance(label, dict) or not isinstance(label.get("id"), str):
                    raise LabelError(f"{where}: a label is an object with a string id")
                yield where, label


def label_id(label: Mapping[str, Any]) -> str:
    """A label's key: its id, and the turn for a message inside a conversation."""
    return f"{label['id']}#{label['turn']}" if "turn" in label else str(label["id"])


def customer_text(where: str, label: Mapping[str, Any], texts: Texts) -> str:
    """The customer message a label is about: written inline, or read from its data set."""
    text = label.get("customer_text") or texts.customer(label)
    if text is None:
        raise LabelError(
            f"{where}: no text for {label['id']}: pass its data set "
            "with --data, or give customer_text inline"
        )
    return str(text)


def made_up(label: Mapping[str, Any]) -> bool:
    """Text written here or generated: trained on at a lower weight, never measured."""
    return bool(label.get("written_here") or label.get("generated"))


def customer_examples(
    labels: Iterable[tuple[str, dict[str, Any]]], texts: Texts, weight_written: float = 0.5
) -> Examples:
    """The customer messages of the labels, with the customer model's heads. Text
    written here (`"written_here": true`) weighs `weight_written` against real text."""
    out = Examples()
    for where, label in labels:
        fields = label.get("customer")
        if not isinstance(fields, dict):
            continue
        text = customer_text(where, label, texts)
        written = made_up(label)
        weight = weight_written if written else 1.0
        out.add(label_id(label), text, customer_heads(fields), weight, real=not written)
    return out
