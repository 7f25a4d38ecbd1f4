"""The inbound analyser: what a customer's message says beyond its words.

Complaint (explicit or indirect), frustration 0..1, urgency, abuse by kind, and whether
the customer says the problem is solved or not (`solved.py`). Abuse
(attacks on people) is read separately from frustration (anger at a situation, harsh
criticism, threats to leave, sue or go public): frustration never counts as abuse.
The lexicons are data files next to this module; nothing is fetched at run time.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from frontliner.coach.learned import customer
from frontliner.coach.learned import solved as learned_solved
from frontliner.coach.learned.linear import Model
from frontliner.coach.model import ABUSE_KINDS, Reading, Urgency
from frontliner.coach.phrases import INBOUND, PhraseSet, Scan
from frontliner.coach.solved import lexicon as solved_lexicon
from frontliner.coach.solved import read_solved
from frontliner.coach.text import lower, prepare_customer

LEXICONS = Path(__file__).with_name("lexicons")
_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")
_WORD = re.compile(r"\b\w+\b")
_SHOUT = re.compile(r"[!?]{2,}")
_HASHTAG = re.compile(r"#([A-Za-z]\w*[a-z][A-Z]\w*)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Frustration is a sum of signals, each counted once and capped at 1.
WEIGHTS = {
    "problem": 0.15,
    "dissatisfied": 0.35,
    "second_dissatisfied": 0.15,
    "indirect": 0.2,
    "profanity": 0.25,
    "repeated": 0.15,
    "shouting": 0.15,
    "caps": 0.15,
    "abuse": 0.2,
}


@dataclass(frozen=True)
class Lexicon:
    problem: PhraseSet
    dissatisfied: PhraseSet
    indirect: PhraseSet
    request: PhraseSet
    addressed: PhraseSet
    third_person: PhraseSet
    self_caused: PhraseSet
    own_doing: PhraseSet
    upset: PhraseSet
    process_failing: PhraseSet
    profanity: PhraseSet
    repeated: PhraseSet
    urgent: PhraseSet
    not_urgent: PhraseSet
    suggestion: PhraseSet
    abuse: dict[str, PhraseSet]


_MACRO = re.compile(r"\{([a-z_]+)\}")


def _expand(pattern: str, macros: dict[str, str], where: str) -> str:
    """`{neg}` in an entry stands for the lexicon's shared word forms (its `macros:`), so
    a family such as negation x verb is written once and every inflection comes along."""

    def one(match: re.Match[str]) -> str:
        if match.group(1) not in macros:
            raise ValueError(f"lexicon {where}: unknown macro {match.group()}")
        return macros[match.group(1)]

    return _MACRO.sub(one, pattern)


def _compile(patterns: list[str], where: str, macros: dict[str, str]) -> PhraseSet:
    # Matched against lower-cased text, like the reply rules, with the same triggers.
    if not patterns:
        raise ValueError(f"lexicon {where} is empty")
    return PhraseSet([_expand(str(p), macros, where) for p in patterns], INBOUND)


def _slurs() -> list[str]:
    with (LEXICONS / "slurs.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.reader(line for line in handle if not line.startswith("#"))]
    return [row[0] for row in rows[1:] if row]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data: dict[str, Any] = yaml.safe_load((LEXICONS / "inbound.yml").read_text("utf-8"))
    macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}
    abuse_data: dict[str, list[str]] = data["abuse"]
    abuse = {
        kind: _compile(abuse_data[kind], kind, macros) for kind in ABUSE_KINDS if kind != "slur"
    }
    abuse["slur"] = _compile(_slurs(), "slur", macros)
    fields = {
        name: _compile(data[name], name, macros)
        for name in Lexicon.__dataclass_fields__
        if name != "abuse"
    }
    return Lexicon(abuse=abuse, **fields)


def _abuse_kinds(lex: Lexicon, text: Scan) -> tuple[str, ...]:
    return tuple(kind for kind in ABUSE_KINDS if lex.abuse[kind].search(text))


def _is_complaint(lex: Lexicon, text: Scan, feelings: list[tuple[int, int]]) -> bool:
    if feelings and not _only_upset_at_own_doing(lex, text, feelings):
        return True
    if not lex.problem.search(text) or lex.suggestion.search(text):
        return False
    # Their own slip asked about neutrally is not a complaint, until our side fails them.
    own = lex.self_caused.search(text) or lex.own_doing.search(text)
    return not own or bool(lex.process_failing.search(text))


def _only_upset_at_own_doing(lex: Lexicon, text: Scan, feelings: list[tuple[int, int]]) -> bool:
    """A crying face after "I dropped my laptop" is about the mishap, not about us: every
    sign of dissatisfaction is a groan or a curse aimed at no one, and the customer tells
    of their own doing with nothing of ours failing them."""
    if not lex.own_doing.search(text) or lex.process_failing.search(text):
        return False
    upset = lex.upset.spans(text)
    return all(any(s < e2 and e > s2 for s2, e2 in upset) for s, e in feelings)


def _shouting(original: str) -> tuple[bool, bool]:
    words = _WORD.findall(original)
    caps = _CAPS_WORD.findall(original)
    mostly_caps = len(words) >= 4 and len(caps) >= 3 and len(caps) / len(words) >= 0.4
    return bool(_SHOUT.search(original)), mostly_caps


def _frustration(signals: dict[str, bool]) -> float:
    total = sum(WEIGHTS[name] for name, present in signals.items() if present)
    return round(min(1.0, total), 2)


def _urgency(lex: Lexicon, text: Scan, complaint: bool) -> Urgency:
    if lex.urgent.search(text):
        return "high"
    if not complaint and lex.not_urgent.search(text):
        return "low"
    return "normal"


def _hashtag_words(text: str) -> str:
    """`#printerError` also reads as `printer Error`: customers tag what is wrong, and a
    camel-cased tag hides its words from whole-word matching. The tag itself stays, for
    entries such as `#fail`."""
    return _HASHTAG.sub(lambda m: f"{m.group()} {_CAMEL.sub(' ', m.group(1))}", text)


def read(message: str, trained: Model | str | None = customer.NAME) -> Reading:
    """Read one customer message (pure; callers bound its size): the rules' reading,
    decided by the learned customer model (`learned/customer.py`; `trained`: the shipped
    one by default, another model, or None for the lexicons alone), and its
    confirms_solved / not_solved by the solved model (`learned/solved.py`) unless the
    lexicons alone were asked for."""
    rules, marks = rule_reading(message)
    reading = customer.decide(message, rules, marks, trained)
    if trained is None:  # the lexicons alone, for every field
        return reading
    return learned_solved.decide(message, reading)


def rule_reading(message: str) -> tuple[Reading, tuple[str, ...]]:
    """What the lexicons alone read, and the marks the learned model weighs with the
    words (which signals fired, the rules' verdicts). Frustration is left unzeroed here:
    whether the message is a complaint is decided after."""
    lex = lexicon()
    solved_lexicon()  # its triggers join the registry before the message is scanned
    original = prepare_customer(message)
    text = Scan.of(lower(_hashtag_words(original)), INBOUND)
    dissatisfied = lex.dissatisfied.spans(text)
    dissatisfied_hits = len(dissatisfied)
    sideways_spans = lex.indirect.spans(text)
    sideways = bool(sideways_spans)
    problem = bool(lex.problem.search(text))
    complaint = _is_complaint(lex, text, dissatisfied + sideways_spans)
    # Indirect: the company is asked for nothing, and the dissatisfaction comes sideways
    # (sarcasm, resignation) or is said about the company rather than to it.
    indirect = (
        complaint
        and not lex.request.search(text)
        and (sideways or (not lex.addressed.search(text) and bool(lex.third_person.search(text))))
    )
    kinds = _abuse_kinds(lex, text)
    shouting, caps = _shouting(original)
    signals = {
        "problem": problem,
        "dissatisfied": dissatisfied_hits > 0,
        "second_dissatisfied": dissatisfied_hits > 1,
        "indirect": indirect,
        "profanity": bool(lex.profanity.search(text)),
        "repeated": complaint and bool(lex.repeated.search(text)),
        "shouting": shouting,
        "caps": caps,
        "abuse": bool(kinds),
    }
    confirms_solved, not_solved = read_solved(text)
    reading = Reading(
        complaint=complaint,
        indirect=indirect,
        frustration=_frustration(signals),
        abuse=bool(kinds),
        abuse_kinds=kinds,
        urgency=_urgency(lex, text, complaint),
        confirms_solved=confirms_solved,
        not_solved=not_solved,
    )
    # Their own slip, or a suggestion: the rules' "not a complaint" stands (learned/customer).
    own = lex.self_caused.search(text) or lex.own_doing.search(text)
    guarded = bool(lex.suggestion.search(text) or (own and not lex.process_failing.search(text)))
    return reading, customer.marks(signals, reading, guarded)
